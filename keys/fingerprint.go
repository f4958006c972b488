package keys

import (
	"bytes"
	"crypto/sha512"

	"github.com/mathmesh/mesh/udf"
)

// spkiOID is the last byte of the RFC 8410 OID 1.3.101.x of each curve.
var spkiOID = [...]byte{
	X25519:  0x6E,
	X448:    0x6F,
	Ed25519: 0x70,
	Ed448:   0x71,
}

// spki builds the SubjectPublicKeyInfo-like DER that [REF] fingerprints
// (udf.md §6.5). It differs from RFC 8410: the AlgorithmIdentifier carries
// an explicit NULL and the key is an OCTET STRING inside the BIT STRING:
//
//	30 len { 30 07 06 03 2B 65 oid 05 00 , 03 len 00 { 04 len pub } }
//
// Every public key is at most 57 bytes, so all lengths are short-form.
func spki(alg Algorithm, pub []byte) []byte {
	n := len(pub)
	der := make([]byte, 0, n+16)
	der = append(der, 0x30, byte(n+14))
	der = append(der, 0x30, 0x07, 0x06, 0x03, 0x2B, 0x65, spkiOID[alg], 0x05, 0x00)
	der = append(der, 0x03, byte(n+3), 0x00, 0x04, byte(n))
	return append(der, pub...)
}

// keyUDF returns the 64-byte binary key UDF: the SHA-2-512 content digest
// UDF of the SPKI with content type "PKIXKey" (udf.md §6.5).
func keyUDF(alg Algorithm, pub []byte) []byte {
	cdv := sha512.Sum512(spki(alg, pub))
	return udf.DigestBinary(cdv[:], udf.ContentTypePKIXKey, udf.SHA2_512)
}

// publicCore holds what every public key type shares: the algorithm, the
// wire encoding and the binary fingerprint. It is immutable after creation.
type publicCore struct {
	alg Algorithm
	enc []byte
	udf []byte
}

func newPublicCore(alg Algorithm, enc []byte) publicCore {
	enc = bytes.Clone(enc)
	return publicCore{alg: alg, enc: enc, udf: keyUDF(alg, enc)}
}

// Algorithm returns the key's curve.
func (c *publicCore) Algorithm() Algorithm { return c.alg }

// Bytes returns a copy of the wire encoding.
func (c *publicCore) Bytes() []byte { return bytes.Clone(c.enc) }

// Fingerprint returns the key UDF at the default 140-bit precision
// (udf.md §6.5), e.g. "MBYN-VC7T-AIEX-KCK2-WQLP-4B52-3GWY".
func (c *publicCore) Fingerprint() string { return udf.Present(c.udf, udf.DefaultBits) }

// UDFBytes returns a copy of the full 64-byte binary key UDF
// (T || TCDV[0..62], udf.md §6.5).
func (c *publicCore) UDFBytes() []byte { return bytes.Clone(c.udf) }

// Equal reports whether other is the same key on the same curve.
func (c *publicCore) Equal(other PublicKey) bool {
	if isNilKey(other) {
		return false
	}
	return other.Algorithm() == c.alg && bytes.Equal(other.Bytes(), c.enc)
}

// String returns the curve and the fingerprint.
func (c *publicCore) String() string { return c.alg.String() + " public key " + c.Fingerprint() }

// isNilKey reports whether k is nil or a typed nil pointer of one of this
// package's key types, so that methods never dereference nil.
func isNilKey(k PublicKey) bool {
	switch p := k.(type) {
	case nil:
		return true
	case *Ed25519Public:
		return p == nil
	case *Ed448Public:
		return p == nil
	case *X25519Public:
		return p == nil
	case *X448Public:
		return p == nil
	}
	return false
}
