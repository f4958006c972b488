package shamir

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
)

// ErrInconsistent is returned when the shares do not lie on one polynomial
// of the declared degree, that is when at least one share is corrupted or
// belongs to another secret. It can only be detected when more than k
// shares are given.
var ErrInconsistent = errors.New("shamir: shares are inconsistent")

// Recover returns the secret shared by shares (udf.md §7.3). All shares must
// have the same threshold k and length L, distinct indices, and there must
// be at least k of them. The k shares with the lowest indices are
// interpolated; every further share must lie on the same polynomial,
// otherwise the error is ErrInconsistent.
func Recover(shares []Share) ([]byte, error) {
	base, extra, err := selectShares(shares)
	if err != nil {
		return nil, err
	}
	f := fieldFor(base[0].Len())
	a0 := interpolate(f, base, 0)
	if a0.Cmp(f.bound) >= 0 {
		return nil, fmt.Errorf("%w: the interpolated secret does not fit in %d bytes", ErrInconsistent, f.length)
	}
	for _, s := range extra {
		if interpolate(f, base, s.x).Cmp(new(big.Int).SetBytes(s.y)) != 0 {
			return nil, fmt.Errorf("%w: share %d does not lie on the polynomial of shares %v", ErrInconsistent, s.x, indices(base))
		}
	}
	return a0.FillBytes(make([]byte, f.length)), nil
}

// RecoverUDF parses each share UDF with ParseShare and calls Recover.
func RecoverUDF(shares ...string) ([]byte, error) {
	parsed := make([]Share, len(shares))
	for i, s := range shares {
		p, err := ParseShare(s)
		if err != nil {
			return nil, fmt.Errorf("%w (share %d of %d)", err, i+1, len(shares))
		}
		parsed[i] = p
	}
	return Recover(parsed)
}

// selectShares checks the shares (udf.md §7.3 steps 1 and 2) and returns
// the k with the lowest indices and the rest, both sorted by index.
func selectShares(shares []Share) (base, extra []Share, err error) {
	if len(shares) == 0 {
		return nil, nil, errors.New("shamir: no shares")
	}
	if len(shares) > MaxShares {
		return nil, nil, fmt.Errorf("shamir: %d shares, limit %d", len(shares), MaxShares)
	}
	k, l := shares[0].k, shares[0].Len()
	for i, s := range shares {
		switch {
		case s.k < 1 || s.x < 1 || s.x > MaxShares || s.Len() < 1 || s.Len() > MaxSecretLength:
			return nil, nil, fmt.Errorf("shamir: share %d is not a valid share", i+1)
		case s.k != k:
			return nil, nil, fmt.Errorf("shamir: mixed thresholds: share %d has threshold %d, share 1 has %d", i+1, s.k, k)
		case s.Len() != l:
			return nil, nil, fmt.Errorf("shamir: mixed lengths: share %d has %d bytes, share 1 has %d", i+1, s.Len(), l)
		}
	}
	sorted := slices.Clone(shares)
	slices.SortFunc(sorted, func(a, b Share) int { return a.x - b.x })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].x == sorted[i-1].x {
			return nil, nil, fmt.Errorf("shamir: duplicate x: two shares have index %d", sorted[i].x)
		}
	}
	if len(sorted) < k {
		return nil, nil, fmt.Errorf("shamir: too few shares: have %d, need %d", len(sorted), k)
	}
	return sorted[:k], sorted[k:], nil
}

// interpolate evaluates at X the polynomial through the points of base
// (udf.md §7.3 step 3, Lagrange form):
// f(X) = Σ y_i · Π_{j≠i} (X − x_j)/(x_i − x_j) mod p.
func interpolate(f *field, base []Share, X int) *big.Int {
	sum := new(big.Int)
	num, den, term := new(big.Int), new(big.Int), new(big.Int)
	for i, si := range base {
		num.SetInt64(1)
		den.SetInt64(1)
		for j, sj := range base {
			if i == j {
				continue
			}
			num.Mul(num, big.NewInt(int64(X-sj.x)))
			den.Mul(den, big.NewInt(int64(si.x-sj.x)))
		}
		num.Mod(num, f.p)
		den.Mod(den, f.p)
		den.ModInverse(den, f.p) // p is prime and 0 < |x_i - x_j| < p
		term.SetBytes(si.y)
		term.Mul(term, num)
		term.Mul(term, den)
		sum.Add(sum, term)
		sum.Mod(sum, f.p)
	}
	return sum
}

// indices lists the indices of shares, for error messages.
func indices(shares []Share) []int {
	xs := make([]int, len(shares))
	for i, s := range shares {
		xs[i] = s.x
	}
	return xs
}
