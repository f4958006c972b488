package shamir

import (
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/threshold/group"
	"pgregory.net/rapid"
)

// reference is the spec-shaped Lagrange interpolation of threshold.md §4.7,
// evaluated slowly with a separate formula: λᵢ = Π xⱼ·(xⱼ − xᵢ)⁻¹ per factor.
func reference(g group.Group, shares []Share) group.Scalar {
	out := g.NewScalar()
	for _, si := range shares {
		term := g.NewScalar().Set(si.Value)
		for _, sj := range shares {
			if sj.ID == si.ID {
				continue
			}
			xj := int64(sj.ID)
			num := g.ScalarFromBig(bigInt(xj))
			den := bigInt(xj - int64(si.ID))
			inv := den.ModInverse(den.Mod(den, g.Order()), g.Order())
			term.Multiply(term, num)
			term.Multiply(term, g.ScalarFromBig(inv))
		}
		out.Add(out, term)
	}
	return out
}

func TestPropertySplitRecover(t *testing.T) {
	for _, g := range []group.Group{group.Ed25519, group.Ed448} {
		t.Run(g.Name(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				secret, _ := g.RandomScalar(rand.Reader)
				n := rapid.IntRange(1, 7).Draw(t, "n")
				th := rapid.IntRange(1, n).Draw(t, "t")
				shares, vss, err := Split(g, secret, th, n, rand.Reader)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range shares {
					if !Verify(g, s, vss) {
						t.Fatalf("share %d fails VSS", s.ID)
					}
				}
				subset := rapid.Permutation(shares).Draw(t, "order")[:th]
				got, err := Recover(g, subset, th)
				if err != nil || !got.Equal(secret) {
					t.Fatalf("recover from %d of %d failed: %v", th, n, err)
				}
				if !reference(g, subset).Equal(secret) {
					t.Fatal("reference interpolation disagrees")
				}
				if th > 1 {
					if _, err := Recover(g, subset[1:], th); !errors.Is(err, ErrTooFewShares) {
						t.Fatalf("t-1 shares: %v", err)
					}
					if got := reference(g, subset[1:]); got.Equal(secret) {
						t.Fatal("t-1 shares interpolate to the secret")
					}
				}
			})
		})
	}
}

func TestBadIdentifiers(t *testing.T) {
	g := group.Ed25519
	for name, ids := range map[string][]uint16{"zero": {0, 1}, "duplicate": {1, 1}, "empty": {}} {
		if _, err := Lagrange(g, 1, ids); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Lagrange(g, 3, []uint16{1, 2}); err == nil {
		t.Error("identifier outside the list accepted")
	}
	if _, _, err := Split(g, g.NewScalar(), 3, 2, rand.Reader); err == nil {
		t.Error("t > n accepted")
	}
}

func bigInt(x int64) *big.Int { return big.NewInt(x) }

func TestNilShareValueRefused(t *testing.T) {
	g := group.Ed25519
	shares, commitments, err := Split(g, g.NewScalar(), 2, 3, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	shares[1].Value = nil
	if _, err := Recover(g, shares[:2], 2); err == nil || !strings.Contains(err.Error(), "has no value") {
		t.Fatalf("Recover with a nil share value: %v", err)
	}
	if Verify(g, shares[1], commitments) {
		t.Fatal("Verify accepted a share with no value")
	}
}
