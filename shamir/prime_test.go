package shamir

import (
	"math/big"
	"testing"
)

// TestPrimeTable checks udf.md §7.1: every p_L is prime and is the next
// prime after 2^(8L).
func TestPrimeTable(t *testing.T) {
	for l := 1; l <= MaxSecretLength; l++ {
		f := fieldFor(l)
		if !f.p.ProbablyPrime(32) {
			t.Errorf("p_%d is not prime", l)
		}
		c := new(big.Int).Set(f.bound)
		for c.Cmp(f.p) < 0 {
			if c.ProbablyPrime(8) {
				t.Errorf("L=%d: %v is a prime below p", l, c)
				break
			}
			c.Add(c, big.NewInt(1))
		}
	}
	if got := fieldFor(35).p; got.Cmp(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 280), big.NewInt(45))) != 0 {
		t.Errorf("p_35 = %v, want 2^280+45", got)
	}
}
