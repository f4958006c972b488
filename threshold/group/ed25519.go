package group

import (
	"fmt"
	"io"
	"math/big"

	"filippo.io/edwards25519"
)

// Ed25519 is the edwards25519 group of RFC 8032 §5.1.
var Ed25519 Group = ed25519Group{}

type ed25519Group struct{}

var (
	order25519, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	// lMinusOne25519 is L−1; for P in the prime-order subgroup (L−1)·P = −P.
	lMinusOne25519 = mustScalar25519(leBytes(new(big.Int).Sub(order25519, big.NewInt(1)), 32))
)

func mustScalar25519(b []byte) *edwards25519.Scalar {
	s, err := edwards25519.NewScalar().SetCanonicalBytes(b)
	if err != nil {
		panic("internal error: " + err.Error())
	}
	return s
}

type scalar25519 struct{ s edwards25519.Scalar }

// element25519 caches its encoding: encoding costs a field inversion and
// FROST encodes the same commitments several times. Every mutator clears it.
type element25519 struct {
	p   edwards25519.Point
	enc []byte
}

func sc25519(a Scalar) *edwards25519.Scalar { return &a.(*scalar25519).s }
func el25519(a Element) *edwards25519.Point { return &a.(*element25519).p }

func (ed25519Group) Name() string        { return "edwards25519" }
func (ed25519Group) ScalarLen() int      { return 32 }
func (ed25519Group) ElementLen() int     { return 32 }
func (ed25519Group) Order() *big.Int     { return new(big.Int).Set(order25519) }
func (ed25519Group) NewScalar() Scalar   { return &scalar25519{s: *edwards25519.NewScalar()} }
func (ed25519Group) NewElement() Element { return &element25519{p: *edwards25519.NewIdentityPoint()} }
func (ed25519Group) Generator() Element  { return &element25519{p: *edwards25519.NewGeneratorPoint()} }

func (ed25519Group) ScalarFromBig(x *big.Int) Scalar {
	r := new(big.Int).Mod(x, order25519)
	return &scalar25519{s: *mustScalar25519(leBytes(r, 32))}
}

func (ed25519Group) ScalarFromWide(b []byte) (Scalar, error) {
	if len(b) != 64 {
		return nil, fmt.Errorf("group: edwards25519 wide scalar is %d bytes, want 64", len(b))
	}
	s, err := edwards25519.NewScalar().SetUniformBytes(b)
	if err != nil {
		return nil, fmt.Errorf("group: %w", err)
	}
	return &scalar25519{s: *s}, nil
}

func (g ed25519Group) RandomScalar(rand io.Reader) (Scalar, error) {
	var buf [64]byte
	defer clear(buf[:])
	if _, err := io.ReadFull(rand, buf[:]); err != nil {
		return nil, fmt.Errorf("group: reading randomness: %w", err)
	}
	return g.ScalarFromWide(buf[:])
}

func (ed25519Group) DecodeScalar(b []byte) (Scalar, error) {
	if len(b) != 32 {
		return nil, fmt.Errorf("%w: edwards25519 scalar is %d bytes, want 32", ErrInvalidScalar, len(b))
	}
	s, err := edwards25519.NewScalar().SetCanonicalBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: edwards25519 scalar is not below the group order", ErrInvalidScalar)
	}
	return &scalar25519{s: *s}, nil
}

// DecodeElement implements RFC 9591 §6.1 DeserializeElement: canonical
// RFC 8032 decoding, not the identity, and in the prime-order subgroup
// (threshold.md §4.6), checked as (L−1)·P = −P in variable time (P is public).
func (ed25519Group) DecodeElement(b []byte) (Element, error) {
	if len(b) != 32 {
		return nil, fmt.Errorf("%w: edwards25519 element is %d bytes, want 32", ErrInvalidElement, len(b))
	}
	p, err := edwards25519.NewIdentityPoint().SetBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: edwards25519 encoding is not a curve point", ErrInvalidElement)
	}
	if string(p.Bytes()) != string(b) {
		return nil, fmt.Errorf("%w: edwards25519 encoding is not canonical", ErrInvalidElement)
	}
	e := &element25519{p: *p, enc: append([]byte(nil), b...)}
	if err := e.check(); err != nil {
		return nil, err
	}
	return e, nil
}

// check rejects the identity and points with a torsion component.
func (e *element25519) check() error {
	if e.p.Equal(edwards25519.NewIdentityPoint()) == 1 {
		return ErrIdentity
	}
	q := new(edwards25519.Point).VarTimeDoubleScalarBaseMult(lMinusOne25519, &e.p, edwards25519.NewScalar())
	q.Add(q, &e.p)
	if q.Equal(edwards25519.NewIdentityPoint()) != 1 {
		return fmt.Errorf("%w: edwards25519 point has a small-order component", ErrInvalidElement)
	}
	return nil
}

