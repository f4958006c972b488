package threshold

import (
	"crypto/sha3"
	"crypto/sha512"
	"crypto/subtle"
	"fmt"
	"io"

	"github.com/mathmesh/mesh/threshold/group"
)

// PrivateKey is a raw private scalar reduced mod L: a whole key, a combined
// (overlaid) key or a share. It is never clamped or hashed. It is not
// comparable and never prints the scalar.
type PrivateKey struct {
	_     [0]func()
	curve *Curve
	s     group.Scalar
	id    uint16 // Shamir identifier; 0 for whole keys and additive shares
}

// String redacts the scalar.
func (k *PrivateKey) String() string {
	return fmt.Sprintf("threshold.PrivateKey{%s, id %d, <redacted>}", k.curve.name, k.id)
}

// GoString redacts the scalar.
func (k *PrivateKey) GoString() string { return k.String() }

// Format redacts the scalar for every verb.
func (k *PrivateKey) Format(f fmt.State, _ rune) { fmt.Fprint(f, k.String()) }

// Curve returns the key's curve.
func (k *PrivateKey) Curve() *Curve { return k.curve }

// ID returns the Shamir identifier, or 0 for a whole key or additive share.
func (k *PrivateKey) ID() uint16 { return k.id }

// Bytes returns a copy of the canonical little-endian scalar: the "…z"
// raw-scalar form of threshold.md §4.2, never a seed. Lengths: 32 (X25519,
// Ed25519), 56 (X448, as the reference's X448z keys) and 57 (Ed448, as
// RFC 8032 and RFC 9591 encode Ed448 scalars).
func (k *PrivateKey) Bytes() []byte {
	b := k.s.Bytes()
	if k.curve == X448 {
		return b[:56]
	}
	return b
}

// Equal reports, in constant time, whether two keys hold the same scalar.
func (k *PrivateKey) Equal(o *PrivateKey) bool {
	return k.curve == o.curve && k.id == o.id && k.s.Equal(o.s)
}

// Public returns the public key in the curve's emitted point form.
func (k *PrivateKey) Public() []byte {
	b, err := k.curve.EncodePoint(k.curve.g.NewElement().ScalarBaseMult(k.s))
	if err != nil {
		panic("internal error: public key of a non-zero scalar: " + err.Error())
	}
	return b
}

// NewPrivateKey loads a raw scalar (canonical encoding of the length Bytes
// returns, not zero).
func (c *Curve) NewPrivateKey(scalar []byte) (*PrivateKey, error) {
	if c == X448 {
		if len(scalar) != 56 {
			return nil, fmt.Errorf("threshold: X448 private scalar is %d bytes, want 56", len(scalar))
		}
		scalar = append(append(make([]byte, 0, 57), scalar...), 0)
	}
	s, err := c.g.DecodeScalar(scalar)
	if err != nil {
		return nil, fmt.Errorf("threshold: %s private scalar: %w", c.name, err)
	}
	if s.IsZero() {
		return nil, fmt.Errorf("threshold: %s private scalar is zero", c.name)
	}
	return &PrivateKey{curve: c, s: s}, nil
}

// GenerateKey draws a uniform non-zero scalar.
func (c *Curve) GenerateKey(rand io.Reader) (*PrivateKey, error) {
	// A zero draw has probability about 2^-250; several in a row mean a
	// broken randomness source, which must not hang the caller.
	for range maxZeroDraws {
		s, err := c.g.RandomScalar(rand)
		if err != nil {
			return nil, fmt.Errorf("threshold: %w", err)
		}
		if !s.IsZero() {
			return &PrivateKey{curve: c, s: s}, nil
		}
	}
	return nil, fmt.Errorf("threshold: randomness source gave %d zero %s scalars in a row", maxZeroDraws, c.name)
}

