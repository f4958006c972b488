package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// DARE envelope commands (cli.md §11; docs/dare.md): encode, decode, verify
// and earl. Until accounts exist, recipients and signers are key files made
// by `meshman key create`, and --key takes a type-32 symmetric key UDF.

// newDareEnvelopeCmds returns the envelope commands of the `dare` group.
func newDareEnvelopeCmds(app *App) []*cobra.Command {
	return []*cobra.Command{
		newDareEncodeCmd(app), newDareDecodeCmd(app), newDareVerifyCmd(app), newDareEarlCmd(app),
	}
}

// dareKeyFlags are the key options shared by the decoding commands.
type dareKeyFlags struct {
	identities []string
	trusted    []string
	symmetric  []string
}

func (f *dareKeyFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&f.identities, "identity", "i", nil, "private key file to decrypt with (repeatable)")
	cmd.Flags().StringArrayVar(&f.trusted, "trust", nil, "signer key file (public or private) whose signatures are checked (repeatable)")
	cmd.Flags().StringArrayVar(&f.symmetric, "key", nil, "symmetric key UDF (type 32) to decrypt with (repeatable)")
}

// keyring loads the keys named by the flags.
func (f *dareKeyFlags) keyring() (*dare.Keyring, error) {
	ring := &dare.Keyring{}
	for _, p := range f.identities {
		k, err := readPrivateKey(p)
		if err != nil {
			return nil, err
		}
		ring.Private = append(ring.Private, k)
	}
	acct, err := accountDecryptionKeys()
	if err != nil {
		return nil, err
	}
	ring.Private = append(ring.Private, acct...)
	for _, p := range f.trusted {
		k, err := readPublicKey(p)
		if err != nil {
			return nil, err
		}
		ring.Trusted = append(ring.Trusted, k)
	}
	for _, s := range f.symmetric {
		k, err := dare.ParseSymmetricKey(s)
		if err != nil {
			return nil, fmt.Errorf("--key: %w", err)
		}
		ring.Symmetric = append(ring.Symmetric, k)
	}
	return ring, nil
}

// readPrivateKey reads a private key file of `meshman key create`.
func readPrivateKey(path string) (keys.PrivateKey, error) {
	b, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	k, err := keys.ParsePrivateKeyFile(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// readPublicKey reads a public key file, or the public half of a private one.
func readPublicKey(path string) (keys.PublicKey, error) {
	b, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	pub, err := keys.ParsePublicKeyFile(b)
	if err == nil {
		return pub, nil
	}
	if priv, perr := keys.ParsePrivateKeyFile(b); perr == nil {
		return priv.Public(), nil
	}
	return nil, fmt.Errorf("%s: %w", path, err)
}

func readKeyFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > keys.MaxKeyFileSize {
		return nil, fmt.Errorf("%s: %d bytes is too large for a key file (limit %d)", path, st.Size(), keys.MaxKeyFileSize)
	}
	return os.ReadFile(path)
}

// progress returns a progress bar on stderr for size bytes when stderr is
// a terminal, else nil.
func (a *App) progress(size int64, what string) io.Writer {
	f, ok := a.Stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || size < 16<<20 {
		return nil
	}
	return progressbar.NewOptions64(size, progressbar.OptionSetWriter(f), progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription(what), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100_000_000))
}

