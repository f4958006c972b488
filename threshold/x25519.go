package threshold

import (
	"errors"
	"fmt"
	"math/big"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
	"github.com/mathmesh/mesh/threshold/group"
)

// X25519 points are carried as Edwards points through the birational map of
// RFC 7748 §4.1 (threshold.md §4.4): x = c·u/v, y = (u−1)/(u+1) and back
// u = (1+y)/(1−y), v = c·u/x, with c = √(−486664) chosen so that the
// Montgomery base point (9, v_B) maps onto the Ed25519 base point.

var (
	fe486662 = feFromBig(big.NewInt(486662))
	// c25519 is c = x_G·v_B/u_B, recomputed at start-up (threshold.md §2).
	c25519 = func() *field.Element {
		vB, _ := new(big.Int).SetString("14781619447589544791020593568409986887264606134616475288964881837755586237401", 10)
		X, _, Z, _ := edwards25519.NewGeneratorPoint().ExtendedCoordinates()
		xG := new(field.Element).Multiply(X, new(field.Element).Invert(Z))
		c := new(field.Element).Multiply(xG, feFromBig(vB))
		return c.Multiply(c, new(field.Element).Invert(feFromBig(big.NewInt(9))))
	}()
	errNotOnCurve = errors.New("not on the curve (twist point)")
)

func feFromBig(x *big.Int) *field.Element {
	b := make([]byte, 32)
	x.FillBytes(b)
	for i, j := 0, 31; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	e, err := new(field.Element).SetBytes(b)
	if err != nil {
		panic("internal error: " + err.Error())
	}
	return e
}

// liftX25519 maps the Montgomery point (u, v) with v's parity given by odd to
// the Edwards point, and validates it (threshold.md §4.4 signed input, §4.6).
// With strict set, u must be canonical (below p, bit 255 clear); otherwise
// it is decoded as RFC 7748 §5 decodeUCoordinate does (bit 255 masked,
// reduced mod p).
func liftX25519(ub []byte, odd, strict bool) (group.Element, error) {
	u, err := new(field.Element).SetBytes(ub)
	if err != nil || (strict && string(u.Bytes()) != string(ub)) {
		return nil, errors.New("u is not a canonical field element")
	}
	one := new(field.Element).One()
	// v² = u³ + A·u² + u = u·(u·(u + A) + 1)
	v2 := new(field.Element).Add(u, fe486662)
	v2.Multiply(v2, u)
	v2.Add(v2, one)
	v2.Multiply(v2, u)
	v, wasSquare := new(field.Element).SqrtRatio(v2, one)
	if wasSquare != 1 {
		return nil, errNotOnCurve
	}
	if v.Equal(new(field.Element).Zero()) == 1 {
		return nil, errors.New("point of order 2")
	}
	if (v.IsNegative() == 1) != odd {
		v.Negate(v)
	}
	uPlus1 := new(field.Element).Add(u, one)
	if uPlus1.Equal(new(field.Element).Zero()) == 1 {
		return nil, errors.New("u = -1 has no Edwards image")
	}
	x := new(field.Element).Multiply(c25519, u)
	x.Multiply(x, new(field.Element).Invert(v))
	y := new(field.Element).Subtract(u, one)
	y.Multiply(y, new(field.Element).Invert(uPlus1))
	p, err := new(edwards25519.Point).SetExtendedCoordinates(x, y, one, new(field.Element).Multiply(x, y))
	if err != nil {
		return nil, errNotOnCurve
	}
	e, err := group.NewEd25519Element(p)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// montgomery25519 returns (u, v is odd) of a non-identity prime-order point.
func montgomery25519(e group.Element) ([]byte, bool, error) {
	X, Y, Z, _ := group.Edwards25519Point(e).ExtendedCoordinates()
	zInv := new(field.Element).Invert(Z)
	x := new(field.Element).Multiply(X, zInv)
	y := new(field.Element).Multiply(Y, zInv)
	zero := new(field.Element).Zero()
	one := new(field.Element).One()
	den := new(field.Element).Subtract(one, y)
	if x.Equal(zero) == 1 || den.Equal(zero) == 1 {
		return nil, false, group.ErrIdentity
	}
	u := new(field.Element).Add(one, y)
	u.Multiply(u, new(field.Element).Invert(den))
	v := new(field.Element).Multiply(c25519, u)
	v.Multiply(v, new(field.Element).Invert(x))
	return u.Bytes(), v.IsNegative() == 1, nil
}

func decodeX25519(b []byte) (group.Element, error) {
	switch len(b) {
	case 32:
		return liftX25519(b, false, false)
	case 33:
		switch b[32] {
		case 0x00:
			return liftX25519(b[:32], false, true)
		case 0x80:
			return liftX25519(b[:32], true, true)
		}
		return nil, fmt.Errorf("sign byte at offset 32 is 0x%02x, want 0x00 or 0x80", b[32])
	}
	return nil, fmt.Errorf("X25519 point is %d bytes, want 32 or 33", len(b))
}

func encodeX25519(e group.Element) ([]byte, error) {
	u, odd, err := montgomery25519(e)
	if err != nil {
		return nil, err
	}
	if odd {
		return append(u, 0x80), nil
	}
	return append(u, 0x00), nil
}
