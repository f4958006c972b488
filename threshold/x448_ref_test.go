package threshold

import (
	"bytes"
	"errors"
	"testing"

	"github.com/cloudflare/circl/ecc/goldilocks"
	fp "github.com/cloudflare/circl/math/fp448"
	"github.com/mathmesh/mesh/threshold/group"
	"pgregory.net/rapid"
)

// liftX448Reference is the straightforward lift the optimized liftX448
// replaced: separate square root and inversions, and the round trip through
// montgomery448's u and v parity. Kept as the oracle of TestLiftX448Differential.
func liftX448Reference(ub []byte, odd bool) (group.Element, error) {
	var u fp.Elt
	copy(u[:], ub)
	u = *fpCanon(&u)
	one := fp.One()
	v2 := fpMul(fpAdd(fpMul(fpAdd(&u, &fp156326), &u), &one), &u)
	var v fp.Elt
	if !fp.InvSqrt(&v, v2, &one) {
		return nil, errNotOnCurve
	}
	fp.Modp(&v)
	if fp.IsZero(&v) {
		return nil, errors.New("order 2")
	}
	if (v[0]&1 == 1) != odd {
		fp.Neg(&v, &v)
		fp.Modp(&v)
	}
	u2 := fpMul(&u, &u)
	u3 := fpMul(u2, &u)
	u4 := fpMul(u2, u2)
	u5 := fpMul(u4, &u)
	vv := fpMul(&v, &v)
	two, four := fpFromUint(2), fpFromUint(4)
	xNum := fpMul(fpMul(&four, &v), fpSub(u2, &one))
	xDen := fpAdd(fpAdd(fpSub(u4, fpMul(&two, u2)), fpMul(&four, vv)), &one)
	yNum := fpAdd(fpSub(fpSub(u5, fpMul(&two, u3)), fpMul(fpMul(&four, &u), vv)), &u)
	yDen := fpAdd(fpSub(fpSub(fpSub(u5, fpMul(fpMul(&two, u2), vv)), fpMul(&two, u3)), fpMul(&two, vv)), &u)
	if fpIsZero(xDen) || fpIsZero(yDen) {
		return nil, errors.New("no image")
	}
	var x, y fp.Elt
	fp.Inv(&x, xDen)
	x = *fpMul(&x, xNum)
	fp.Inv(&y, yDen)
	y = *fpMul(&y, yNum)
	fp.Neg(&y, &y)
	p4, err := goldilocks.FromAffine(fpCanon(&x), fpCanon(&y))
	if err != nil {
		return nil, errNotOnCurve
	}
	e, err := group.Ed448VarTimeProjectedMult(inv4, p4)
	if err != nil {
		return nil, err
	}
	u2b, odd2, err := montgomery448(e)
	if err != nil || string(u2b) != string(u[:]) || odd2 != odd {
		return nil, errors.New("torsion")
	}
	return e, nil
}

// TestLiftX448Differential: the optimized lift accepts exactly the inputs the
// reference accepts (random u: on the curve or the twist, with any torsion
// component; and prime-order points with the sign byte both ways) and yields
// the same point.
func TestLiftX448Differential(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var ub []byte
		if rapid.Bool().Draw(t, "valid") {
			k, _ := X448.GenerateKey(rng(t))
			ub = k.Public()[:56]
		} else {
			ub = rapid.SliceOfN(rapid.Byte(), 56, 56).Draw(t, "u")
		}
		odd := rapid.Bool().Draw(t, "odd")
		got, errGot := liftX448(ub, odd, false)
		want, errWant := liftX448Reference(ub, odd)
		if (errGot == nil) != (errWant == nil) {
			t.Fatalf("u=%x odd=%v: optimized err %v, reference err %v", ub, odd, errGot, errWant)
		}
		if errGot == nil && !got.Equal(want) {
			t.Fatalf("u=%x odd=%v: different points", ub, odd)
		}
		if errGot == nil {
			enc, err := encodeX448(got)
			if err != nil || !bytes.Equal(enc[:56], fpCanon((*fp.Elt)(ub))[:]) {
				t.Fatalf("u=%x: re-encodes as %x (%v)", ub, enc, err)
			}
		}
	})
}
