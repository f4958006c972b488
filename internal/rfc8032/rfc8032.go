// Package rfc8032 makes EdDSA signatures (RFC 8032 §5.1.6 for Ed25519,
// §5.2.6 for Ed448) from an explicit secret scalar s and secret nonce
// prefix, rather than from a seed. Packages keys (seeded keys and keys from
// a scalar) and threshold (combined keys, threshold.md §3.2 and §4.3) both
// sign through it, so the signing arithmetic exists once.
//
// The signatures are standard RFC 8032 signatures; any verifier accepts
// them. Callers validate their inputs (canonical non-zero scalar, prefix
// length, context length); a violated precondition is a broken internal
// invariant and panics.
package rfc8032

import (
	"crypto/sha3"
	"crypto/sha512"
	"fmt"

	"filippo.io/edwards25519"
	"github.com/cloudflare/circl/ecc/goldilocks"
)

// Sizes of the RFC 8032 encodings.
const (
	Ed25519PrefixSize    = 32
	Ed25519PublicSize    = 32
	Ed448PrefixSize      = 57
	Ed448PublicSize      = 57
	Ed448SignatureSize   = 114
	MaxEd448ContextBytes = 255 // RFC 8032 §5.2: the context is at most 255 octets
)

// SignEd25519 returns the pure Ed25519 signature of msg (RFC 8032 §5.1.6)
// by the key with scalar s, 32-byte prefix and 32-byte public key A:
// r = SHA-512(prefix ‖ M) mod L, R = r·B, k = SHA-512(R ‖ A ‖ M) mod L,
// S = r + k·s. The signature is R ‖ S.
func SignEd25519(s *edwards25519.Scalar, prefix, A, msg []byte) []byte {
	if len(prefix) != Ed25519PrefixSize || len(A) != Ed25519PublicSize {
		panic(fmt.Sprintf("rfc8032: internal error: Ed25519 prefix %d and public key %d bytes", len(prefix), len(A)))
	}
	var digest [64]byte
	h := sha512.New()
	h.Write(prefix)
	h.Write(msg)
	r := mustUniform(h.Sum(digest[:0]))
	defer clear(digest[:])
	R := new(edwards25519.Point).ScalarBaseMult(r).Bytes()

	h.Reset()
	h.Write(R)
	h.Write(A)
	h.Write(msg)
	k := mustUniform(h.Sum(digest[:0]))
	S := edwards25519.NewScalar().MultiplyAdd(k, s, r)
	r.Set(edwards25519.NewScalar())
	return append(R, S.Bytes()...)
}

func mustUniform(b []byte) *edwards25519.Scalar {
	s, err := edwards25519.NewScalar().SetUniformBytes(b)
	if err != nil {
		panic("rfc8032: internal error: " + err.Error())
	}
	return s
}

// SignEd448 returns the Ed448 signature of msg with context ctx (RFC 8032
// §5.2.6; an empty ctx is pure Ed448) by the key with scalar s, 57-byte
// prefix and 57-byte public key A:
// r = SHAKE256(dom4(0, ctx) ‖ prefix ‖ M, 114) mod L, R = r·B,
// k = SHAKE256(dom4(0, ctx) ‖ R ‖ A ‖ M, 114) mod L, S = r + k·s.
// The signature is R ‖ S, S in 57 bytes with a zero last byte.
func SignEd448(s *goldilocks.Scalar, prefix, A, ctx, msg []byte) []byte {
	if len(prefix) != Ed448PrefixSize || len(A) != Ed448PublicSize || len(ctx) > MaxEd448ContextBytes {
		panic(fmt.Sprintf("rfc8032: internal error: Ed448 prefix %d, public key %d and context %d bytes", len(prefix), len(A), len(ctx)))
	}
	// dom4(x, y) = "SigEd448" ‖ octet(x) ‖ octet(OLEN(y)) ‖ y, x = 0 (not prehashed).
	dom := append([]byte("SigEd448\x00"), byte(len(ctx)))
	dom = append(dom, ctx...)

	var digest [114]byte
	defer clear(digest[:])
	h := sha3.NewSHAKE256()
	h.Write(dom)
	h.Write(prefix)
	h.Write(msg)
	h.Read(digest[:])
	var r goldilocks.Scalar
	defer clear(r[:])
	r.FromBytes(digest[:])

	sig := make([]byte, Ed448SignatureSize)
	R := goldilocks.Curve{}.ScalarBaseMult(&r)
	if err := R.ToBytes(sig[:Ed448PublicSize]); err != nil {
		panic("rfc8032: internal error: " + err.Error())
	}

	h.Reset()
	h.Write(dom)
	h.Write(sig[:Ed448PublicSize])
	h.Write(A)
	h.Write(msg)
	h.Read(digest[:])
	var k, S goldilocks.Scalar
	k.FromBytes(digest[:])
	S.Mul(&k, s)
	S.Add(&S, &r)
	copy(sig[Ed448PublicSize:], S[:]) // the last byte stays zero
	return sig
}
