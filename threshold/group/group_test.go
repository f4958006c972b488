package group

import (
	"bytes"
	"crypto/rand"
	"errors"
	"math/big"
	"testing"

	"filippo.io/edwards25519"
	"pgregory.net/rapid"
)

var groups = []Group{Ed25519, Ed448}

func TestScalarCanonical(t *testing.T) {
	for _, g := range groups {
		n := g.ScalarLen()
		order := g.Order()
		for name, v := range map[string]*big.Int{"L": order, "L+1": new(big.Int).Add(order, big.NewInt(1))} {
			if _, err := g.DecodeScalar(leBytes(v, n)); !errors.Is(err, ErrInvalidScalar) {
				t.Errorf("%s: scalar %s accepted", g.Name(), name)
			}
		}
		lm1 := leBytes(new(big.Int).Sub(order, big.NewInt(1)), n)
		s, err := g.DecodeScalar(lm1)
		if err != nil || !bytes.Equal(s.Bytes(), lm1) {
			t.Errorf("%s: L-1 rejected or changed: %v", g.Name(), err)
		}
		if _, err := g.DecodeScalar(make([]byte, n-1)); err == nil {
			t.Errorf("%s: short scalar accepted", g.Name())
		}
	}
	top := make([]byte, 57)
	top[56] = 1
	if _, err := Ed448.DecodeScalar(top); err == nil {
		t.Error("Ed448 scalar with non-zero byte 56 accepted")
	}
}

func TestElementRejects(t *testing.T) {
	for _, g := range groups {
		if _, err := g.DecodeElement(g.NewElement().Bytes()); !errors.Is(err, ErrIdentity) {
			t.Errorf("%s: identity: %v", g.Name(), err)
		}
	}
	// Non-canonical y = p + 1 encodes the same point as y = 1 (identity
	// in Ed25519); it must fail the canonical check.
	nc := leBytes(new(big.Int).Add(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19)), big.NewInt(1)), 32)
	if _, err := Ed25519.DecodeElement(nc); !errors.Is(err, ErrInvalidElement) {
		t.Errorf("non-canonical Ed25519 encoding: %v", err)
	}
	// G + (order-2 point (0, -1)).
	t2, _ := new(edwards25519.Point).SetBytes(leBytes(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(20)), 32))
	p := new(edwards25519.Point).Add(edwards25519.NewGeneratorPoint(), t2)
	if _, err := Ed25519.DecodeElement(p.Bytes()); !errors.Is(err, ErrInvalidElement) {
		t.Errorf("torsioned Ed25519 point: %v", err)
	}
}

// TestPropertyGroupLaws checks the scalar/point layer against math/big and
// the group laws used by the threshold code: (a+b)·B = a·B + b·B.
func TestPropertyGroupLaws(t *testing.T) {
	for _, g := range groups {
		t.Run(g.Name(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				a := g.ScalarFromBig(new(big.Int).SetBytes(rapid.SliceOfN(rapid.Byte(), 60, 60).Draw(t, "a")))
				b := g.ScalarFromBig(new(big.Int).SetBytes(rapid.SliceOfN(rapid.Byte(), 60, 60).Draw(t, "b")))
				order := g.Order()
				ab := new(big.Int).Mul(BigFromLE(a.Bytes()), BigFromLE(b.Bytes()))
				if got := BigFromLE(g.NewScalar().Multiply(a, b).Bytes()); got.Cmp(ab.Mod(ab, order)) != 0 {
					t.Fatal("multiply disagrees with math/big")
				}
				sum := g.NewScalar().Add(a, b)
				lhs := g.NewElement().ScalarBaseMult(sum)
				rhs := g.NewElement().Add(g.NewElement().ScalarBaseMult(a), g.NewElement().ScalarBaseMult(b))
				if !lhs.Equal(rhs) {
					t.Fatal("(a+b)B != aB + bB")
				}
				if sum.IsZero() {
					return
				}
				e, err := g.DecodeElement(lhs.Bytes())
				if err != nil || !e.Equal(lhs) {
					t.Fatalf("element round trip: %v", err)
				}
				msm := g.VarTimeMultiScalarMult([]Scalar{a, b}, []Element{g.Generator(), g.Generator()})
				dbl := g.VarTimeDoubleBaseMult(a, g.Generator(), b)
				if !msm.Equal(lhs) || !dbl.Equal(lhs) {
					t.Fatal("variable-time multiplication disagrees")
				}
			})
		})
	}
}

func FuzzDecodeElement(f *testing.F) {
	for _, g := range groups {
		s, _ := g.RandomScalar(rand.Reader)
		f.Add(g.NewElement().ScalarBaseMult(s).Bytes())
		f.Add(g.NewElement().Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, g := range groups {
			e, err := g.DecodeElement(b)
			if err != nil {
				continue
			}
			if !bytes.Equal(e.Bytes(), b) {
				t.Fatalf("%s: %x re-encodes as %x", g.Name(), b, e.Bytes())
			}
		}
	})
}

func FuzzDecodeScalar(f *testing.F) {
	for _, g := range groups {
		s, _ := g.RandomScalar(rand.Reader)
		f.Add(s.Bytes())
		f.Add(leBytes(g.Order(), g.ScalarLen()))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, g := range groups {
			s, err := g.DecodeScalar(b)
			if err != nil {
				continue
			}
			if !bytes.Equal(s.Bytes(), b) {
				t.Fatalf("%s: %x re-encodes as %x", g.Name(), b, s.Bytes())
			}
		}
	})
}
