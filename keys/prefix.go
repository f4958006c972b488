package keys

import (
	"crypto/sha3"
	"crypto/sha512"
)

// Nonce prefixes for Edwards keys read from a raw scalar.
//
// The "z" JSON forms (threshold.md §4.2) carry only the scalar, but RFC 8032
// signing needs a secret, key-specific nonce prefix. threshold.md §4.3
// leaves the choice open (verifiers never see it) and recommends a
// domain-separated hash of the scalar, which this package uses:
//
//	Ed25519: prefix = SHA-512("Mesh-Ed25519-prefix" || s)[0..31]
//	Ed448:   prefix = SHAKE256("Mesh-Ed448-prefix" || s, 57)
//
// with s the 32- or 56-byte little-endian scalar (a 57-byte Ed448 scalar
// loses its zero last byte first).

const (
	ed25519PrefixLabel = "Mesh-Ed25519-prefix"
	ed448PrefixLabel   = "Mesh-Ed448-prefix"
)

// scalarPrefix returns the nonce prefix of an Edwards key read from a raw
// scalar.
func scalarPrefix(alg Algorithm, scalar []byte) []byte {
	if alg == Ed448 {
		if len(scalar) > ed448ScalarSize {
			scalar = scalar[:ed448ScalarSize]
		}
		h := sha3.NewSHAKE256()
		h.Write([]byte(ed448PrefixLabel))
		h.Write(scalar)
		out := make([]byte, ed448PrefixSize)
		h.Read(out)
		return out
	}
	h := sha512.New()
	h.Write([]byte(ed25519PrefixLabel))
	h.Write(scalar)
	return h.Sum(nil)[:ed25519PrefixSize]
}
