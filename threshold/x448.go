package threshold

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/cloudflare/circl/ecc/goldilocks"
	fp "github.com/cloudflare/circl/math/fp448"
	"github.com/mathmesh/mesh/threshold/group"
)

// X448 points are carried as Ed448 points through the 4-isogeny of RFC 7748
// §4.2 (threshold.md §2 and §4.5). A curve448 point M is represented by the
// Ed448 point P = (4⁻¹ mod L)·ψ(M), so that φ(P) = M; scalar multiplication
// and addition then commute with φ.

var (
	fp156326 = fpFromUint(156326)
	// inv4 is 4⁻¹ mod L (public constant).
	inv4 = group.Ed448.ScalarFromBig(new(big.Int).ModInverse(big.NewInt(4), group.Ed448.Order()))
)

func fpFromUint(x uint64) fp.Elt {
	var e fp.Elt
	for i := 0; i < 8; i++ {
		e[i] = byte(x >> (8 * i))
	}
	return e
}

func fpMul(a, b *fp.Elt) *fp.Elt { var z fp.Elt; fp.Mul(&z, a, b); return &z }
func fpAdd(a, b *fp.Elt) *fp.Elt { var z fp.Elt; fp.Add(&z, a, b); return &z }
func fpSub(a, b *fp.Elt) *fp.Elt { var z fp.Elt; fp.Sub(&z, a, b); return &z }
func fpCanon(a *fp.Elt) *fp.Elt  { z := *a; fp.Modp(&z); return &z }
func fpIsZero(a *fp.Elt) bool    { return fp.IsZero(fpCanon(a)) }

// liftX448 maps the curve448 point (u, v), v's parity given by odd, to its
// Ed448 representative and validates it: on the curve (not the twist), and
// in the prime-order subgroup, checked as φ(4⁻¹·ψ(M)) = M (threshold.md §4.5).
// With strict set u must be canonical; otherwise it is reduced mod p as
// RFC 7748 §5 requires.
//
// Cost: one field exponentiation for v and both ψ denominators together, one
// variable-time multiplication by 4⁻¹ (public point), one inversion for the
// round trip.
func liftX448(ub []byte, odd, strict bool) (group.Element, error) {
	var u fp.Elt
	copy(u[:], ub)
	if strict && string(fpCanon(&u)[:]) != string(ub) {
		return nil, errors.New("u is not a canonical field element")
	}
	u = *fpCanon(&u)
	one := fp.One()
	// v² = u·(u·(u + A) + 1)
	v2 := fpMul(fpAdd(fpMul(fpAdd(&u, &fp156326), &u), &one), &u)
	if fpIsZero(v2) {
		return nil, errors.New("point of order 2")
	}
	// ψ: x = 4v(u²−1)/(u⁴−2u²+4v²+1),
	//    y = −(u⁵−2u³−4uv²+u)/(u⁵−2u²v²−2u³−2v²+u)
	// Both denominators depend on v² only, so they are known before v.
	u2 := fpMul(&u, &u)
	u3 := fpMul(u2, &u)
	u4 := fpMul(u2, u2)
	u5 := fpMul(u4, &u)
	two, four := fpFromUint(2), fpFromUint(4)
	xDen := fpAdd(fpAdd(fpSub(u4, fpMul(&two, u2)), fpMul(&four, v2)), &one)
	yDen := fpAdd(fpSub(fpSub(fpSub(u5, fpMul(fpMul(&two, u2), v2)), fpMul(&two, u3)), fpMul(&two, v2)), &u)
	den := fpMul(xDen, yDen)
	if fpIsZero(den) {
		return nil, errors.New("point has no Ed448 image")
	}
	// One exponentiation: z = 1/√(v²·den²), so v = ±z·den·v² and
	// 1/den = z²·den·v². v² is a square iff v²·den² is (den ≠ 0).
	var z fp.Elt
	if !fp.InvSqrt(&z, &one, fpMul(v2, fpMul(den, den))) {
		return nil, errNotOnCurve
	}
	v := fpCanon(fpMul(fpMul(&z, den), v2))
	if (v[0]&1 == 1) != odd {
		fp.Neg(v, v)
		fp.Modp(v)
	}
	denInv := fpMul(fpMul(fpMul(&z, &z), den), v2)
	xNum := fpMul(fpMul(&four, v), fpSub(u2, &one))
	yNum := fpAdd(fpSub(fpSub(u5, fpMul(&two, u3)), fpMul(fpMul(&four, &u), v2)), &u)
	x := fpMul(fpMul(xNum, yDen), denInv)
	y := fpMul(fpMul(yNum, xDen), denInv)
	fp.Neg(y, y)
	p4, err := goldilocks.FromAffine(fpCanon(x), fpCanon(y))
	if err != nil {
		return nil, errNotOnCurve
	}
	// The point is public: variable-time multiplication is fine here. The
	// result is torsion-free by construction; the round trip below rejects
	// inputs that had a torsion component.
	e, err := group.Ed448VarTimeProjectedMult(inv4, p4)
	if err != nil {
		return nil, err
	}
	if !isogenyImageIs(e, &u, v) {
		return nil, errors.New("point has a small-order component")
	}
	return e, nil
}

// isogenyImageIs reports whether φ(e) = (u, v), comparing u·x² = y² and
// v·x³ = (2 − x² − y²)·y so that no inversion beyond ToAffine is needed.
func isogenyImageIs(e group.Element, u, v *fp.Elt) bool {
	p := group.Edwards448Point(e)
	x, y := p.ToAffine()
	if fpIsZero(&x) {
		return false
	}
	x2 := fpMul(&x, &x)
	y2 := fpMul(&y, &y)
	two := fpFromUint(2)
	okU := fpIsZero(fpSub(fpMul(u, x2), y2))
	okV := fpIsZero(fpSub(fpMul(v, fpMul(x2, &x)), fpMul(fpSub(fpSub(&two, x2), y2), &y)))
	return okU && okV
}

// montgomery448 is φ: u = y²/x², v = (2 − x² − y²)·y/x³; it returns u and
// whether v is odd. One inversion (of x³) after ToAffine.
func montgomery448(e group.Element) ([]byte, bool, error) {
	p := group.Edwards448Point(e)
	x, y := p.ToAffine()
	if fpIsZero(&x) {
		return nil, false, group.ErrIdentity
	}
	x2 := fpMul(&x, &x)
	y2 := fpMul(&y, &y)
	var x3inv fp.Elt
	fp.Inv(&x3inv, fpMul(x2, &x))
	u := fpCanon(fpMul(fpMul(y2, &x3inv), &x))
	two := fpFromUint(2)
	v := fpCanon(fpMul(fpMul(fpSub(fpSub(&two, x2), y2), &y), &x3inv))
	return append([]byte(nil), u[:]...), v[0]&1 == 1, nil
}

func decodeX448(b []byte) (group.Element, error) {
	switch len(b) {
	case 56:
		return liftX448(b, false, false)
	case 57:
		switch b[56] {
		case 0x00:
			return liftX448(b[:56], false, true)
		case 0x80:
			return liftX448(b[:56], true, true)
		}
		return nil, fmt.Errorf("sign byte at offset 56 is 0x%02x, want 0x00 or 0x80", b[56])
	}
	return nil, fmt.Errorf("X448 point is %d bytes, want 56 or 57", len(b))
}

func encodeX448(e group.Element) ([]byte, error) {
	u, odd, err := montgomery448(e)
	if err != nil {
		return nil, err
	}
	if odd {
		return append(u, 0x80), nil
	}
	return append(u, 0x00), nil
}
