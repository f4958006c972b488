package sequence

import (
	"bytes"
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

// Plaintext returns the payload of f decrypted (dare.md §8.9 "Decrypting
// frame k"): with the exchange of frame ExchangePosition if set, otherwise
// the frame's own recipients, and the frame's own Salt. A plaintext frame's
// payload is returned as stored. The PayloadDigest is checked before the
// plaintext is returned.
func (s *Sequence) Plaintext(f *Frame, ring *dare.Keyring) ([]byte, error) {
	if f.Header.Enc == "" {
		return f.Payload, nil
	}
	if ring == nil {
		ring = s.opts.Keyring
	}
	var opts dare.DecodeOptions
	if si := f.Header.SequenceInfo; si != nil && si.ExchangePosition != nil {
		x, err := s.exchangeAt(*si.ExchangePosition, f.Index, ring)
		if err != nil {
			return nil, err
		}
		opts.Exchange = x
	}
	d, err := dare.NewDecoder(f.HeaderBytes, ring, &opts)
	if err != nil {
		return nil, fmt.Errorf("sequence: frame %d: %w", f.Index, err)
	}
	r, err := d.PayloadReader(bytes.NewReader(f.Payload))
	if err != nil {
		d.Abort()
		return nil, fmt.Errorf("sequence: frame %d: %w", f.Index, err)
	}
	pt, err := io.ReadAll(r)
	if err != nil {
		d.Abort()
		return nil, fmt.Errorf("sequence: decrypting frame %d: %w", f.Index, err)
	}
	var tb []byte
	if len(f.TrailerBytes) > 0 {
		tb = f.TrailerBytes
	}
	if _, err := d.Finish(tb); err != nil {
		return nil, fmt.Errorf("sequence: frame %d: %w", f.Index, err)
	}
	return pt, nil
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
