package cli

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/internal/filehash"
	"github.com/mathmesh/mesh/udf"
)

// newHashCmd builds `meshman hash`: content digests, plain digests and keyed
// commitments of files (cli.md §12, udf.md §3 and §4.1).
func newHashCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hash",
		Short: "UDF content digests and commitments of files",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newHashUDFCmd(app), newHashDigestCmd(app), newHashMacCmd(app))
	return cmd
}

// digestOptions are the flags shared by the hash commands.
type digestOptions struct {
	alg  string
	cty  string
	bits int
}

func (o *digestOptions) addAlg(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.alg, "alg", "sha2", "digest algorithm: sha2 (SHA-2-512) or sha3 (SHA-3-512)")
}

func (o *digestOptions) addCty(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.cty, "cty", "", "content type, hashed exactly as given (default: from the file extension)")
}

func (o *digestOptions) addBits(cmd *cobra.Command) {
	cmd.Flags().IntVar(&o.bits, "bits", udf.DefaultBits, "precision of the fingerprint in bits")
}

func (o *digestOptions) hashAlg() (udf.HashAlg, error) {
	switch strings.ToLower(o.alg) {
	case "sha2", "sha-2", "sha2-512", "sha512", "s512":
		return udf.SHA2_512, nil
	case "sha3", "sha-3", "sha3-512", "s3_512":
		return udf.SHA3_512, nil
	}
	return 0, fmt.Errorf("unknown digest algorithm %q (use sha2 or sha3)", o.alg)
}

func (o *digestOptions) contentType(cmd *cobra.Command, file string) string {
	if cmd.Flags().Changed("cty") {
		return o.cty
	}
	return contentTypeOf(file)
}

func (o *digestOptions) checkBits() error {
	if o.bits < 20 || o.bits > udf.MaxBits {
		return fmt.Errorf("--bits %d is out of range (20 to %d)", o.bits, udf.MaxBits)
	}
	return nil
}

// fileDigest returns the CDV of a file, H(data), for the chosen algorithm.
func fileDigest(file string, alg udf.HashAlg) ([]byte, error) {
	d, _, err := filehash.SumFile(file, alg.New())
	return d, err
}

// DigestResult is the output of `hash udf` and `hash digest`.
type DigestResult struct {
	File        string `json:"file"`
	ContentType string `json:"content_type,omitempty"`
	Algorithm   string `json:"algorithm"`
	Digest      string `json:"digest"`
	Expected    string `json:"expected,omitempty"`
	Matches     *bool  `json:"matches,omitempty"`
}

func (r *DigestResult) Text() string { return r.Digest }

func newHashUDFCmd(app *App) *cobra.Command {
	var o digestOptions
	var expect string
	cmd := &cobra.Command{
		Use:   "udf FILE",
		Short: "print the UDF content digest of a file",
		Args:  exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			alg, err := o.hashAlg()
			if err != nil {
				return app.Errorf("hash udf: %v", err)
			}
			if err := o.checkBits(); err != nil {
				return app.Errorf("hash udf: %v", err)
			}
			cdv, err := fileDigest(args[0], alg)
			if err != nil {
				return app.Errorf("hash udf: %v", err)
			}
			cty := o.contentType(cmd, args[0])
			res := &DigestResult{
				File: args[0], ContentType: cty, Algorithm: alg.String(),
				Digest: udf.DigestOfDigest(cdv, cty, alg, o.bits),
			}
			if cmd.Flags().Changed("expect") {
				ok, err := udfMatches(expect, res.Digest)
				if err != nil {
					return app.Errorf("hash udf: --expect: %v", err)
				}
				res.Expected, res.Matches = expect, &ok
				if !ok {
					if err := app.Emit(res); err != nil {
						return err
					}
					return app.Errorf("hash udf: digest of %s is %s, expected %s", args[0], res.Digest, expect)
				}
			}
			return app.Emit(res)
		},
	}
	o.addAlg(cmd)
	o.addCty(cmd)
	o.addBits(cmd)
	cmd.Flags().StringVar(&expect, "expect", "", "fail unless the digest matches this UDF (compared at the precision given)")
	return cmd
}

// udfMatches compares an expected fingerprint with a computed one: the
// expected value may be given at a lower precision (it must then be a
// prefix), in any case and with or without dashes.
func udfMatches(expected, computed string) (bool, error) {
	want, err := udf.Canonical(expected)
	if err != nil {
		return false, err
	}
	got := strings.ReplaceAll(computed, "-", "")
	want = strings.ReplaceAll(want, "-", "")
	if len(want) < 20 {
		return false, fmt.Errorf("%q is too short to compare (at least 20 characters, 100 bits)", expected)
	}
	if len(want) > len(got) {
		return false, fmt.Errorf("%q is longer than the computed digest; raise --bits", expected)
	}
	return hmac.Equal([]byte(want), []byte(got[:len(want)])), nil
}

func newHashDigestCmd(app *App) *cobra.Command {
	var o digestOptions
	cmd := &cobra.Command{
		Use:   "digest FILE",
		Short: "print the plain digest of a file in hexadecimal",
		Args:  exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			alg, err := o.hashAlg()
			if err != nil {
				return app.Errorf("hash digest: %v", err)
			}
			d, err := fileDigest(args[0], alg)
			if err != nil {
				return app.Errorf("hash digest: %v", err)
			}
			return app.Emit(&DigestResult{File: args[0], Algorithm: alg.String(), Digest: hex.EncodeToString(d)})
		},
	}
	o.addAlg(cmd)
	return cmd
}

// MacResult is the output of `hash mac`.
type MacResult struct {
	File        string `json:"file"`
	ContentType string `json:"content_type"`
	Key         string `json:"key"`
	Digest      string `json:"digest"`
}

func (r *MacResult) Text() string {
	return r.Digest + "\nKey: " + r.Key
}

func newHashMacCmd(app *App) *cobra.Command {
	var o digestOptions
	var key string
	cmd := &cobra.Command{
		Use:   "mac FILE",
		Short: "print the keyed UDF (commitment) of a file",
		Long: "Print the authenticator UDF of a file under a key (udf.md §4.1). Without --key a fresh\n" +
			"random nonce is used and printed, so the commitment can be opened later.",
		Args: exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.checkBits(); err != nil {
				return app.Errorf("hash mac: %v", err)
			}
			if cmd.Flags().Changed("key") {
				k, err := udf.Canonical(key)
				if err != nil {
					return app.Errorf("hash mac: --key: %v", err)
				}
				key = k
			} else {
				k, err := udf.Nonce(rand.Reader, 128)
				if err != nil {
					return app.Errorf("hash mac: %v", err)
				}
				key = k
			}
			cdv, err := fileDigest(args[0], udf.SHA2_512)
			if err != nil {
				return app.Errorf("hash mac: %v", err)
			}
			cty := o.contentType(cmd, args[0])
			d, err := udf.KeyedDigestOfDigest(cdv, cty, key, o.bits)
			if err != nil {
				return app.Errorf("hash mac: %v", err)
			}
			return app.Emit(&MacResult{File: args[0], ContentType: cty, Key: key, Digest: d})
		},
	}
	o.addCty(cmd)
	o.addBits(cmd)
	cmd.Flags().StringVar(&key, "key", "", "key string (a UDF); default: a fresh random nonce")
	return cmd
}