// checkOutput refuses to replace an existing file unless force is set.
func checkOutput(path string, force bool) error {
	if force {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists (use --force to replace it)", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// decodedName is the default output of `dare decode IN`: IN without its
// ".dare" extension, else IN + ".xdare" (cli.md §11).
func decodedName(in string) string {
	if base, ok := strings.CutSuffix(in, ".dare"); ok && base != "" && !strings.HasSuffix(base, string(filepath.Separator)) {
		return base
	}
	return in + ".xdare"
}

// fileSize returns the size of a regular file for progress reporting.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// integrityLines is the text block shared by decode and verify.
func integrityLines(r *dare.Result) string {
	var b strings.Builder
	enc := r.Enc
	if enc == "" {
		enc = "none (plaintext)"
	}
	fmt.Fprintf(&b, "Encryption: %s\n", enc)
	if len(r.Recipients) > 0 {
		kids := make([]string, len(r.Recipients))
		for i, k := range r.Recipients {
			kids[i] = printable(k)
		}
		fmt.Fprintf(&b, "Recipients: %s\n", strings.Join(kids, ", "))
	}
	if r.PayloadDigest != nil {
		state := "not in the envelope"
		if r.DigestChecked {
			state = "matches"
		}
		fmt.Fprintf(&b, "Digest: SHA-512 %s\n", state)
	}
	for _, s := range r.Signatures {
		state := "NOT verified (signer key not trusted; use --trust)"
		switch {
		case s.Verified && !udf.Equal(s.Signer, s.Kid):
			// The kid names no trusted key; say which key verified.
			state = "verified by trusted key " + s.Signer
		case s.Verified:
			state = "verified"
		}
		fmt.Fprintf(&b, "Signature: %s by %s (Gen-%s): %s, witness %s\n", printable(s.Alg), printable(s.Kid), s.Generation, state, s.Witness)
	}
	fmt.Fprintf(&b, "Integrity: %s", r.Integrity())
	return b.String()
}

// printable returns s as is when it is printable, else Go-quoted: strings
// read from an envelope (kids, algorithm names) must not reach a terminal
// with control characters (escape sequences could rewrite what is shown).
func printable(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// DareEncodeResult is the output of `dare encode` and `dare earl`.
type DareEncodeResult struct {
	Input      string   `json:"input"`
	Output     string   `json:"output"`
	Enc        string   `json:"enc,omitempty"`
	Recipients []string `json:"recipients,omitempty"`
	Signers    []string `json:"signers,omitempty"`
	Size       int64    `json:"size"`
	EARL       string   `json:"earl,omitempty"`
	Key        string   `json:"key,omitempty"`
	ContentID  string   `json:"content_id,omitempty"`
}

func (r *DareEncodeResult) Text() string {
	var b strings.Builder
	if r.EARL != "" {
		fmt.Fprintf(&b, "EARL: %s\nKey: %s\nContent id: %s\n", r.EARL, r.Key, r.ContentID)
	}
	enc := r.Enc
	if enc == "" {
		enc = "not encrypted"
	}
	fmt.Fprintf(&b, "Wrote %s (%d bytes, %s", r.Output, r.Size, enc)
	if len(r.Recipients) > 0 {
		fmt.Fprintf(&b, ", recipients %s", strings.Join(r.Recipients, ", "))
	}
	if len(r.Signers) > 0 {
		fmt.Fprintf(&b, ", signed by %s", strings.Join(r.Signers, ", "))
	}
	b.WriteString(")")
	return b.String()
}

// dareEncodeFlags are the options of `dare encode`.
type dareEncodeFlags struct {
	recipients []string
	signers    []string
	symmetric  []string
	cty        string
	legacy     bool
	force      bool
}

func (f *dareEncodeFlags) options(in string) (*dare.EncodeOptions, error) {
	o := &dare.EncodeOptions{Legacy: f.legacy}
	for _, p := range f.recipients {
		k, err := recipientKey(p)
		if err != nil {
			return nil, fmt.Errorf("--encrypt: %w", err)
		}
		o.Recipients = append(o.Recipients, k)
	}
	for _, p := range f.signers {
		k, err := readPrivateKey(p)
		if err != nil {
			return nil, fmt.Errorf("--sign: %w", err)
		}
		s, ok := k.(keys.Signer)
		if !ok || !k.Algorithm().CanSign() {
			return nil, fmt.Errorf("--sign: %s is a %v key, which cannot sign (use ed25519 or ed448)", p, k.Algorithm())
		}
		o.Signers = append(o.Signers, s)
	}
	for _, s := range f.symmetric {
		k, err := dare.ParseSymmetricKey(s)
		if err != nil {
			return nil, fmt.Errorf("--key: %w", err)
		}
		o.Symmetric = append(o.Symmetric, k)
	}
	cty := f.cty
	if cty == "" {
		cty = contentTypeOf(in)
	}
	o.ContentMeta = &dare.ContentMeta{ContentType: cty}
	return o, nil
}

func newDareEncodeCmd(app *App) *cobra.Command {
	var f dareEncodeFlags
	cmd := &cobra.Command{
		Use:   "encode IN [OUT]",
		Short: "encrypt and/or sign a file as a DARE envelope",
		Long: "Encode IN as a DARE envelope in OUT (default IN.dare). With --encrypt or --key the\n" +
			"payload is encrypted with A256CBC-ETM-S512 (authenticated; docs/dare.md), or with\n" +
			"--legacy as the reference's unauthenticated A256CBC. --sign adds an EdDSA signature.",
		Args: rangeArgs(1, 2, "IN", "OUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := args[0]
			out := in + ".dare"
			if len(args) == 2 {
				out = args[1]
			}
			opts, err := f.options(in)
			if err != nil {
				return app.Errorf("dare encode: %v", err)
			}
			if err := checkOutput(out, f.force); err != nil {
				return app.Errorf("dare encode: %v", err)
			}
			res, err := encodeEnvelopeFile(app, in, out, opts)
			if err != nil {
				return app.Errorf("dare encode: %v", err)
			}
			return app.Emit(res)
		},
	}
	cmd.Flags().StringArrayVarP(&f.recipients, "encrypt", "e", nil, "recipient key file (public or private; repeatable)")
	cmd.Flags().StringArrayVarP(&f.signers, "sign", "s", nil, "signer private key file, ed25519 or ed448 (repeatable)")
	cmd.Flags().StringArrayVar(&f.symmetric, "key", nil, "symmetric key UDF (type 32) to encrypt to (repeatable)")
	cmd.Flags().StringVar(&f.cty, "cty", "", "content type (default: from the file extension)")
	cmd.Flags().BoolVar(&f.legacy, "legacy", false, "write the reference's unauthenticated A256CBC (for interoperability)")
	cmd.Flags().BoolVar(&f.force, "force", false, "overwrite OUT if it exists")
	return cmd
}

// encodeEnvelopeFile runs dare.EncodeFile with a progress bar.
func encodeEnvelopeFile(app *App, in, out string, opts *dare.EncodeOptions) (*DareEncodeResult, error) {
	e, err := dare.EncodeFile(in, out, opts, app.progress(fileSize(in), "encoding"))
	if err != nil {
		return nil, err
	}
	h := e.Header()
	res := &DareEncodeResult{Input: in, Output: out, Enc: h.Enc, Size: fileSize(out)}
	for _, r := range h.Recipients {
		res.Recipients = append(res.Recipients, r.Kid)
	}
	for _, s := range opts.Signers {
		res.Signers = append(res.Signers, s.Public().Fingerprint())
	}
	return res, nil
}

// DareDecodeResult is the output of `dare decode` and `dare verify`.
type DareDecodeResult struct {
	Input  string       `json:"input"`
	Output string       `json:"output,omitempty"`
	Result *dare.Result `json:"envelope"`
	// Integrity is the user-facing summary of dare.Result.Integrity.
	Integrity string `json:"integrity"`
}

func (r *DareDecodeResult) Text() string {
	s := integrityLines(r.Result)
	if r.Output != "" {
		s = fmt.Sprintf("Wrote %s (%d bytes)\n", r.Output, r.Result.PlainSize) + s
	}
	return s
}

func newDareDecodeCmd(app *App) *cobra.Command {
	var kf dareKeyFlags
	var force bool
	cmd := &cobra.Command{
		Use:   "decode IN [OUT]",
		Short: "decrypt a DARE envelope and check it",
		Long: "Decode the envelope IN into OUT (default: IN without .dare, else IN.xdare). The\n" +
			"plaintext is written to a temporary file and renamed to OUT only after every check\n" +
			"passed; on failure nothing is left. Legacy A256CBC envelopes decode, with a warning\n" +
			"unless a trusted signature verifies.",
		Args: rangeArgs(1, 2, "IN", "OUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := args[0]
			out := decodedName(in)
			if len(args) == 2 {
				out = args[1]
			}
			ring, err := kf.keyring()
			if err != nil {
				return app.Errorf("dare decode: %v", err)
			}
			if err := checkOutput(out, force); err != nil {
				return app.Errorf("dare decode: %v", err)
			}
			res, err := dare.DecodeFile(in, out, ring, app.progress(fileSize(in), "decoding"))
			if err != nil {
				return app.Errorf("dare decode: %s: %v", in, err)
			}
			warnUnauthenticated(app, res)
			return app.Emit(&DareDecodeResult{Input: in, Output: out, Result: res, Integrity: res.Integrity()})
		},
	}
	kf.add(cmd)
	cmd.Flags().BoolVar(&force, "force", false, "overwrite OUT if it exists")
	return cmd
}

// warnUnauthenticated prints a warning on stderr for envelopes nobody
// vouches for.
func warnUnauthenticated(app *App, res *dare.Result) {
	if !res.Authenticated && !res.Signed {
		fmt.Fprintf(app.Stderr, "meshman: warning: %s\n", res.Integrity())
	}
}

func newDareVerifyCmd(app *App) *cobra.Command {
	var kf dareKeyFlags
	cmd := &cobra.Command{
		Use:   "verify IN",
		Short: "show a DARE envelope's algorithms, recipients and signatures, and check it",
		Long: "Check the envelope IN without writing its payload: digest, envelope tag (needs a\n" +
			"key), signatures (of --trust keys) and witnesses. Without a key an encrypted\n" +
			"envelope's digest and signatures are still checked, but not its tag.",
		Args: exactArgs(1, "IN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ring, err := kf.keyring()
			if err != nil {
				return app.Errorf("dare verify: %v", err)
			}
			f, err := os.Open(args[0])
			if err != nil {
				return app.Errorf("dare verify: %v", err)
			}
			defer f.Close()
			res, err := dare.Verify(f, ring)
			if err != nil {
				return app.Errorf("dare verify: %s: %v", args[0], err)
			}
			warnUnauthenticated(app, res)
			return app.Emit(&DareDecodeResult{Input: args[0], Result: res, Integrity: res.Integrity()})
		},
	}
	kf.add(cmd)
	return cmd
}

func newDareEarlCmd(app *App) *cobra.Command {
	var dir, cty string
	cmd := &cobra.Command{
		Use:   "earl IN DOMAIN",
		Short: "encrypt a file under a fresh EARL key and store it under its content id",
		Long: "Encrypt IN under a fresh type-32 EARL key (udf.md §8.1), write the envelope to\n" +
			"DIR/<content id> and print the locator udf://DOMAIN/KEY and the key. Anyone\n" +
			"with the locator can fetch and decode it (`dare decode FILE --key KEY`).",
		Args: exactArgs(2, "IN", "DOMAIN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, domain := args[0], args[1]
			key, err := dare.NewEARLKey(nil)
			if err != nil {
				return app.Errorf("dare earl: %v", err)
			}
			earl, err := udf.FormatEARL(domain, key.Secret())
			if err != nil {
				return app.Errorf("dare earl: %v", err)
			}
			id, err := udf.EARLContentID(key.Secret())
			if err != nil {
				return app.Errorf("dare earl: %v", err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return app.Errorf("dare earl: %v", err)
			}
			f := dareEncodeFlags{cty: cty}
			opts, err := f.options(in)
			if err != nil {
				return app.Errorf("dare earl: %v", err)
			}
			opts.Symmetric = []*dare.SymmetricKey{key}
			res, err := encodeEnvelopeFile(app, in, filepath.Join(dir, id), opts)
			if err != nil {
				return app.Errorf("dare earl: %v", err)
			}
			res.EARL, res.Key, res.ContentID = earl, key.Secret(), id
			return app.Emit(res)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", ".earl", "directory to write the envelope into")
	cmd.Flags().StringVar(&cty, "cty", "", "content type (default: from the file extension)")
	return cmd
}
