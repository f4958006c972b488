package group

import (
	"crypto/subtle"
	"fmt"
	"io"
	"math/big"

	"github.com/cloudflare/circl/ecc/goldilocks"
)

// Ed448 is the edwards448 group of RFC 8032 §5.2. Scalars are encoded in 57
// bytes, the 56-byte little-endian value followed by a zero byte
// (RFC 9591 §6.3 SerializeScalar).
var Ed448 Group = ed448Group{}

type ed448Group struct{}

var order448, _ = new(big.Int).SetString("181709681073901722637330951972001133588410340171829515070372549795146003961539585716195755291692375963310293709091662304773755859649779", 10)

type scalar448 struct{ s goldilocks.Scalar }
type element448 struct{ p goldilocks.Point }

func sc448(a Scalar) *goldilocks.Scalar { return &a.(*scalar448).s }
func el448(a Element) *goldilocks.Point { return &a.(*element448).p }

var curve448 goldilocks.Curve

func (ed448Group) Name() string        { return "edwards448" }
func (ed448Group) ScalarLen() int      { return 57 }
func (ed448Group) ElementLen() int     { return 57 }
func (ed448Group) Order() *big.Int     { return new(big.Int).Set(order448) }
func (ed448Group) NewScalar() Scalar   { return &scalar448{} }
func (ed448Group) NewElement() Element { return &element448{p: *curve448.Identity()} }
func (ed448Group) Generator() Element  { return &element448{p: *curve448.Generator()} }

func (ed448Group) ScalarFromBig(x *big.Int) Scalar {
	r := new(big.Int).Mod(x, order448)
	z := &scalar448{}
	z.s.FromBytes(leBytes(r, goldilocks.ScalarSize))
	return z
}

func (ed448Group) ScalarFromWide(b []byte) (Scalar, error) {
	if len(b) != 114 {
		return nil, fmt.Errorf("group: edwards448 wide scalar is %d bytes, want 114", len(b))
	}
	z := &scalar448{}
	z.s.FromBytes(b)
	return z, nil
}

func (g ed448Group) RandomScalar(rand io.Reader) (Scalar, error) {
	var buf [114]byte
	defer clear(buf[:])
	if _, err := io.ReadFull(rand, buf[:]); err != nil {
		return nil, fmt.Errorf("group: reading randomness: %w", err)
	}
	return g.ScalarFromWide(buf[:])
}

// DecodeScalar implements RFC 9591 §6.3 DeserializeScalar: 57 bytes, the last
// one zero, the value below L.
func (ed448Group) DecodeScalar(b []byte) (Scalar, error) {
	if len(b) != 57 {
		return nil, fmt.Errorf("%w: edwards448 scalar is %d bytes, want 57", ErrInvalidScalar, len(b))
	}
	if b[56] != 0 {
		return nil, fmt.Errorf("%w: edwards448 scalar byte 56 is not zero", ErrInvalidScalar)
	}
	z := &scalar448{}
	z.s.FromBytes(b[:56])
	if subtle.ConstantTimeCompare(z.s[:], b[:56]) != 1 {
		return nil, fmt.Errorf("%w: edwards448 scalar is not below the group order", ErrInvalidScalar)
	}
	return z, nil
}

// DecodeElement implements RFC 9591 §6.3 DeserializeElement: canonical
// RFC 8032 decoding, not the identity, in the prime-order subgroup. goldilocks'
// ScalarMult drops any torsion component, so P is torsion-free iff 1·P = P
// (threshold.md §4.6).
func (ed448Group) DecodeElement(b []byte) (Element, error) {
	if len(b) != 57 {
		return nil, fmt.Errorf("%w: edwards448 element is %d bytes, want 57", ErrInvalidElement, len(b))
	}
	p, err := goldilocks.FromBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: edwards448 encoding is not a curve point", ErrInvalidElement)
	}
	var enc [57]byte
	if err := p.ToBytes(enc[:]); err != nil || string(enc[:]) != string(b) {
		return nil, fmt.Errorf("%w: edwards448 encoding is not canonical", ErrInvalidElement)
	}
	e := &element448{p: *p}
	if err := e.check(); err != nil {
		return nil, err
	}
	return e, nil
}

var one448 = func() goldilocks.Scalar { var s goldilocks.Scalar; s[0] = 1; return s }()

func (e *element448) check() error {
	if e.p.IsIdentity() {
		return ErrIdentity
	}
	q := curve448.CombinedMult(&goldilocks.Scalar{}, &one448, &e.p)
	if !q.IsEqual(&e.p) {
		return fmt.Errorf("%w: edwards448 point has a small-order component", ErrInvalidElement)
	}
	return nil
}

func (ed448Group) VarTimeMultiScalarMult(s []Scalar, p []Element) Element {
	acc := curve448.Identity()
	for i := range s {
		acc = curve448.Add(acc, curve448.CombinedMult(&goldilocks.Scalar{}, sc448(s[i]), el448(p[i])))
	}
	return &element448{p: *acc}
}

