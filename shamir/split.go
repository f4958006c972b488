package shamir

import (
	"errors"
	"fmt"
	"io"
	"math/big"
)

// errShareTooLarge reports a share value that does not fit in L bytes, the
// condition on which Split redraws (udf.md §7.2 step 3).
var errShareTooLarge = errors.New("shamir: a share value does not fit in the secret length")

// checkSplit validates the parameters of udf.md §7.2 step 2 and the secret
// length of §7.1.
func checkSplit(secret []byte, k, n int) error {
	switch {
	case len(secret) < 1 || len(secret) > MaxSecretLength:
		return fmt.Errorf("shamir: secret of %d bytes, want 1 to %d", len(secret), MaxSecretLength)
	case k < 1:
		return fmt.Errorf("shamir: threshold %d, want at least 1", k)
	case n > MaxShares:
		return fmt.Errorf("shamir: %d shares, limit %d", n, MaxShares)
	case k > n:
		return fmt.Errorf("shamir: threshold %d is more than the %d shares", k, n)
	}
	return nil
}

// Split shares secret (1 to 64 bytes) into n shares, any k of which recover
// it, with 1 <= k <= n <= 15 (udf.md §7.2). The coefficients a1..a(k-1) are
// drawn uniformly from [0, p) using rand; they are redrawn whenever a share
// value would not fit in len(secret) bytes (udf.md §7.2 step 3).
func Split(secret []byte, k, n int, rand io.Reader) ([]Share, error) {
	if err := checkSplit(secret, k, n); err != nil {
		return nil, err
	}
	f := fieldFor(len(secret))
	for range maxRedraws {
		coefficients := make([]*big.Int, k-1)
		for i := range coefficients {
			c, err := f.random(rand)
			if err != nil {
				return nil, err
			}
			coefficients[i] = c
		}
		shares, err := evaluate(f, secret, coefficients, n)
		if !errors.Is(err, errShareTooLarge) {
			return shares, err
		}
	}
	return nil, fmt.Errorf("shamir: no coefficients in %d draws gave share values below 2^%d; the random source is broken", maxRedraws, 8*len(secret))
}

// TestingOnlySplit is Split with the coefficients a1..a(k-1) given instead
// of drawn, k being len(coefficients)+1. It exists only to reproduce
// published vectors (udf.md §11 E1, E2) and must not be used for real
// secrets. Each coefficient must lie in [0, p). It does not redraw: if a
// share value does not fit in len(secret) bytes it returns an error.
func TestingOnlySplit(secret []byte, n int, coefficients []*big.Int) ([]Share, error) {
	if err := checkSplit(secret, len(coefficients)+1, n); err != nil {
		return nil, err
	}
	f := fieldFor(len(secret))
	for i, c := range coefficients {
		if c == nil || c.Sign() < 0 || c.Cmp(f.p) >= 0 {
			return nil, fmt.Errorf("shamir: coefficient a%d is not in [0, p)", i+1)
		}
	}
	return evaluate(f, secret, coefficients, n)
}

// evaluate computes y = f(x) mod p for x = 1..n, with a0 = secret
// (udf.md §7.2 steps 1, 3 and 4), by Horner's rule.
func evaluate(f *field, secret []byte, coefficients []*big.Int, n int) ([]Share, error) {
	a0 := new(big.Int).SetBytes(secret)
	shares := make([]Share, n)
	y := new(big.Int)
	for x := 1; x <= n; x++ {
		y.SetInt64(0)
		bx := big.NewInt(int64(x))
		for i := len(coefficients) - 1; i >= 0; i-- {
			y.Add(y, coefficients[i])
			y.Mul(y, bx)
			y.Mod(y, f.p)
		}
		y.Add(y, a0)
		y.Mod(y, f.p)
		if y.Cmp(f.bound) >= 0 {
			return nil, errShareTooLarge
		}
		shares[x-1] = Share{k: len(coefficients) + 1, x: x, y: y.FillBytes(make([]byte, f.length))}
	}
	return shares, nil
}

// random returns a uniform value in [0, p) by rejection sampling: p has
// 8L+1 bits, so each candidate of L+1 bytes with the top byte cut to one
// bit is accepted with probability about 1/2.
func (f *field) random(rand io.Reader) (*big.Int, error) {
	buf := make([]byte, f.length+1)
	c := new(big.Int)
	for range maxSampleAttempts {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return nil, fmt.Errorf("shamir: reading random bytes: %w", err)
		}
		buf[0] &= 1
		if c.SetBytes(buf).Cmp(f.p) < 0 {
			clear(buf)
			return c, nil
		}
	}
	return nil, fmt.Errorf("shamir: no random value below p in %d attempts; the random source is broken", maxSampleAttempts)
}