// checkKey rejects a nil or zero-value key; what names the argument.
func checkKey(what string, k *PrivateKey) error {
	if k == nil || k.curve == nil || k.s == nil {
		return fmt.Errorf("threshold: %s is missing (nil or zero-value PrivateKey)", what)
	}
	return nil
}

// PrivateKeyFromRFC7748 turns an RFC 7748 X25519 (32-byte) or X448 (56-byte)
// private key into its scalar: decodeScalar (clamping) then reduction mod L
// (threshold.md §4.2). This is for seed-derived keys only, never for shares.
func (c *Curve) PrivateKeyFromRFC7748(k []byte) (*PrivateKey, error) {
	var s group.Scalar
	var err error
	switch {
	case c == X25519 && len(k) == 32:
		s, err = group.Ed25519ScalarFromClamped(k)
	case c == X448 && len(k) == 56:
		s, err = group.Ed448ScalarFromPruned(k)
	default:
		return nil, fmt.Errorf("threshold: %s RFC 7748 private key of %d bytes not accepted", c.name, len(k))
	}
	if err != nil {
		return nil, fmt.Errorf("threshold: %w", err)
	}
	if s.IsZero() {
		// A crafted X448 key whose clamped value is 4·L reduces to zero.
		return nil, fmt.Errorf("threshold: %s RFC 7748 private key reduces to zero mod L", c.name)
	}
	return &PrivateKey{curve: c, s: s}, nil
}

// PrivateKeyFromRFC8032Seed expands an Ed25519 (32-byte) or Ed448 seed as
// RFC 8032 §5.1.5 / §5.2.5 do and returns the pruned scalar and the secret
// prefix. Mesh Ed448 seeds are 56 bytes and RFC 8032's 57; both are hashed
// with SHAKE256 (threshold.md §4.2).
func (c *Curve) PrivateKeyFromRFC8032Seed(seed []byte) (*PrivateKey, []byte, error) {
	switch {
	case c == Ed25519 && len(seed) == 32:
		h := sha512.Sum512(seed)
		defer clear(h[:])
		s, err := group.Ed25519ScalarFromClamped(h[:32])
		if err != nil {
			return nil, nil, fmt.Errorf("threshold: %w", err)
		}
		return &PrivateKey{curve: c, s: s}, append([]byte(nil), h[32:]...), nil
	case c == Ed448 && (len(seed) == 57 || len(seed) == 56):
		h := make([]byte, 114)
		defer clear(h)
		sh := sha3.NewSHAKE256()
		sh.Write(seed)
		sh.Read(h)
		s, err := group.Ed448ScalarFromPruned(h[:57])
		if err != nil {
			return nil, nil, fmt.Errorf("threshold: %w", err)
		}
		return &PrivateKey{curve: c, s: s}, append([]byte(nil), h[57:]...), nil
	}
	return nil, nil, fmt.Errorf("threshold: %s seed of %d bytes not accepted", c.name, len(seed))
}

// Agree computes the key agreement of the whole key k with peer's public key
// and returns the IKM (threshold.md §3.5): u for X25519/X448 (32/56 bytes),
// the RFC 8032 point encoding for Ed25519/Ed448.
func (k *PrivateKey) Agree(peer []byte) ([]byte, error) {
	e, err := k.curve.DecodePoint("peer public key", peer)
	if err != nil {
		return nil, err
	}
	return k.curve.ikmOf(k.curve.g.NewElement().ScalarMult(k.s, e))
}

func (c *Curve) ikmOf(e group.Element) ([]byte, error) {
	if e.IsIdentity() {
		return nil, fmt.Errorf("threshold: %s agreement is the identity", c.name)
	}
	b, err := c.ikm(e)
	if err != nil {
		return nil, fmt.Errorf("threshold: %s agreement: %w", c.name, err)
	}
	zero := make([]byte, len(b))
	if subtle.ConstantTimeCompare(b, zero) == 1 {
		return nil, fmt.Errorf("threshold: %s agreement is all zero", c.name)
	}
	return b, nil
}
