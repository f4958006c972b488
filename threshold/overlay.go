package threshold

import (
	"fmt"
	"io"

	"github.com/mathmesh/mesh/threshold/shamir"
)

// CombinePrivate is the key combination law on private keys (threshold-06
// §3.1 and §3.3.1, threshold.md §3.2): the scalars add mod L. The device uses
// it to overlay its base key d with the activation contribution m. The result
// is a raw scalar with no seed behind it; sign with it through NewSigner.
func CombinePrivate(keys ...*PrivateKey) (*PrivateKey, error) {
	if len(keys) < 1 || len(keys) > MaxShares {
		return nil, fmt.Errorf("threshold: %d private keys to combine, want 1 to %d", len(keys), MaxShares)
	}
	for i, k := range keys {
		if err := checkKey(fmt.Sprintf("private key %d", i), k); err != nil {
			return nil, err
		}
	}
	c := keys[0].curve
	sum := c.g.NewScalar()
	for i, k := range keys {
		if k.curve != c {
			return nil, fmt.Errorf("threshold: private key %d is %s, want %s", i, k.curve.name, c.name)
		}
		if k.id != 0 {
			return nil, fmt.Errorf("threshold: private key %d is Shamir share %d; combine shares with Lagrange weights", i, k.id)
		}
		sum.Add(sum, k.s)
	}
	if sum.IsZero() {
		return nil, fmt.Errorf("threshold: combined %s private key is zero", c.name)
	}
	return &PrivateKey{curve: c, s: sum}, nil
}

// CheckOverlay verifies that a combined private key matches the published
// combined public key, as the device must after activation (threshold.md §3.2
// rules). The comparison is on public data.
func CheckOverlay(combined *PrivateKey, published []byte) error {
	if err := checkKey("combined key", combined); err != nil {
		return err
	}
	e, err := combined.curve.DecodePoint("published combined key", published)
	if err != nil {
		return err
	}
	if !combined.curve.g.NewElement().ScalarBaseMult(combined.s).Equal(e) {
		return fmt.Errorf("threshold: combined %s private key does not match the published public key", combined.curve.name)
	}
	return nil
}

// Split divides k into n additive shares (threshold.md §3.3 step 1): n−1
// uniform scalars and the difference. Each share alone is uniformly random.
func (k *PrivateKey) Split(n int, rand io.Reader) ([]*PrivateKey, error) {
	if n < 2 || n > MaxShares {
		return nil, fmt.Errorf("threshold: split into %d shares, want 2 to %d", n, MaxShares)
	}
	if k.id != 0 {
		return nil, fmt.Errorf("threshold: cannot split Shamir share %d", k.id)
	}
	g := k.curve.g
	last := g.NewScalar().Set(k.s)
	out := make([]*PrivateKey, n)
	for i := 0; i < n-1; i++ {
		s, err := g.RandomScalar(rand)
		if err != nil {
			return nil, fmt.Errorf("threshold: %w", err)
		}
		last.Subtract(last, s)
		out[i] = &PrivateKey{curve: k.curve, s: s}
	}
	out[n-1] = &PrivateKey{curve: k.curve, s: last}
	return out, nil
}

// SplitShamir divides k into n Shamir shares with threshold t over L
// (threshold-06 §4, threshold.md §4.7). Share i carries identifier i.
func (k *PrivateKey) SplitShamir(t, n int, rand io.Reader) ([]*PrivateKey, error) {
	if k.id != 0 {
		return nil, fmt.Errorf("threshold: cannot split Shamir share %d", k.id)
	}
	shares, _, err := shamir.Split(k.curve.g, k.s, t, n, rand)
	if err != nil {
		return nil, fmt.Errorf("threshold: %w", err)
	}
	out := make([]*PrivateKey, n)
	for i, s := range shares {
		out[i] = &PrivateKey{curve: k.curve, s: s.Value, id: s.ID}
	}
	return out, nil
}

// NewShamirShare loads a raw Shamir share scalar with its identifier.
func (c *Curve) NewShamirShare(id uint16, scalar []byte) (*PrivateKey, error) {
	if id == 0 || id > MaxShares {
		return nil, fmt.Errorf("threshold: Shamir identifier %d out of range 1..%d", id, MaxShares)
	}
	k, err := c.NewPrivateKey(scalar)
	if err != nil {
		return nil, err
	}
	k.id = id
	return k, nil
}
