package keys

import (
	"bytes"
	"crypto/sha3"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/cloudflare/circl/ecc/goldilocks"
	"github.com/cloudflare/circl/sign/ed448"
	"github.com/mathmesh/mesh/internal/rfc8032"
)

// Ed448Public is a validated Ed448 public key (RFC 8032 §5.2.2).
type Ed448Public struct {
	publicCore
	point goldilocks.Point // in the prime-order subgroup, not the identity
}

// Ed448Private is an Ed448 private key: a reduced scalar s, the 57-byte
// secret nonce prefix of RFC 8032 §5.2.5 and, for keys made from a seed, the
// seed. It is not comparable and never prints its secret.
type Ed448Private struct {
	_      [0]func()
	seed   []byte // nil for keys made from a scalar
	s      goldilocks.Scalar
	prefix [ed448PrefixSize]byte
	pub    *Ed448Public
}

// parseEd448Public decodes and validates a 57-byte RFC 8032 encoding.
// goldilocks.FromBytes rejects y ≥ p, a set bit in the low seven bits of
// the last byte, x = 0 with the sign bit set and points off the curve.
func parseEd448Public(b []byte) (*Ed448Public, error) {
	p, err := goldilocks.FromBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: Ed448 point does not decode (off the curve or non-canonical)", ErrInvalidPublicKey)
	}
	if err := checkEd448Point(p); err != nil {
		return nil, err
	}
	return &Ed448Public{publicCore: newPublicCore(Ed448, b), point: *p}, nil
}

// checkEd448Point rejects the identity and any point with a torsion
// component. goldilocks.ScalarMult drops torsion, so P is in the
// prime-order subgroup iff 1·P = P (threshold.md §4.6).
func checkEd448Point(p *goldilocks.Point) error {
	if p.IsIdentity() {
		return fmt.Errorf("%w: Ed448 identity point", ErrInvalidPublicKey)
	}
	one := goldilocks.Scalar{1}
	q := goldilocks.Curve{}.ScalarMult(&one, p)
	if !q.IsEqual(p) {
		return fmt.Errorf("%w: Ed448 point is not in the prime-order subgroup (small or mixed order)", ErrInvalidPublicKey)
	}
	return nil
}

func (k *Ed448Public) verify(msg, sig []byte) bool {
	return len(sig) == ed448SignatureSize && ed448.Verify(ed448.PublicKey(k.enc), msg, sig, "")
}

// newEd448FromSeed makes the RFC 8032 §5.2.5 key of a secret of any
// length: h = SHAKE256(secret, 114), s = clamp(h[0..56]) mod L,
// prefix = h[57..113]. Mesh keys use the 56-byte okm as the secret
// (udf.md §6.4); RFC 8032 seeds are 57 bytes.
func newEd448FromSeed(seed []byte) (*Ed448Private, error) {
	if len(seed) != ed448SeedSize && len(seed) != ed448MeshSeedSize {
		return nil, fmt.Errorf("keys: Ed448 seed is %d bytes, want %d (RFC 8032) or %d (Mesh)", len(seed), ed448SeedSize, ed448MeshSeedSize)
	}
	h := sha3.SumSHAKE256(seed, 114)
	defer clear(h)
	// RFC 8032 §5.2.5 pruning: clear the two low bits, clear the last
	// byte and set the highest bit of the second-to-last byte.
	h[0] &= 0xFC
	h[56] = 0
	h[55] |= 0x80
	k := &Ed448Private{seed: bytes.Clone(seed)}
	k.s.FromBytes(h[:57])
	copy(k.prefix[:], h[57:])
	k.setPublic()
	return k, nil
}

// NewEd448FromScalar makes an Ed448 signing key from an explicit scalar
// (56 bytes little-endian, or 57 with a zero last byte as RFC 9591
// serialises it; already reduced mod L and non-zero) and a 57-byte secret
// nonce prefix, as threshold key combination needs (threshold.md §4.3).
func NewEd448FromScalar(scalar, prefix []byte) (*Ed448Private, error) {
	if len(prefix) != ed448PrefixSize {
		return nil, fmt.Errorf("keys: Ed448 prefix is %d bytes, want %d", len(prefix), ed448PrefixSize)
	}
	k := &Ed448Private{}
	if err := setEd448Scalar(&k.s, scalar, "Ed448"); err != nil {
		return nil, err
	}
	copy(k.prefix[:], prefix)
	k.setPublic()
	return k, nil
}

