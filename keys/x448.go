package keys

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/cloudflare/circl/dh/x448"
	"github.com/cloudflare/circl/ecc/goldilocks"
)

// X448Public is a validated X448 public key: a curve448 point in the
// prime-order subgroup, written as 57 bytes, u then the odd flag of v
// (udf.md §6.4).
type X448Public struct {
	publicCore
	w goldilocks.Point // edwards448 preimage: φ(w) is this point
}

// X448Private is an X448 private key: for keys made from a seed, the
// RFC 7748 private key (56 bytes, clamped at use), and always the reduced
// scalar s. It is not comparable and never prints its secret.
type X448Private struct {
	_    [0]func()
	seed []byte // nil for keys made from a scalar
	s    goldilocks.Scalar
	pub  *X448Public
}

func parseX448Public(b []byte) (*X448Public, error) {
	_, w, err := decodeX448(b)
	if err != nil {
		return nil, err
	}
	return &X448Public{publicCore: newPublicCore(X448, b), w: *w}, nil
}

// clampX448 is decodeScalar448 of RFC 7748 §5 (udf.md §6.4): clear the two
// low bits and set bit 447.
func clampX448(k []byte) {
	k[0] &= 0xFC
	k[55] |= 0x80
}

// newX448FromSeed makes the key of a 56-byte RFC 7748 private key
// (udf.md §6.4). The clamped k ≥ 2^447 > L, so s = k mod L; k·B = s·B
// because B has order L.
func newX448FromSeed(seed []byte) (*X448Private, error) {
	if len(seed) != x448SeedSize {
		return nil, fmt.Errorf("keys: X448 private key is %d bytes, want %d", len(seed), x448SeedSize)
	}
	k := &X448Private{seed: bytes.Clone(seed)}
	clamped := bytes.Clone(seed)
	defer clear(clamped)
	clampX448(clamped)
	k.s.FromBytes(clamped)
	if err := k.setPublic(); err != nil {
		return nil, err
	}
	return k, nil
}

// NewX448FromScalar makes an X448 key from an unclamped scalar (56 bytes
// little-endian, or 57 with a zero last byte; reduced mod L, non-zero),
// for threshold shares and combined keys (threshold.md §4.2, §4.5). Its
// agreement runs on edwards448: s·E = φ(s·inv4·ψ(E)).
func NewX448FromScalar(scalar []byte) (*X448Private, error) {
	k := &X448Private{}
	if err := setEd448Scalar(&k.s, scalar, "X448"); err != nil {
		return nil, err
	}
	if err := k.setPublic(); err != nil {
		return nil, err
	}
	return k, nil
}

// setPublic computes the public key φ(s·G) = s·B with its odd flag
// (threshold.md §4.5: φ(G) = B, so no factor 4).
func (k *X448Private) setPublic() error {
	w := goldilocks.Curve{}.ScalarBaseMult(&k.s)
	m, err := edwardsToMontgomery(w)
	if err != nil {
		return fmt.Errorf("keys: X448 scalar gives no valid public key: %w", err)
	}
	k.pub = &X448Public{publicCore: newPublicCore(X448, m.encode()), w: *w}
	return nil
}

// Algorithm returns X448.
func (k *X448Private) Algorithm() Algorithm { return X448 }

// Public returns the public key.
func (k *X448Private) Public() PublicKey { return k.pub }

// Agree returns the 56-byte RFC 7748 shared u-coordinate with peer (the
// sign byte is not part of the result, dare.md §4.2). Keys made from a
// seed use the RFC 7748 ladder; keys made from a scalar the edwards448
// route. Both give the same result for the validated peer points.
func (k *X448Private) Agree(peer PublicKey) ([]byte, error) {
	p, err := peerOf[*X448Public](X448, peer)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errors.New("keys: X448 agreement with a nil peer key")
	}
	if k.seed != nil {
		return x448Agree(k.seed, p.enc[:x448.Size])
	}
	return k.agreeEdwards(p)
}

// agreeEdwards computes u(s·E) as u(φ(s·W)) with W the peer's preimage.
func (k *X448Private) agreeEdwards(p *X448Public) ([]byte, error) {
	w := p.w
	q := goldilocks.Curve{}.ScalarMult(&k.s, &w)
	m, err := edwardsToMontgomery(q)
	if err != nil {
		return nil, fmt.Errorf("%w: X448 agreement gives the identity", ErrInvalidPublicKey)
	}
	return m.encode()[:x448.Size], nil
}

// x448Agree is the RFC 7748 §5 X448 function on a private key and a
// 56-byte u. It rejects the all-zero result of low-order inputs.
func x448Agree(seed, u []byte) ([]byte, error) {
	var shared, secret, public x448.Key
	copy(secret[:], seed)
	defer clear(secret[:])
	copy(public[:], u)
	if !x448.Shared(&shared, &secret, &public) {
		return nil, fmt.Errorf("%w: X448 agreement gives zero (low-order point)", ErrInvalidPublicKey)
	}
	return shared[:], nil
}

// ScalarBytes returns a copy of the reduced secret scalar (56 bytes,
// little-endian), for threshold key combination (threshold.md §4.2).
func (k *X448Private) ScalarBytes() []byte { return bytes.Clone(k.s[:]) }

// Equal reports in constant time whether other has the same scalar.
func (k *X448Private) Equal(other PrivateKey) bool {
	o, ok := other.(*X448Private)
	if !ok || o == nil {
		return false
	}
	return subtle.ConstantTimeCompare(k.s[:], o.s[:]) == 1
}

// String prints the fingerprint only. It has a value receiver so that a
// dereferenced key, or one held by value in another struct, is redacted
// too; fmt prints a nil *X448Private as "<nil>".
func (k X448Private) String() string { return privateString(X448, k.pub) }

// GoString prints the fingerprint only.
func (k X448Private) GoString() string { return k.String() }

// Format prints the fingerprint only, for every verb.
func (k X448Private) Format(f fmt.State, _ rune) { formatRedacted(f, k.String()) }