func (ed448Group) VarTimeDoubleBaseMult(a Scalar, p Element, b Scalar) Element {
	return &element448{p: *curve448.CombinedMult(sc448(b), sc448(a), el448(p))}
}

func (z *scalar448) Add(a, b Scalar) Scalar      { z.s.Add(sc448(a), sc448(b)); return z }
func (z *scalar448) Subtract(a, b Scalar) Scalar { z.s.Sub(sc448(a), sc448(b)); return z }
func (z *scalar448) Multiply(a, b Scalar) Scalar { z.s.Mul(sc448(a), sc448(b)); return z }
func (z *scalar448) Negate(a Scalar) Scalar      { z.s = *sc448(a); z.s.Neg(); return z }
func (z *scalar448) Set(a Scalar) Scalar         { z.s = *sc448(a); return z }
func (z *scalar448) Equal(b Scalar) bool {
	x, y := z.s, *sc448(b)
	x.Red()
	y.Red()
	return subtle.ConstantTimeCompare(x[:], y[:]) == 1
}

// IsZero reports whether the value is zero, in constant time (goldilocks'
// own IsZero compares arrays with ==, which may stop at the first difference).
func (z *scalar448) IsZero() bool {
	x := z.s
	x.Red()
	var zero goldilocks.Scalar
	return subtle.ConstantTimeCompare(x[:], zero[:]) == 1
}
func (z *scalar448) Bytes() []byte {
	x := z.s
	x.Red()
	out := make([]byte, 57)
	copy(out, x[:])
	return out
}
func (z *scalar448) Zeroize() { clear(z.s[:]) }

// String, GoString and Format redact the value (see scalar25519).
func (z *scalar448) String() string             { return redactedScalar }
func (z *scalar448) GoString() string           { return redactedScalar }
func (z *scalar448) Format(f fmt.State, _ rune) { fmt.Fprint(f, redactedScalar) }

func (z *element448) Add(a, b Element) Element { z.p = *curve448.Add(el448(a), el448(b)); return z }
func (z *element448) Subtract(a, b Element) Element {
	n := *el448(b)
	n.Neg()
	z.p = *curve448.Add(el448(a), &n)
	return z
}
func (z *element448) Negate(a Element) Element { z.p = *el448(a); z.p.Neg(); return z }
func (z *element448) Set(a Element) Element    { z.p = *el448(a); return z }
func (z *element448) ScalarMult(s Scalar, p Element) Element {
	z.p = *curve448.ScalarMult(sc448(s), el448(p))
	return z
}
func (z *element448) ScalarBaseMult(s Scalar) Element {
	z.p = *curve448.ScalarBaseMult(sc448(s))
	return z
}
func (z *element448) Equal(b Element) bool { return z.p.IsEqual(el448(b)) }
func (z *element448) IsIdentity() bool     { return z.p.IsIdentity() }
func (z *element448) Bytes() []byte {
	q := z.p // ToBytes normalises its receiver; work on a copy
	out := make([]byte, 57)
	if err := q.ToBytes(out); err != nil {
		panic("internal error: " + err.Error())
	}
	return out
}

// Edwards448Point returns a copy of the underlying point, for the X448 isogeny
// in package threshold.
func Edwards448Point(e Element) goldilocks.Point { return *el448(e) }

// NewEd448Element wraps p after checking it is a non-identity point of the
// prime-order subgroup.
func NewEd448Element(p *goldilocks.Point) (Element, error) {
	e := &element448{p: *p}
	if err := e.check(); err != nil {
		return nil, err
	}
	return e, nil
}

// Ed448ScalarFromPruned prunes b (57 bytes) as RFC 8032 §5.2.5 does (clear
// bits 0–1, clear the last byte, set bit 447) and reduces it mod L. It is also
// the RFC 7748 X448 decodeScalar for 56-byte keys (pass 56 bytes). Shares never
// pass through it.
func Ed448ScalarFromPruned(b []byte) (Scalar, error) {
	if len(b) != 57 && len(b) != 56 {
		return nil, fmt.Errorf("group: edwards448 seed scalar is %d bytes, want 56 or 57", len(b))
	}
	var k [57]byte
	copy(k[:], b)
	defer clear(k[:])
	k[0] &= 0xFC
	k[55] |= 0x80
	k[56] = 0
	z := &scalar448{}
	z.s.FromBytes(k[:])
	return z, nil
}

// Ed448VarTimeProjectedMult returns k·P' in variable time, where P' is the
// prime-order component of the public point p: goldilocks drops any torsion
// component, so the result is always in the prime-order subgroup. It rejects
// an identity result. The X448 isogeny (threshold.md §4.5) uses it for
// 4⁻¹·ψ(M) and then checks the round trip itself.
func Ed448VarTimeProjectedMult(k Scalar, p *goldilocks.Point) (Element, error) {
	q := curve448.CombinedMult(&goldilocks.Scalar{}, sc448(k), p)
	if q.IsIdentity() {
		return nil, ErrIdentity
	}
	return &element448{p: *q}, nil
}
