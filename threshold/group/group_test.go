package group

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"filippo.io/edwards25519"
	"github.com/cloudflare/circl/ecc/goldilocks"
	fp "github.com/cloudflare/circl/math/fp448"
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

// TestEd448TorsionRejected adds each non-zero point of the rational 4-torsion
// of edwards448, (0, −1), (1, 0) and (−1, 0), to a valid point and to the
// identity: DecodeElement must refuse every result (threshold.md §4.6, §8.3
// item 6).
func TestEd448TorsionRejected(t *testing.T) {
	var zero, one, minusOne fp.Elt
	one[0] = 1
	fp.Sub(&minusOne, &zero, &one)
	fp.Modp(&minusOne)
	s, _ := Ed448.RandomScalar(rand.Reader)
	base := Edwards448Point(Ed448.NewElement().ScalarBaseMult(s))
	for name, xy := range map[string][2]fp.Elt{
		"(0,-1)": {zero, minusOne},
		"(1,0)":  {one, zero},
		"(-1,0)": {minusOne, zero},
	} {
		tp, err := goldilocks.FromAffine(&xy[0], &xy[1])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for what, p := range map[string]*goldilocks.Point{"T": tp, "P+T": curve448.Add(&base, tp)} {
			var enc [57]byte
			if err := p.ToBytes(enc[:]); err != nil {
				t.Fatal(err)
			}
			_, err := Ed448.DecodeElement(enc[:])
			if !errors.Is(err, ErrInvalidElement) {
				t.Errorf("%s with %s: %v, want ErrInvalidElement", what, name, err)
			}
			if _, err := NewEd448Element(p); err == nil {
				t.Errorf("NewEd448Element accepted %s with %s", what, name)
			}
		}
	}
}

// TestScalarRedacted: fmt never prints a scalar's value, whatever the verb,
// also when the scalar sits inside a struct printed by reflection.
func TestScalarRedacted(t *testing.T) {
	for _, g := range groups {
		s, _ := g.RandomScalar(rand.Reader)
		hexed := fmt.Sprintf("%x", s.Bytes())
		holder := struct{ V Scalar }{s}
		for _, verb := range []string{"%v", "%+v", "%#v", "%x", "%s", "%d"} {
			for _, out := range []string{fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder)} {
				if !strings.Contains(out, "redacted") || strings.Contains(out, hexed[:16]) {
					t.Errorf("%s %s prints %q", g.Name(), verb, out)
				}
			}
		}
	}
}

func TestEd448IsZero(t *testing.T) {
	if !Ed448.NewScalar().IsZero() || !Ed448.ScalarFromBig(Ed448.Order()).IsZero() {
		t.Error("zero (or L) not reported as zero")
	}
	if Ed448.ScalarFromBig(big.NewInt(1)).IsZero() {
		t.Error("one reported as zero")
	}
}
