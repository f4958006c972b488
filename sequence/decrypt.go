package sequence

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/mathmesh/mesh/dare"
)

// reopenCrypto rebuilds the writer's encryption from frame 0's policy when a
// sequence is opened for appending (dare.md §8.9): Isolated and Session
// frames make new exchanges to the policy's EncryptKeys (a reopened Session
// writer starts a new exchange); Once reuses frame 0's exchange, which needs
// a key from Options.Keyring to unwrap.
func (s *Sequence) reopenCrypto() error {
	p := s.frame0.Policy
	if p == nil || p.Encryption == "None" || (p.Encryption == "" && len(p.EncryptKeys) == 0) {
		return nil
	}
	pubs, err := policyRecipients(p)
	if err != nil {
		return err
	}
	e := &Encryption{Mode: p.Encryption, Recipients: pubs}
	if e.Mode == "" {
		e.Mode = Isolated // dare.md §8.9: Isolated when EncryptKeys is present
	}
	if o := s.opts.Encryption; o != nil {
		e.Symmetric, e.Rand = o.Symmetric, o.Rand
	}
	if len(e.Recipients)+len(e.Symmetric) == 0 {
		return fmt.Errorf("sequence: %s is encrypted to symmetric keys only, which frame 0 does not record: give them again (Options.Encryption.Symmetric) to append", s.path)
	}
	c, err := newWriterCrypto(e)
	if err != nil {
		return err
	}
	if e.Mode == Once {
		x, err := dare.OpenExchange(s.frame0.Recipients, s.opts.Keyring)
		if err != nil {
			return fmt.Errorf("sequence: appending to a Once-encrypted sequence needs a key for frame 0: %w", err)
		}
		c.x, c.xIndex = x, 0
	}
	s.crypto = c
	return nil
}

// Plaintext returns the payload of f, decrypted if f is encrypted (see
// Decrypt). A plaintext frame's payload is returned as stored. A legacy
// A256CBC frame, which has no envelope tag, is decrypted with a warning
// through Options.Warn that it is NOT authenticated.
func (s *Sequence) Plaintext(f *Frame, ring *dare.Keyring) ([]byte, error) {
	if f.Header.Enc == "" {
		return f.Payload, nil
	}
	pt, res, err := s.Decrypt(f, ring)
	if err != nil {
		return nil, err
	}
	if !res.Authenticated && !res.Signed {
		s.warn(fmt.Sprintf("sequence: %s: frame %d: %s", s.path, f.Index, res.Integrity()))
	}
	return pt, nil
}

// Decrypt decrypts the encrypted frame f (dare.md §8.9 "Decrypting frame
// k"): with the exchange of frame ExchangePosition if set, otherwise the
// frame's own recipients, and the frame's own Salt. Before anything is
// decrypted it checks that the header's Index is the frame's position and
// that the frame's mode is the one the policy requires (a downgrade). The
// plaintext is returned only after the envelope tag of an authenticated
// frame (docs/sequence.md §5) verified, as did the PayloadDigest; a failed
// check is a *VerifyError naming the frame. res.Authenticated is false only
// for the reference's unauthenticated A256CBC frames: the caller must say
// so (res.Integrity()).
func (s *Sequence) Decrypt(f *Frame, ring *dare.Keyring) (pt []byte, res *dare.Result, err error) {
	fail := func(check string, err error) error {
		return &VerifyError{Index: f.Index, Offset: f.Offset, Check: check, Err: err}
	}
	h := f.Header
	if h.Enc == "" {
		return nil, nil, fmt.Errorf("sequence: frame %d is not encrypted", f.Index)
	}
	if si := h.SequenceInfo; si == nil || (si.Index == nil && f.Index != 0) || (si.Index != nil && *si.Index != f.Index) {
		return nil, nil, fail("sequence info", fmt.Errorf("the header does not give Index %d: the frame was moved, removed or replaced", f.Index))
	}
	if err := checkMode(s.policyRequiresAuth(), h.Enc, f.Trailer != nil && f.Trailer.EnvelopeTag != nil); err != nil {
		return nil, nil, fail("encryption mode", err)
	}
	if h.Enc == dare.EncA256CBCETM && !canonicalFraming(f) {
		return nil, nil, fail("framing", errNotCanonical)
	}
	if ring == nil {
		ring = s.opts.Keyring
	}
	opts := dare.DecodeOptions{SequenceFrame: &dare.SequenceFrame{}}
	if f.Index > 0 {
		opts.SequenceFrame.Context = s.ctx
	}
	if si := h.SequenceInfo; si.ExchangePosition != nil {
		x, err := s.exchangeAt(*si.ExchangePosition, f.Index, ring)
		if err != nil {
			return nil, nil, err
		}
		opts.Exchange = x
	}
	return decryptRecords(f, ring, &opts)
}

// decryptRecords runs the dare decoder over the frame's records and
// releases the plaintext only once Finish (tag, digest, signatures) passed.
func decryptRecords(f *Frame, ring *dare.Keyring, opts *dare.DecodeOptions) ([]byte, *dare.Result, error) {
	d, err := dare.NewDecoder(f.HeaderBytes, ring, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("sequence: frame %d: %w", f.Index, err)
	}
	r, err := d.PayloadReader(bytes.NewReader(f.Payload))
	if err != nil {
		d.Abort()
		return nil, nil, fmt.Errorf("sequence: frame %d: %w", f.Index, err)
	}
	pt, err := io.ReadAll(r)
	if err != nil {
		d.Abort()
		return nil, nil, fmt.Errorf("sequence: decrypting frame %d: %w", f.Index, err)
	}
	var tb []byte
	if len(f.TrailerBytes) > 0 {
		tb = f.TrailerBytes
	}
	res, err := d.Finish(tb)
	if err != nil {
		check := "decryption"
		if errors.Is(err, dare.ErrAuthentication) {
			check = "envelope tag"
		}
		clear(pt)
		return nil, nil, &VerifyError{Index: f.Index, Offset: f.Offset, Check: check, Err: err}
	}
	return pt, res, nil
}

// exchangeKey caches an opened exchange per keyring, so that a caller
// never decrypts through an exchange opened with someone else's keys.
type exchangeKey struct {
	ring  *dare.Keyring
	frame int64
}

// exchangeAt opens the key exchange held by frame x, referenced by frame k.
func (s *Sequence) exchangeAt(x, k int64, ring *dare.Keyring) (*dare.Exchange, error) {
	if x < 0 || x > k {
		return nil, fmt.Errorf("sequence: frame %d: ExchangePosition %d is not an earlier frame", k, x)
	}
	key := exchangeKey{ring, x}
	s.mu.Lock()
	if c, ok := s.exchanges[key]; ok {
		s.mu.Unlock()
		return c, nil
	}
	s.mu.Unlock()
	xf, err := s.Frame(x)
	if err != nil {
		return nil, fmt.Errorf("sequence: frame %d: reading its exchange frame: %w", k, err)
	}
	if len(xf.Header.Recipients) == 0 {
		return nil, fmt.Errorf("sequence: frame %d: ExchangePosition %d names a frame without recipients", k, x)
	}
	ex, err := dare.OpenExchange(xf.Header.Recipients, ring)
	if err != nil {
		return nil, fmt.Errorf("sequence: frame %d: exchange in frame %d: %w", k, x, err)
	}
	s.mu.Lock()
	if s.exchanges == nil {
		s.exchanges = map[exchangeKey]*dare.Exchange{}
	}
	s.exchanges[key] = ex
	s.mu.Unlock()
	return ex, nil
}
