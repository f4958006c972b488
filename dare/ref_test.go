package dare

import (
	"crypto/sha512"

	"filippo.io/edwards25519"
)

// signEd25519Dom2ForTest is a spec-shaped RFC 8032 §5.1.6 signer with the
// dom2(0, "") prefix ([REF] Gen-A, dare.md §7.2), used to rebuild the V-8
// signature. Production code only verifies Gen-A.
func signEd25519Dom2ForTest(seed, msg []byte) []byte {
	h := sha512.Sum512(seed)
	s, _ := new(edwards25519.Scalar).SetBytesWithClamping(h[:32])
	A := new(edwards25519.Point).ScalarBaseMult(s)
	rh := sha512.New()
	rh.Write(dom2)
	rh.Write(h[32:])
	rh.Write(msg)
	r, _ := new(edwards25519.Scalar).SetUniformBytes(rh.Sum(nil))
	R := new(edwards25519.Point).ScalarBaseMult(r)
	kh := sha512.New()
	kh.Write(dom2)
	kh.Write(R.Bytes())
	kh.Write(A.Bytes())
	kh.Write(msg)
	k, _ := new(edwards25519.Scalar).SetUniformBytes(kh.Sum(nil))
	S := new(edwards25519.Scalar).MultiplyAdd(k, s, r)
	return append(R.Bytes(), S.Bytes()...)
}
