package keys

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
)

// ErrInvalidPublicKey reports a public key that fails validation: wrong
// length, a non-canonical encoding, a point off the curve or on its twist, a
// small-order or mixed-order point, or the identity (threshold.md §4.6).
// Errors from [ParsePublicKey] and [Agreer.Agree] wrap it.
var ErrInvalidPublicKey = errors.New("keys: invalid public key")

// PublicKey is a validated public key on one of the four curves.
type PublicKey interface {
	// Algorithm returns the key's curve.
	Algorithm() Algorithm
	// Bytes returns a copy of the wire encoding: 32 bytes for Ed25519 and
	// X25519 (RFC 8032, RFC 7748), 57 for Ed448 (RFC 8032) and 57 for X448
	// (u followed by the odd flag of v, udf.md §6.4).
	Bytes() []byte
	// Fingerprint returns the 140-bit key UDF (udf.md §6.5).
	Fingerprint() string
	// UDFBytes returns the full 64-byte binary key UDF (udf.md §6.5).
	UDFBytes() []byte
	// Equal reports whether other is the same key on the same curve.
	Equal(other PublicKey) bool
}

// PrivateKey is a private key on one of the four curves. The concrete types
// are *Ed25519Private, *Ed448Private, *X25519Private and *X448Private; none
// of them prints its secret.
type PrivateKey interface {
	Algorithm() Algorithm
	Public() PublicKey
}

// Signer is a private key that makes pure EdDSA signatures (RFC 8032 §5.1.6
// and §5.2.6, empty context).
type Signer interface {
	PrivateKey
	Sign(msg []byte) ([]byte, error)
}

// Agreer is a private key that performs a Diffie-Hellman agreement with a
// peer public key on the same curve. X25519 and X448 return the RFC 7748 u
// coordinate (32 or 56 bytes). Ed25519 and Ed448 return the RFC 8032
// encoding of a·P (32 or 57 bytes), the IKM of dare.md §4.2.
type Agreer interface {
	PrivateKey
	Agree(peer PublicKey) ([]byte, error)
}

// Compile-time checks of the capabilities of each concrete type.
var (
	_ Signer = (*Ed25519Private)(nil)
	_ Signer = (*Ed448Private)(nil)
	_ Agreer = (*Ed25519Private)(nil)
	_ Agreer = (*Ed448Private)(nil)
	_ Agreer = (*X25519Private)(nil)
	_ Agreer = (*X448Private)(nil)
)

// Verify reports whether sig is a valid pure EdDSA signature (RFC 8032,
// empty context) of msg under pub. It returns false for keys that cannot
// sign.
func Verify(pub PublicKey, msg, sig []byte) bool {
	switch k := pub.(type) {
	case *Ed25519Public:
		return k.verify(msg, sig)
	case *Ed448Public:
		return k.verify(msg, sig)
	}
	return false
}

// Generate returns a new random private key. It draws an RFC 8032 seed for
// Ed25519 (32 bytes) and Ed448 (57 bytes) and an RFC 7748 private key for
// X25519 (32 bytes) and X448 (56 bytes). A nil rand means crypto/rand.
func Generate(alg Algorithm, rand io.Reader) (PrivateKey, error) {
	if rand == nil {
		rand = cryptoRand
	}
	var n int
	switch alg {
	case Ed25519:
		n = ed25519SeedSize
	case Ed448:
		n = ed448SeedSize
	case X25519:
		n = x25519SeedSize
	case X448:
		n = x448SeedSize
	default:
		return nil, fmt.Errorf("keys: cannot generate a key for %v", alg)
	}
	seed := make([]byte, n)
	defer clear(seed)
	if _, err := io.ReadFull(rand, seed); err != nil {
		return nil, fmt.Errorf("keys: reading random bytes: %w", err)
	}
	return newFromSeed(alg, seed)
}

// cryptoRand is the default randomness source.
var cryptoRand io.Reader = rand.Reader

// newFromSeed builds a key from its seed: the RFC 8032 secret for the
// Edwards curves (any length for Ed448, which hashes it with SHAKE256) or
// the RFC 7748 private key for the Montgomery curves. It copies seed.
func newFromSeed(alg Algorithm, seed []byte) (PrivateKey, error) {
	switch alg {
	case Ed25519:
		return newEd25519FromSeed(seed)
	case Ed448:
		return newEd448FromSeed(seed)
	case X25519:
		return newX25519FromSeed(seed)
	case X448:
		return newX448FromSeed(seed)
	}
	return nil, fmt.Errorf("keys: unknown algorithm %v", alg)
}

// ParsePublicKey decodes and validates the wire encoding of a public key
// (threshold.md §4.6): exact length, canonical encoding, on the curve (not
// its twist), in the prime-order subgroup and not the identity.
func ParsePublicKey(alg Algorithm, b []byte) (PublicKey, error) {
	if !alg.valid() {
		return nil, fmt.Errorf("keys: unknown algorithm %v", alg)
	}
	if len(b) != alg.publicSize() {
		return nil, fmt.Errorf("%w: %v key is %d bytes, want %d", ErrInvalidPublicKey, alg, len(b), alg.publicSize())
	}
	switch alg {
	case Ed25519:
		return parseEd25519Public(b)
	case Ed448:
		return parseEd448Public(b)
	case X25519:
		return parseX25519Public(b)
	default:
		return parseX448Public(b)
	}
}

// peerOf checks that peer is a key of the wanted concrete type.
func peerOf[T PublicKey](self Algorithm, peer PublicKey) (T, error) {
	k, ok := peer.(T)
	if !ok {
		var zero T
		if peer == nil {
			return zero, fmt.Errorf("keys: %v agreement with a nil peer key", self)
		}
		return zero, fmt.Errorf("keys: %v agreement with a %v peer key", self, peer.Algorithm())
	}
	return k, nil
}

// isAllZero reports in constant time whether b is all zero.
func isAllZero(b []byte) bool {
	var acc byte
	for _, x := range b {
		acc |= x
	}
	return acc == 0
}