func (ed25519Group) VarTimeMultiScalarMult(s []Scalar, p []Element) Element {
	ss := make([]*edwards25519.Scalar, len(s))
	pp := make([]*edwards25519.Point, len(p))
	for i := range s {
		ss[i], pp[i] = sc25519(s[i]), el25519(p[i])
	}
	return &element25519{p: *new(edwards25519.Point).VarTimeMultiScalarMult(ss, pp)}
}

func (ed25519Group) VarTimeDoubleBaseMult(a Scalar, p Element, b Scalar) Element {
	return &element25519{p: *new(edwards25519.Point).VarTimeDoubleScalarBaseMult(sc25519(a), el25519(p), sc25519(b))}
}

func (z *scalar25519) Add(a, b Scalar) Scalar      { z.s.Add(sc25519(a), sc25519(b)); return z }
func (z *scalar25519) Subtract(a, b Scalar) Scalar { z.s.Subtract(sc25519(a), sc25519(b)); return z }
func (z *scalar25519) Multiply(a, b Scalar) Scalar { z.s.Multiply(sc25519(a), sc25519(b)); return z }
func (z *scalar25519) Negate(a Scalar) Scalar      { z.s.Negate(sc25519(a)); return z }
func (z *scalar25519) Set(a Scalar) Scalar         { z.s.Set(sc25519(a)); return z }
func (z *scalar25519) Equal(b Scalar) bool         { return z.s.Equal(sc25519(b)) == 1 }
func (z *scalar25519) IsZero() bool                { return z.s.Equal(edwards25519.NewScalar()) == 1 }
func (z *scalar25519) Bytes() []byte               { return z.s.Bytes() }
func (z *scalar25519) Zeroize()                    { z.s.Set(edwards25519.NewScalar()) }

// String, GoString and Format redact the value: a Scalar may be a share or a
// nonce, and fmt would otherwise print its limbs (threshold.md §6, STYLE 11).
func (z *scalar25519) String() string             { return redactedScalar }
func (z *scalar25519) GoString() string           { return redactedScalar }
func (z *scalar25519) Format(f fmt.State, _ rune) { fmt.Fprint(f, redactedScalar) }

func (z *element25519) Add(a, b Element) Element {
	z.enc = nil
	z.p.Add(el25519(a), el25519(b))
	return z
}
func (z *element25519) Subtract(a, b Element) Element {
	z.enc = nil
	z.p.Subtract(el25519(a), el25519(b))
	return z
}
func (z *element25519) Negate(a Element) Element { z.enc = nil; z.p.Negate(el25519(a)); return z }
func (z *element25519) Set(a Element) Element    { z.enc = nil; z.p.Set(el25519(a)); return z }
func (z *element25519) ScalarMult(s Scalar, p Element) Element {
	z.enc = nil
	z.p.ScalarMult(sc25519(s), el25519(p))
	return z
}
func (z *element25519) ScalarBaseMult(s Scalar) Element {
	z.enc = nil
	z.p.ScalarBaseMult(sc25519(s))
	return z
}
func (z *element25519) Equal(b Element) bool { return z.p.Equal(el25519(b)) == 1 }
func (z *element25519) IsIdentity() bool     { return z.p.Equal(edwards25519.NewIdentityPoint()) == 1 }
func (z *element25519) Bytes() []byte {
	if z.enc == nil {
		z.enc = z.p.Bytes()
	}
	return append([]byte(nil), z.enc...)
}

// Edwards25519Point returns a copy of the underlying point, for the X25519
// mapping in package threshold.
func Edwards25519Point(e Element) *edwards25519.Point { return new(edwards25519.Point).Set(el25519(e)) }

// NewEd25519Element wraps p after checking it is a non-identity point of the
// prime-order subgroup.
func NewEd25519Element(p *edwards25519.Point) (Element, error) {
	e := &element25519{p: *new(edwards25519.Point).Set(p)}
	if err := e.check(); err != nil {
		return nil, err
	}
	return e, nil
}

// Ed25519ScalarFromClamped returns the RFC 8032 / RFC 7748 clamped scalar of
// b (32 bytes), reduced mod L. It is the only clamping entry point, for keys
// that are derived from a seed; shares never pass through it.
func Ed25519ScalarFromClamped(b []byte) (Scalar, error) {
	s, err := edwards25519.NewScalar().SetBytesWithClamping(b)
	if err != nil {
		return nil, fmt.Errorf("group: %w", err)
	}
	return &scalar25519{s: *s}, nil
}
