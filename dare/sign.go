package dare

import (
	"crypto/sha512"
	"crypto/subtle"
	"encoding/binary"
	"fmt"

	"filippo.io/edwards25519"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// manifest builds the Gen-B signature manifest (dare.md §7.3):
// JSONB-string(dig) || JSONB-binary(PayloadDigest) [|| JSONB-binary(ChainDigest)].
func manifest(dig string, pd, chain []byte) []byte {
	m := appendJSONBItem(nil, 0x80, []byte(dig))
	m = appendJSONBItem(m, 0x88, pd)
	if len(chain) > 0 {
		m = appendJSONBItem(m, 0x88, chain)
	}
	return m
}

// appendJSONBItem appends a JSON-B string (base 0x80) or data (base 0x88)
// item with the shortest length width (jsonbcd.md §3, §4.3).
func appendJSONBItem(b []byte, base byte, v []byte) []byte {
	n := uint64(len(v))
	switch {
	case n < 1<<8:
		b = append(b, base, byte(n))
	case n < 1<<16:
		b = binary.BigEndian.AppendUint16(append(b, base+1), uint16(n))
	case n < 1<<32:
		b = binary.BigEndian.AppendUint32(append(b, base+2), uint32(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, base+3), n)
	}
	return append(b, v...)
}

// signGenB makes a Gen-B signature (dare.md §7.3): pure EdDSA over the
// manifest, alg ED25519 or ED448.
func signGenB(s keys.Signer, m []byte) (Signature, error) {
	var alg string
	switch s.Algorithm() {
	case keys.Ed25519:
		alg = AlgED25519
	case keys.Ed448:
		alg = AlgED448
	default:
		return Signature{}, fmt.Errorf("dare: %v keys cannot sign", s.Algorithm())
	}
	sig, err := s.Sign(m)
	if err != nil {
		return Signature{}, fmt.Errorf("dare: signing: %w", err)
	}
	return Signature{Alg: alg, Kid: s.Public().Fingerprint(), Signature: sig}, nil
}

// SignatureStatus is the outcome of checking one signature.
type SignatureStatus struct {
	Kid        string `json:"kid"`
	Alg        string `json:"alg"`
	Generation string `json:"generation"` // "A" (digest, dare.md §7.2) or "B" (manifest, §7.3)
	// Verified is true when a trusted key verified the signature. A
	// signature by a key outside the keyring is reported, not verified.
	Verified bool `json:"verified"`
	// KeyKnown is false when no trusted key has this kid or algorithm.
	KeyKnown bool `json:"key_known"`
	// Signer is the fingerprint of the trusted key that verified the
	// signature. It differs from Kid when the kid names no trusted key
	// and another trusted key verified it ([REF] kids are not always
	// reproducible, dare.md §15): trust Signer, not Kid.
	Signer string `json:"signer,omitempty"`
	// Witness is "ok", "absent" or "not checked" (unencrypted envelope).
	Witness string `json:"witness"`
}

// knownSignatureAlg reports whether alg is a signature algorithm we verify:
// Gen-B ED25519/ED448/EdDSA, or Gen-A, whose alg is the digest identifier
// (dare.md §3, §7.2).
func knownSignatureAlg(alg, dig string) bool {
	return isGenB(alg) || alg == dig || alg == DigS512
}

// isGenB reports whether alg names a Gen-B (manifest) signature.
func isGenB(alg string) bool { return alg == AlgED25519 || alg == AlgED448 || alg == algEdDSA }

// verifySignature implements dare.md §7.4 step 2 for one signature and one
// key: Gen-B verifies pure EdDSA over the manifest; Gen-A verifies Ed25519
// with dom2(0, "") or standard Ed448 over the PayloadDigest.
func verifySignature(pub keys.PublicKey, s *Signature, dig string, pd, chain []byte) bool {
	if isGenB(s.Alg) {
		// The alg must name the key's algorithm ("EdDSA" names either).
		if (s.Alg == AlgED25519 && pub.Algorithm() != keys.Ed25519) || (s.Alg == AlgED448 && pub.Algorithm() != keys.Ed448) {
			return false
		}
		return keys.Verify(pub, manifest(dig, pd, chain), s.Signature)
	}
	switch pub.Algorithm() {
	case keys.Ed25519:
		return verifyEd25519Dom2(pub.Bytes(), pd, s.Signature)
	case keys.Ed448:
		return keys.Verify(pub, pd, s.Signature)
	}
	return false
}

// signatureKeys returns the trusted keys to try for s: those whose
// fingerprint is s.Kid (byKid true), else (the [REF] kid is not always
// reproducible, dare.md §15) every signing key of the trusted list.
func signatureKeys(trusted []keys.PublicKey, s *Signature) ([]keys.PublicKey, bool) {
	var named, all []keys.PublicKey
	for _, k := range trusted {
		if !k.Algorithm().CanSign() {
			continue
		}
		if udf.Equal(k.Fingerprint(), s.Kid) {
			named = append(named, k)
		}
		all = append(all, k)
	}
	if len(named) > 0 {
		return named, true
	}
	return all, false
}

// dom2 is RFC 8032 dom2(0, ""): Ed25519 with an empty context, as [REF]
// signs every DARE digest (dare.md §7.2).
var dom2 = []byte("SigEd25519 no Ed25519 collisions\x00\x00")

// verifyEd25519Dom2 verifies an RFC 8032 Ed25519 signature with the dom2
// prefix and an empty context, which crypto/ed25519 cannot express. Like
// crypto/ed25519 it requires a canonical S < L and checks [S]B = R + [k]A
// by comparing encodings (dare.md §14 item 13).
func verifyEd25519Dom2(pub, msg, sig []byte) bool {
	if len(pub) != 32 || len(sig) != 64 {
		return false
	}
	A, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return false
	}
	S, err := new(edwards25519.Scalar).SetCanonicalBytes(sig[32:])
	if err != nil {
		return false
	}
	h := sha512.New()
	h.Write(dom2)
	h.Write(sig[:32])
	h.Write(pub)
	h.Write(msg)
	k, err := new(edwards25519.Scalar).SetUniformBytes(h.Sum(nil))
	if err != nil {
		return false
	}
	minusA := new(edwards25519.Point).Negate(A)
	R := new(edwards25519.Point).VarTimeDoubleScalarBaseMult(k, minusA, S)
	return subtle.ConstantTimeCompare(sig[:32], R.Bytes()) == 1
}
