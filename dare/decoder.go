package dare

import (
	"errors"
	"fmt"
	"io"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// DecodeOptions adjust decoding.
type DecodeOptions struct {
	// Exchange supplies the base seed when the header has no recipients of
	// its own (sequence frames with ExchangePosition, dare.md §8.9).
	Exchange *Exchange
	// VerifyOnly checks what can be checked without the key when no key
	// opens an encrypted envelope: the payload reader then yields the
	// stored ciphertext (never use it as plaintext), Finish checks digest
	// and signatures but not the envelope tag or witnesses.
	VerifyOnly bool
	// SequenceFrame says the three parts are the records of a sequence
	// frame: the envelope tag of an authenticated envelope must then bind
	// that form and SequenceFrame.Context (frame.go). Link is not used.
	SequenceFrame *SequenceFrame
}

// Decoder reads one envelope in three parts (the mirror of Encoder):
// NewDecoder on the header bytes, PayloadReader on the stored body, then
// Finish on the trailer bytes. Plaintext read from PayloadReader is NOT
// verified until Finish returns nil: write it somewhere temporary.
type Decoder struct {
	header   Header
	hdr      []byte
	x        *Exchange
	keys     *payloadKeys
	body     *bodyReader
	res      Result
	trusted  []keys.PublicKey
	noKey    bool // VerifyOnly and no key: ciphertext only
	finished bool
	form     byte   // framing bound by the tag (auth.go); formRecord for three parts
	ctx      []byte // the context of a sequence frame (form formFrame)
}

// NewDecoder parses and checks a header (dare.md §10 steps 1-2): algorithm
// identifiers, recipients, annotations and ContentMetaData.
func NewDecoder(headerBytes []byte, ring *Keyring, opts *DecodeOptions) (*Decoder, error) {
	if len(headerBytes) > MaxHeaderSize {
		return nil, fmt.Errorf("dare: header of %d bytes exceeds %d", len(headerBytes), MaxHeaderSize)
	}
	d := &Decoder{hdr: append([]byte(nil), headerBytes...)}
	if opts != nil && opts.SequenceFrame != nil {
		if err := checkFrame(opts.SequenceFrame); err != nil {
			return nil, err
		}
		d.form, d.ctx = formFrame, append([]byte(nil), opts.SequenceFrame.Context...)
	}
	if ring != nil {
		d.trusted = ring.Trusted
	}
	if err := parseHeader(d.hdr, &d.header); err != nil {
		return nil, err
	}
	h := &d.header
	if err := checkAlgorithms(h); err != nil {
		return nil, err
	}
	d.res.Header, d.res.Enc, d.res.Dig = h, h.Enc, h.Dig
	for _, r := range h.Recipients {
		d.res.Recipients = append(d.res.Recipients, r.Kid)
	}
	if h.Enc != "" {
		if err := d.openKeys(ring, opts); err != nil {
			return nil, err
		}
	}
	if err := d.openMeta(); err != nil {
		return nil, err
	}
	return d, nil
}

// checkAlgorithms rejects what we do not implement, by name (dare.md §3).
func checkAlgorithms(h *Header) error {
	switch h.Enc {
	case "", EncA256CBC, EncA256CBCETM:
	default:
		return fmt.Errorf("dare: header field \"enc\": unsupported payload cipher %q (want %s or %s)", h.Enc, EncA256CBCETM, EncA256CBC)
	}
	switch h.Dig {
	case "", DigS512:
	default:
		return fmt.Errorf("dare: header field \"dig\": unsupported digest %q (want %s)", h.Dig, DigS512)
	}
	if h.Enc == EncA256CBCETM && h.Dig != DigS512 {
		return fmt.Errorf("dare: header field \"dig\" is %q, %s requires %s", h.Dig, EncA256CBCETM, DigS512)
	}
	if h.Enc == "" && (h.Salt != nil || len(h.Recipients) > 0) {
		return fmt.Errorf("dare: header has \"Salt\" or \"recipients\" but no \"enc\" (corrupted header?)")
	}
	if h.Enc != "" && (len(h.Salt) < 8 || len(h.Salt) > 64) {
		return fmt.Errorf("dare: header field \"Salt\" has %d bytes, want 8 to 64 for an encrypted envelope", len(h.Salt))
	}
	if len(h.Recipients) > MaxRecipients {
		return fmt.Errorf("dare: header has %d recipients, limit %d", len(h.Recipients), MaxRecipients)
	}
	if len(h.Annotations) > MaxAnnotations {
		return fmt.Errorf("dare: header has %d annotations, limit %d", len(h.Annotations), MaxAnnotations)
	}
	if len(h.Signatures) > MaxSignatures {
		return fmt.Errorf("dare: header has %d signatures, limit %d", len(h.Signatures), MaxSignatures)
	}
	return nil
}

// openKeys recovers the base seed and derives the payload keys.
func (d *Decoder) openKeys(ring *Keyring, opts *DecodeOptions) error {
	h := &d.header
	d.res.Encrypted = true
	switch {
	case len(h.Recipients) > 0:
		x, err := OpenExchange(h.Recipients, ring)
		if opts != nil && opts.VerifyOnly && errors.Is(err, ErrNoKey) {
			d.noKey = true
			return nil
		}
		if err != nil {
			return err
		}
		d.x = x
	case opts != nil && opts.Exchange != nil:
		d.x = opts.Exchange
	default:
		return errors.New("dare: encrypted envelope has no recipients and no key exchange was given")
	}
	k, err := derivePayloadKeys(d.x.seed, h.Salt, h.Enc)
	if err != nil {
		return err
	}
	d.keys = k
	return nil
}

// openMeta decodes ContentMetaData and the annotations (dare.md §10 step 5).
func (d *Decoder) openMeta() error {
	h := &d.header
	if len(h.ContentMetaData) > 0 {
		if len(h.ContentMetaData) > MaxContentMetaSize {
			return fmt.Errorf("dare: header field \"ContentMetaData\" has %d bytes, limit %d", len(h.ContentMetaData), MaxContentMetaSize)
		}
		var cm ContentMeta
		if err := jsonb.Unmarshal(h.ContentMetaData, &cm); err != nil {
			return fmt.Errorf("dare: header field \"ContentMetaData\": %w", err)
		}
		d.res.ContentMeta = &cm
	}
	if d.noKey || d.Authenticated() {
		// Authenticated mode: the annotations are decrypted by Finish
		// once the envelope tag verified, so that a modified EDS cannot
		// be used as a padding oracle.
		return nil
	}
	return d.openAnnotations()
}

// openAnnotations decrypts (or copies) the EDS list (dare.md §6).
func (d *Decoder) openAnnotations() error {
	h := &d.header
	var seed []byte
	if d.x != nil {
		seed = d.x.seed
	}
	for i, eds := range h.Annotations {
		a, err := openEDS(eds, seed, h.Salt, h.Enc)
		if err != nil {
			return fmt.Errorf("dare: header field \"annotations\" item %d: %w", i, err)
		}
		d.res.Annotations = append(d.res.Annotations, a)
	}
	return nil
}

// Header returns the parsed header.
func (d *Decoder) Header() *Header { return &d.header }

// Exchange returns the key exchange (nil if the envelope is not
// encrypted), for later frames of a sequence that refer to it.
func (d *Decoder) Exchange() *Exchange { return d.x }

// Authenticated reports whether the header announces our authenticated
// mode: Finish will then fail unless the envelope tag matches.
func (d *Decoder) Authenticated() bool { return d.header.Enc == EncA256CBCETM }

// PayloadReader returns a reader of the plaintext, reading the stored body
// from stored (which must end where the body ends). It hashes the stored
// bytes for Finish. The plaintext is unverified until Finish succeeds.
func (d *Decoder) PayloadReader(stored io.Reader) (io.Reader, error) {
	if d.body != nil {
		return nil, errors.New("dare: PayloadReader called twice")
	}
	br, err := newBodyReader(stored, d.keys, d.Authenticated())
	if err != nil {
		return nil, err
	}
	d.body = br
	return br, nil
}

// Abort releases the payload pipeline after a failure.
func (d *Decoder) Abort() {
	if d.body != nil {
		d.body.abort()
	}
}
