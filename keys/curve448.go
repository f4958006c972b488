package keys

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/cloudflare/circl/ecc/goldilocks"
	fp "github.com/cloudflare/circl/math/fp448"
)

// Maps between curve448 (v² = u³ + 156326u² + u) and edwards448, the two
// rational maps of RFC 7748 §4.2 (threshold.md §2, §4.5):
//
//	φ: edwards448 → curve448   u = y²/x², v = (2 − x² − y²)·y/x³, φ(G) = B
//	ψ: curve448 → edwards448   x = 4v(u²−1)/(u⁴−2u²+4v²+1)
//	                           y = −(u⁵−2u³−4uv²+u)/(u⁵−2u²v²−2u³−2v²+u)
//
// φ∘ψ = [4], so for E in the prime-order subgroup φ(inv4·ψ(E)) = E.
// All arithmetic is constant-time fp448; math/big only computes the public
// constant inv4.

// x448FlagOdd is the last byte of a 57-byte X448 key whose v is odd.
const x448FlagOdd = 0x80

// montgomeryA is the curve448 coefficient A = 156326.
var montgomeryA = fp.Elt{0xA6, 0x62, 0x02} // 156326 = 0x0262A6

// inv4 is 4⁻¹ mod L, the edwards448 group order (threshold.md §4.5).
var inv4 = func() goldilocks.Scalar {
	order := goldilocks.Curve{}.Order()
	l := new(big.Int).SetBytes(reversed(order[:]))
	v := new(big.Int).ModInverse(big.NewInt(4), l)
	var s goldilocks.Scalar
	v.FillBytes(s[:])
	slices.Reverse(s[:])
	return s
}()

func reversed(b []byte) []byte {
	r := slices.Clone(b)
	slices.Reverse(r)
	return r
}

// montgomery448 is an affine curve448 point with v known.
type montgomery448 struct{ u, v fp.Elt }

// encode returns the 57-byte signed form: u little-endian, then 0x80 if v
// is odd, else 0x00 (udf.md §6.4).
func (m *montgomery448) encode() []byte {
	u, v := m.u, m.v
	fp.Modp(&u)
	fp.Modp(&v)
	out := make([]byte, x448PublicSize)
	copy(out, u[:])
	out[fp.Size] = (v[0] & 1) << 7
	return out
}

// edwardsToMontgomery is φ. It fails for points with x = 0 (the identity
// and the point of order 2), which have no image with v defined.
func edwardsToMontgomery(p *goldilocks.Point) (*montgomery448, error) {
	q := *p // ToAffine normalises in place
	x, y := q.ToAffine()
	if fp.IsZero(&x) {
		return nil, fmt.Errorf("%w: X448 point of order dividing 2", ErrInvalidPublicKey)
	}
	var x2, y2, xInv, xInv2, t, m fp.Elt
	fp.Sqr(&x2, &x)
	fp.Sqr(&y2, &y)
	fp.Inv(&xInv, &x)
	fp.Sqr(&xInv2, &xInv)
	var out montgomery448
	fp.Mul(&out.u, &y2, &xInv2) // u = y²/x²
	two := fp.Elt{2}
	fp.Sub(&t, &two, &x2)
	fp.Sub(&t, &t, &y2) // 2 − x² − y²
	fp.Mul(&m, &xInv2, &xInv)
	fp.Mul(&t, &t, &y)
	fp.Mul(&out.v, &t, &m) // v = (2 − x² − y²)·y/x³
	return &out, nil
}

