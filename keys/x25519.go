package keys

import (
	"bytes"
	"crypto/ecdh"
	"errors"
	"fmt"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// X25519Public is a validated X25519 public key: the 32-byte u-coordinate
// of a curve25519 point in the prime-order subgroup (RFC 7748; udf.md §6.4:
// key pairs publish the unsigned form).
type X25519Public struct {
	publicCore
	point edwards25519.Point // birational image with x non-negative
}

// X25519Private is an X25519 private key: for keys made from a seed, the
// RFC 7748 private key (32 bytes, clamped at use), and always the reduced
// scalar s. It is not comparable and never prints its secret.
type X25519Private struct {
	_    [0]func()
	seed []byte // nil for keys made from a scalar
	s    edwards25519.Scalar
	pub  *X25519Public
}

// parseX25519Public validates a u-coordinate (threshold.md §4.4, §4.6):
// canonical (bit 255 clear, u < p), on curve25519 rather than its twist, in
// the prime-order subgroup. The checks run on the Edwards image
// y = (u − 1)/(u + 1).
func parseX25519Public(b []byte) (*X25519Public, error) {
	u, err := new(field.Element).SetBytes(b)
	if err != nil {
		return nil, fmt.Errorf("keys: internal error: %w", err)
	}
	if !bytes.Equal(u.Bytes(), b) {
		return nil, fmt.Errorf("%w: non-canonical X25519 u-coordinate (bit 255 set or u ≥ p)", ErrInvalidPublicKey)
	}
	one := new(field.Element).One()
	den := new(field.Element).Add(u, one)
	if den.Equal(new(field.Element).Zero()) == 1 {
		return nil, fmt.Errorf("%w: X25519 u = −1 has no Edwards image", ErrInvalidPublicKey)
	}
	y := new(field.Element).Subtract(u, one)
	y.Multiply(y, den.Invert(den))
	p, err := new(edwards25519.Point).SetBytes(y.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%w: X25519 u-coordinate is on the twist, not on curve25519", ErrInvalidPublicKey)
	}
	if err := checkEd25519Point(p); err != nil {
		return nil, fmt.Errorf("%w: X25519 point is the identity or not in the prime-order subgroup", ErrInvalidPublicKey)
	}
	return &X25519Public{publicCore: newPublicCore(X25519, b), point: *p}, nil
}

// newX25519FromSeed makes the key of a 32-byte RFC 7748 private key. The
// RFC 7748 clamp equals the RFC 8032 pruning, so s = clamp(k) mod L.
func newX25519FromSeed(seed []byte) (*X25519Private, error) {
	if len(seed) != x25519SeedSize {
		return nil, fmt.Errorf("keys: X25519 private key is %d bytes, want %d", len(seed), x25519SeedSize)
	}
	k := &X25519Private{seed: bytes.Clone(seed)}
	if _, err := k.s.SetBytesWithClamping(seed); err != nil {
		return nil, fmt.Errorf("keys: internal error: %w", err)
	}
	k.setPublic()
	return k, nil
}

// NewX25519FromScalar makes an X25519 key from an unclamped scalar (32
// bytes little-endian, reduced mod L, non-zero), for threshold shares and
// combined keys (threshold.md §4.2, §4.4). Its agreement runs on
// edwards25519.
func NewX25519FromScalar(scalar []byte) (*X25519Private, error) {
	k := &X25519Private{}
	if err := setEd25519Scalar(&k.s, scalar, "X25519"); err != nil {
		return nil, err
	}
	k.setPublic()
	return k, nil
}

func (k *X25519Private) setPublic() {
	p := new(edwards25519.Point).ScalarBaseMult(&k.s)
	k.pub = &X25519Public{publicCore: newPublicCore(X25519, p.BytesMontgomery()), point: *p}
}

// Algorithm returns X25519.
func (k *X25519Private) Algorithm() Algorithm { return X25519 }

// Public returns the public key.
func (k *X25519Private) Public() PublicKey { return k.pub }

// Agree returns the 32-byte RFC 7748 shared u-coordinate with peer. Keys
// made from a seed use crypto/ecdh; keys made from a scalar compute
// u(s·P) on edwards25519 (threshold.md §4.4).
func (k *X25519Private) Agree(peer PublicKey) ([]byte, error) {
	p, err := peerOf[*X25519Public](X25519, peer)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errors.New("keys: X25519 agreement with a nil peer key")
	}
	if k.seed != nil {
		return x25519Agree(k.seed, p.enc)
	}
	out := new(edwards25519.Point).ScalarMult(&k.s, &p.point).BytesMontgomery()
	if isAllZero(out) {
		return nil, fmt.Errorf("%w: X25519 agreement gives zero", ErrInvalidPublicKey)
	}
	return out, nil
}

// x25519Agree is the RFC 7748 §5 X25519 function on a private key and a
// 32-byte u; crypto/ecdh rejects the all-zero result.
func x25519Agree(seed, u []byte) ([]byte, error) {
	priv, err := ecdh.X25519().NewPrivateKey(seed)
	if err != nil {
		return nil, fmt.Errorf("keys: internal error: %w", err)
	}
	pub, err := ecdh.X25519().NewPublicKey(u)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPublicKey, err)
	}
	out, err := priv.ECDH(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: X25519 agreement gives zero (low-order point)", ErrInvalidPublicKey)
	}
	return out, nil
}

// ScalarBytes returns a copy of the reduced secret scalar (32 bytes,
// little-endian), for threshold key combination (threshold.md §4.2).
func (k *X25519Private) ScalarBytes() []byte { return k.s.Bytes() }

// Equal reports in constant time whether other has the same scalar.
func (k *X25519Private) Equal(other PrivateKey) bool {
	o, ok := other.(*X25519Private)
	if !ok || o == nil {
		return false
	}
	return k.s.Equal(&o.s) == 1
}

// String prints the fingerprint only. It has a value receiver so that a
// dereferenced key, or one held by value in another struct, is redacted
// too; fmt prints a nil *X25519Private as "<nil>".
func (k X25519Private) String() string { return privateString(X25519, k.pub) }

// GoString prints the fingerprint only.
func (k X25519Private) GoString() string { return k.String() }

// Format prints the fingerprint only, for every verb.
func (k X25519Private) Format(f fmt.State, _ rune) { formatRedacted(f, k.String()) }
