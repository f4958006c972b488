package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"

	"filippo.io/edwards25519"
	"github.com/mathmesh/mesh/internal/rfc8032"
)

// Ed25519Public is a validated Ed25519 public key (RFC 8032 §5.1.2).
type Ed25519Public struct {
	publicCore
	point edwards25519.Point // in the prime-order subgroup, not the identity
}

// Ed25519Private is an Ed25519 private key: a reduced scalar s, the secret
// nonce prefix of RFC 8032 §5.1.5 and, for keys made from a seed, the
// seed. It is not comparable and never prints its secret.
type Ed25519Private struct {
	_      [0]func()
	seed   []byte // nil for keys made from a scalar
	s      edwards25519.Scalar
	prefix [ed25519PrefixSize]byte
	pub    *Ed25519Public
}

// inv8 is 8⁻¹ mod L, for the subgroup check of threshold.md §4.6.
var inv8 = func() *edwards25519.Scalar {
	var b [32]byte
	b[0] = 8
	s, err := edwards25519.NewScalar().SetCanonicalBytes(b[:])
	if err != nil {
		panic("keys: internal error: " + err.Error())
	}
	return s.Invert(s)
}()

// parseEd25519Public decodes and validates a 32-byte RFC 8032 encoding.
func parseEd25519Public(b []byte) (*Ed25519Public, error) {
	p, err := new(edwards25519.Point).SetBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: Ed25519 point does not decode (off the curve)", ErrInvalidPublicKey)
	}
	// edwards25519 accepts y ≥ p and x = 0 with the sign bit set; the
	// re-encoding differs exactly for those non-canonical inputs.
	if !bytes.Equal(p.Bytes(), b) {
		return nil, fmt.Errorf("%w: non-canonical Ed25519 encoding", ErrInvalidPublicKey)
	}
	if err := checkEd25519Point(p); err != nil {
		return nil, err
	}
	return &Ed25519Public{publicCore: newPublicCore(Ed25519, b), point: *p}, nil
}

// checkEd25519Point rejects the identity and any point with a torsion
// component: P is in the prime-order subgroup iff inv8·(8·P) = P
// (threshold.md §4.6).
func checkEd25519Point(p *edwards25519.Point) error {
	if p.Equal(edwards25519.NewIdentityPoint()) == 1 {
		return fmt.Errorf("%w: Ed25519 identity point", ErrInvalidPublicKey)
	}
	q := new(edwards25519.Point).MultByCofactor(p)
	q.ScalarMult(inv8, q)
	if q.Equal(p) != 1 {
		return fmt.Errorf("%w: Ed25519 point is not in the prime-order subgroup (small or mixed order)", ErrInvalidPublicKey)
	}
	return nil
}

func (k *Ed25519Public) verify(msg, sig []byte) bool {
	return len(sig) == ed25519SignatureSize && ed25519.Verify(ed25519.PublicKey(k.enc), msg, sig)
}

// newEd25519FromSeed makes the RFC 8032 §5.1.5 key of a 32-byte seed:
// h = SHA-512(seed), s = clamp(h[0..31]) mod L, prefix = h[32..63].
func newEd25519FromSeed(seed []byte) (*Ed25519Private, error) {
	if len(seed) != ed25519SeedSize {
		return nil, fmt.Errorf("keys: Ed25519 seed is %d bytes, want %d", len(seed), ed25519SeedSize)
	}
	h := sha512.Sum512(seed)
	defer clear(h[:])
	k := &Ed25519Private{seed: bytes.Clone(seed)}
	if _, err := k.s.SetBytesWithClamping(h[:32]); err != nil {
		return nil, fmt.Errorf("keys: internal error: %w", err)
	}
	copy(k.prefix[:], h[32:])
	k.setPublic()
	return k, nil
}