// setEd448Scalar loads a canonical, non-zero edwards448 scalar.
func setEd448Scalar(s *goldilocks.Scalar, b []byte, what string) error {
	switch {
	case len(b) == ed448ScalarSize+1 && b[ed448ScalarSize] == 0:
		b = b[:ed448ScalarSize]
	case len(b) != ed448ScalarSize:
		return fmt.Errorf("keys: %s scalar is %d bytes, want %d", what, len(b), ed448ScalarSize)
	}
	s.FromBytes(b)
	if subtle.ConstantTimeCompare(s[:], b) != 1 {
		return fmt.Errorf("keys: %s scalar is not reduced modulo the group order", what)
	}
	if s.IsZero() {
		return fmt.Errorf("keys: %s scalar is zero", what)
	}
	return nil
}

func (k *Ed448Private) setPublic() {
	p := goldilocks.Curve{}.ScalarBaseMult(&k.s)
	enc := make([]byte, ed448PublicSize)
	if err := p.ToBytes(enc); err != nil {
		panic("keys: internal error: " + err.Error())
	}
	k.pub = &Ed448Public{publicCore: newPublicCore(Ed448, enc), point: *p}
}

// Algorithm returns Ed448.
func (k *Ed448Private) Algorithm() Algorithm { return Ed448 }

// Public returns the public key.
func (k *Ed448Private) Public() PublicKey { return k.pub }

// Sign returns the pure Ed448 signature of msg (RFC 8032 §5.2.6, empty
// context; the arithmetic is in internal/rfc8032, shared with package
// threshold).
func (k *Ed448Private) Sign(msg []byte) ([]byte, error) {
	return rfc8032.SignEd448(&k.s, k.prefix[:], k.pub.enc, nil, msg), nil
}

// Agree performs Edwards ECDH on edwards448 (dare.md §4.2): it returns the
// 57-byte RFC 8032 encoding of s·P, where P is the peer's validated point.
func (k *Ed448Private) Agree(peer PublicKey) ([]byte, error) {
	p, err := peerOf[*Ed448Public](Ed448, peer)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errors.New("keys: Ed448 agreement with a nil peer key")
	}
	point := p.point // goldilocks normalises points in place: work on a copy
	q := goldilocks.Curve{}.ScalarMult(&k.s, &point)
	if q.IsIdentity() {
		return nil, fmt.Errorf("%w: Ed448 agreement gives the identity", ErrInvalidPublicKey)
	}
	out := make([]byte, ed448PublicSize)
	if err := q.ToBytes(out); err != nil {
		return nil, fmt.Errorf("keys: internal error: %w", err)
	}
	return out, nil
}

// ScalarBytes returns a copy of the reduced secret scalar (56 bytes,
// little-endian), for threshold key combination (threshold.md §4.3).
func (k *Ed448Private) ScalarBytes() []byte { return bytes.Clone(k.s[:]) }

// PrefixBytes returns a copy of the 57-byte secret nonce prefix, for
// threshold key combination (threshold.md §4.3).
func (k *Ed448Private) PrefixBytes() []byte { return bytes.Clone(k.prefix[:]) }

// Equal reports in constant time whether other is the same private key
// (same scalar and prefix).
func (k *Ed448Private) Equal(other PrivateKey) bool {
	o, ok := other.(*Ed448Private)
	if !ok || o == nil {
		return false
	}
	return subtle.ConstantTimeCompare(k.s[:], o.s[:])&subtle.ConstantTimeCompare(k.prefix[:], o.prefix[:]) == 1
}

// String prints the fingerprint only. It has a value receiver so that a
// dereferenced key, or one held by value in another struct, is redacted
// too; fmt prints a nil *Ed448Private as "<nil>".
func (k Ed448Private) String() string { return privateString(Ed448, k.pub) }

// GoString prints the fingerprint only.
func (k Ed448Private) GoString() string { return k.String() }

// Format prints the fingerprint only, for every verb.
func (k Ed448Private) Format(f fmt.State, _ rune) { formatRedacted(f, k.String()) }