// montgomeryToEdwards is ψ. It fails where a denominator is zero.
func montgomeryToEdwards(m *montgomery448) (*goldilocks.Point, error) {
	one := fp.One()
	var u2, u3, u4, u5, v2, t, num, den fp.Elt
	fp.Sqr(&u2, &m.u)
	fp.Mul(&u3, &u2, &m.u)
	fp.Sqr(&u4, &u2)
	fp.Mul(&u5, &u4, &m.u)
	fp.Sqr(&v2, &m.v)

	// x = 4v(u²−1) / (u⁴ − 2u² + 4v² + 1)
	var x fp.Elt
	fp.Sub(&t, &u2, &one)
	fp.Mul(&num, &m.v, &t)
	fp.Add(&num, &num, &num)
	fp.Add(&num, &num, &num)
	fp.Sub(&den, &u4, &u2)
	fp.Sub(&den, &den, &u2)
	fp.Add(&t, &v2, &v2)
	fp.Add(&t, &t, &t)
	fp.Add(&den, &den, &t)
	fp.Add(&den, &den, &one)
	if fp.IsZero(&den) {
		return nil, fmt.Errorf("%w: X448 point has no edwards448 image", ErrInvalidPublicKey)
	}
	fp.Inv(&den, &den)
	fp.Mul(&x, &num, &den)

	// y = −(u⁵ − 2u³ − 4uv² + u) / (u⁵ − 2u²v² − 2u³ − 2v² + u)
	var y, uv2 fp.Elt
	fp.Mul(&uv2, &m.u, &v2)
	fp.Sub(&num, &u5, &u3)
	fp.Sub(&num, &num, &u3)
	fp.Add(&t, &uv2, &uv2)
	fp.Add(&t, &t, &t)
	fp.Sub(&num, &num, &t)
	fp.Add(&num, &num, &m.u)
	fp.Mul(&t, &u2, &v2)
	fp.Add(&t, &t, &t)
	fp.Sub(&den, &u5, &t)
	fp.Sub(&den, &den, &u3)
	fp.Sub(&den, &den, &u3)
	fp.Sub(&den, &den, &v2)
	fp.Sub(&den, &den, &v2)
	fp.Add(&den, &den, &m.u)
	if fp.IsZero(&den) {
		return nil, fmt.Errorf("%w: X448 point has no edwards448 image", ErrInvalidPublicKey)
	}
	fp.Inv(&den, &den)
	fp.Mul(&y, &num, &den)
	fp.Neg(&y, &y)

	p, err := goldilocks.FromAffine(&x, &y)
	if err != nil {
		return nil, fmt.Errorf("internal error: ψ image off edwards448: %w", err)
	}
	return p, nil
}

// decodeX448 decodes and validates a 57-byte signed curve448 point
// (threshold.md §4.5, §4.6). It returns the point and its edwards448
// preimage W = inv4·ψ(E), for which φ(W) = E.
func decodeX448(b []byte) (*montgomery448, *goldilocks.Point, error) {
	var m montgomery448
	copy(m.u[:], b[:fp.Size])
	canon := m.u
	fp.Modp(&canon)
	if canon != m.u {
		return nil, nil, fmt.Errorf("%w: X448 u-coordinate is not reduced modulo p", ErrInvalidPublicKey)
	}
	flag := b[fp.Size]
	if flag != 0 && flag != x448FlagOdd {
		return nil, nil, fmt.Errorf("%w: X448 sign byte at offset %d is 0x%02x, want 0x00 or 0x80", ErrInvalidPublicKey, fp.Size, flag)
	}
	// v² = u³ + A·u² + u = u·(u·(u + A) + 1)
	one := fp.One()
	var rhs fp.Elt
	fp.Add(&rhs, &m.u, &montgomeryA)
	fp.Mul(&rhs, &rhs, &m.u)
	fp.Add(&rhs, &rhs, &one)
	fp.Mul(&rhs, &rhs, &m.u)
	if !fp.InvSqrt(&m.v, &rhs, &one) {
		return nil, nil, fmt.Errorf("%w: X448 u-coordinate is on the twist, not on curve448", ErrInvalidPublicKey)
	}
	fp.Modp(&m.v)
	if fp.IsZero(&m.v) {
		return nil, nil, fmt.Errorf("%w: X448 point of order 2", ErrInvalidPublicKey)
	}
	var negV fp.Elt
	fp.Neg(&negV, &m.v)
	fp.Cmov(&m.v, &negV, uint((m.v[0]&1)^(flag>>7)))

	e, err := montgomeryToEdwards(&m)
	if err != nil {
		return nil, nil, err
	}
	w := goldilocks.Curve{}.ScalarMult(&inv4, e) // drops any torsion
	back, err := edwardsToMontgomery(w)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: X448 point of small order", ErrInvalidPublicKey)
	}
	fp.Modp(&back.u)
	fp.Modp(&back.v)
	if back.u != m.u || back.v != m.v {
		return nil, nil, fmt.Errorf("%w: X448 point is not in the prime-order subgroup (mixed order)", ErrInvalidPublicKey)
	}
	return &m, w, nil
}