// NewEd25519FromScalar makes an Ed25519 signing key from an explicit
// scalar (32 bytes, little-endian, already reduced mod L and non-zero) and
// a 32-byte secret nonce prefix, as threshold key combination needs
// (threshold.md §4.3). The signatures are standard RFC 8032 signatures.
func NewEd25519FromScalar(scalar, prefix []byte) (*Ed25519Private, error) {
	if len(prefix) != ed25519PrefixSize {
		return nil, fmt.Errorf("keys: Ed25519 prefix is %d bytes, want %d", len(prefix), ed25519PrefixSize)
	}
	k := &Ed25519Private{}
	if err := setEd25519Scalar(&k.s, scalar, "Ed25519"); err != nil {
		return nil, err
	}
	copy(k.prefix[:], prefix)
	k.setPublic()
	return k, nil
}

// setEd25519Scalar loads a canonical, non-zero scalar.
func setEd25519Scalar(s *edwards25519.Scalar, b []byte, what string) error {
	if len(b) != ed25519ScalarSize {
		return fmt.Errorf("keys: %s scalar is %d bytes, want %d", what, len(b), ed25519ScalarSize)
	}
	if _, err := s.SetCanonicalBytes(b); err != nil {
		return fmt.Errorf("keys: %s scalar is not reduced modulo the group order", what)
	}
	if s.Equal(edwards25519.NewScalar()) == 1 {
		return fmt.Errorf("keys: %s scalar is zero", what)
	}
	return nil
}

func (k *Ed25519Private) setPublic() {
	p := new(edwards25519.Point).ScalarBaseMult(&k.s)
	k.pub = &Ed25519Public{publicCore: newPublicCore(Ed25519, p.Bytes()), point: *p}
}

// Algorithm returns Ed25519.
func (k *Ed25519Private) Algorithm() Algorithm { return Ed25519 }

// Public returns the public key.
func (k *Ed25519Private) Public() PublicKey { return k.pub }

// Sign returns the pure Ed25519 signature of msg (RFC 8032 §5.1.6; the
// arithmetic is in internal/rfc8032, shared with package threshold).
func (k *Ed25519Private) Sign(msg []byte) ([]byte, error) {
	return rfc8032.SignEd25519(&k.s, k.prefix[:], k.pub.enc, msg), nil
}

// Agree performs Edwards ECDH (dare.md §4.2): it returns the 32-byte
// RFC 8032 encoding of s·P, where P is the peer's validated point.
func (k *Ed25519Private) Agree(peer PublicKey) ([]byte, error) {
	p, err := peerOf[*Ed25519Public](Ed25519, peer)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errors.New("keys: Ed25519 agreement with a nil peer key")
	}
	q := new(edwards25519.Point).ScalarMult(&k.s, &p.point)
	if q.Equal(edwards25519.NewIdentityPoint()) == 1 {
		return nil, fmt.Errorf("%w: Ed25519 agreement gives the identity", ErrInvalidPublicKey)
	}
	return q.Bytes(), nil
}

// ScalarBytes returns a copy of the reduced secret scalar (32 bytes,
// little-endian), for threshold key combination (threshold.md §4.3).
func (k *Ed25519Private) ScalarBytes() []byte { return k.s.Bytes() }

// PrefixBytes returns a copy of the 32-byte secret nonce prefix, for
// threshold key combination (threshold.md §4.3).
func (k *Ed25519Private) PrefixBytes() []byte { return bytes.Clone(k.prefix[:]) }

// Equal reports in constant time whether other is the same private key
// (same scalar and prefix).
func (k *Ed25519Private) Equal(other PrivateKey) bool {
	o, ok := other.(*Ed25519Private)
	if !ok || o == nil {
		return false
	}
	return k.s.Equal(&o.s)&subtle.ConstantTimeCompare(k.prefix[:], o.prefix[:]) == 1
}

// String prints the fingerprint only. It has a value receiver so that a
// dereferenced key, or one held by value in another struct, is redacted
// too; fmt prints a nil *Ed25519Private as "<nil>".
func (k Ed25519Private) String() string { return privateString(Ed25519, k.pub) }

// GoString prints the fingerprint only.
func (k Ed25519Private) GoString() string { return k.String() }

// Format prints the fingerprint only, for every verb.
func (k Ed25519Private) Format(f fmt.State, _ rune) { formatRedacted(f, k.String()) }
