package dare

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// EncodeOptions say how to build an envelope (dare.md §11).
type EncodeOptions struct {
	// Recipients and Symmetric are the keys the envelope is encrypted to.
	// With neither (and no Exchange) the payload is stored in the clear.
	Recipients []keys.PublicKey
	Symmetric  []*SymmetricKey
	// Exchange reuses an earlier key exchange (sequences, dare.md §8.9)
	// instead of making a new one; Recipients and Symmetric must be empty.
	// OmitRecipients leaves the recipients out of this header (the reader
	// gets the exchange from elsewhere, e.g. ExchangePosition).
	Exchange       *Exchange
	OmitRecipients bool
	// Signers sign the payload digest (Gen-B, dare.md §7.3).
	Signers []keys.Signer
	// ContentMeta goes, as JSON, into ContentMetaData (dare.md §2.5).
	ContentMeta *ContentMeta
	// Annotations are encoded as EDS (dare.md §6), at most MaxAnnotations.
	Annotations [][]byte
	// Header is a template for the non-cryptographic header fields
	// (EnvelopeId, SequenceInfo, policy, Received...). The encoder sets enc,
	// dig, Salt, recipients, annotations and ContentMetaData itself.
	Header *Header
	// Binary writes the header and trailer objects in JSON-B instead of
	// compact JSON.
	Binary bool
	// Legacy writes [REF]-compatible A256CBC with no envelope tag. Such an
	// envelope is authenticated only if signed. Default: A256CBC-ETM-S512.
	Legacy bool
	// Rand is the randomness source; nil means crypto/rand.
	Rand io.Reader
	// SequenceFrame, for an envelope stored as the records of a sequence
	// frame (Encoder only, not Encode or Seal), binds that form and the
	// frame's context in the envelope tag and adds the frame's chain and
	// tree digests to the trailer before the tag is computed (frame.go).
	SequenceFrame *SequenceFrame
}

// Encoder writes one envelope in three parts, so that sequences can put
// them into frame records (see the package documentation): HeaderBytes,
// then the payload through PayloadWriter, then TrailerBytes.
type Encoder struct {
	opts    EncodeOptions
	header  Header
	hdr     []byte
	x       *Exchange
	keys    *payloadKeys
	body    *bodyWriter
	trailer []byte
	state   int  // 0 header ready, 1 payload open, 2 payload closed, 3 done
	form    byte // framing bound by the tag (auth.go): set by Encode and Seal
}

// NewEncoder prepares the header: key exchange, Salt, annotations.
func NewEncoder(opts *EncodeOptions) (*Encoder, error) {
	if err := checkFrame(opts.SequenceFrame); err != nil {
		return nil, err
	}
	e := &Encoder{opts: *opts}
	if opts.SequenceFrame != nil {
		e.form = formFrame
	}
	if e.opts.Rand == nil {
		e.opts.Rand = rand.Reader
	}
	if opts.Header != nil {
		e.header = *opts.Header
	}
	h := &e.header
	h.Dig = DigS512
	h.Enc, h.Salt, h.Recipients, h.Annotations, h.Kid = "", nil, nil, nil, ""
	if err := e.setupExchange(); err != nil {
		return nil, err
	}
	if err := e.setupMeta(); err != nil {
		return nil, err
	}
	var err error
	if e.opts.Binary {
		e.hdr, err = jsonb.MarshalB(h)
	} else {
		e.hdr, err = jsonb.Marshal(h)
	}
	if err != nil {
		return nil, fmt.Errorf("dare: serializing header: %w", err)
	}
	if len(e.hdr) > MaxHeaderSize {
		return nil, fmt.Errorf("dare: header of %d bytes exceeds %d", len(e.hdr), MaxHeaderSize)
	}
	return e, nil
}

// setupExchange does the key exchange (dare.md §4) and derives the payload
// keys from a fresh Salt (dare.md §5).
func (e *Encoder) setupExchange() error {
	o, h := &e.opts, &e.header
	switch {
	case o.Exchange != nil && len(o.Recipients)+len(o.Symmetric) > 0:
		return errors.New("dare: give either an Exchange or recipients, not both")
	case o.Exchange != nil:
		e.x = o.Exchange
	case len(o.Recipients)+len(o.Symmetric) > 0:
		x, err := NewExchange(o.Rand, o.Recipients, o.Symmetric)
		if err != nil {
			return err
		}
		e.x = x
	default:
		return nil
	}
	h.Salt = make([]byte, saltSize)
	if _, err := io.ReadFull(o.Rand, h.Salt); err != nil {
		return fmt.Errorf("dare: reading random salt: %w", err)
	}
	h.Enc = EncA256CBCETM
	if o.Legacy {
		h.Enc = EncA256CBC
	}
	if !o.OmitRecipients {
		h.Recipients = e.x.Recipients()
	}
	k, err := derivePayloadKeys(e.x.seed, h.Salt, h.Enc)
	if err != nil {
		return err
	}
	e.keys = k
	return nil
}

// setupMeta encodes ContentMetaData and the annotations.
func (e *Encoder) setupMeta() error {
	o, h := &e.opts, &e.header
	if o.ContentMeta != nil {
		b, err := jsonb.Marshal(o.ContentMeta)
		if err != nil {
			return fmt.Errorf("dare: serializing ContentMeta: %w", err)
		}
		h.ContentMetaData = b
	}
	if len(o.Annotations) > MaxAnnotations {
		return fmt.Errorf("dare: %d annotations, limit %d", len(o.Annotations), MaxAnnotations)
	}
	for i, a := range o.Annotations {
		var seed []byte
		if e.x != nil {
			seed = e.x.seed
		}
		eds, err := sealEDS(i, a, seed, h.Salt, h.Enc)
		if err != nil {
			return fmt.Errorf("dare: annotation %d: %w", i, err)
		}
		h.Annotations = append(h.Annotations, eds)
	}
	return nil
}

// Header returns a copy of the header (for sequences that inspect it).
func (e *Encoder) Header() Header { return e.header }

// HeaderBytes returns the serialized header object exactly as it must be
// stored (the envelope tag covers these bytes).
func (e *Encoder) HeaderBytes() []byte { return append([]byte(nil), e.hdr...) }

// Exchange returns the key exchange (nil for a plaintext envelope), for
// reuse by later frames of a sequence.
func (e *Encoder) Exchange() *Exchange { return e.x }

// PayloadWriter returns the writer for the payload: it encrypts (when
// encrypting), computes the PayloadDigest and writes the stored bytes to w.
// Close it before calling TrailerBytes. The stored size of n plaintext bytes
// is StoredSize(n).
func (e *Encoder) PayloadWriter(w io.Writer) (io.WriteCloser, error) {
	if e.state != 0 {
		return nil, errors.New("dare: PayloadWriter called twice")
	}
	bw, err := newBodyWriter(w, e.keys)
	if err != nil {
		return nil, err
	}
	e.body, e.state = bw, 1
	return bw, nil
}

// StoredSize returns the number of body bytes stored for a payload of n
// bytes: the CBC ciphertext size when encrypting (dare.md §5), else n.
func (e *Encoder) StoredSize(n int64) int64 {
	if e.keys == nil {
		return n
	}
	return ciphertextSize(n)
}

// Abort releases the payload pipeline after a failure.
func (e *Encoder) Abort() {
	if e.body != nil {
		e.body.abort()
	}
}

// PayloadDigest returns SHA-512 of the stored body, after the payload
// writer was closed.
func (e *Encoder) PayloadDigest() []byte {
	if e.body == nil || !e.body.closed {
		return nil
	}
	return append([]byte(nil), e.body.digest...)
}
