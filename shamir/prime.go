package shamir

import (
	"math/big"
	"sync"
)

// primeOffsets[L-1] is off[L] of udf.md §7.1: p_L = 2^(8L) + off[L] is the
// next prime after 2^(8L) (checked in prime_test.go).
var primeOffsets = [MaxSecretLength]uint16{
	1, 1, 43, 15, 15, 21, 81, 13, 15, 13, 7, 61, 111, 25, 451, 51,
	85, 175, 253, 7, 87, 427, 27, 133, 235, 375, 423, 735, 357, 115, 81, 297,
	175, 57, 45, 127, 61, 37, 91, 27, 15, 241, 231, 55, 105, 127, 115, 231,
	207, 181, 37, 235, 163, 1093, 187, 211, 21, 841, 445, 165, 777, 583, 133, 75,
}

// field holds the constants of GF(p_L) for one secret length L.
type field struct {
	length int      // L, bytes
	bound  *big.Int // 2^(8L): every share value and secret is below it
	p      *big.Int // p_L = 2^(8L) + off[L]
}

var fields = sync.OnceValue(func() (fs [MaxSecretLength + 1]*field) {
	for l := 1; l <= MaxSecretLength; l++ {
		bound := new(big.Int).Lsh(big.NewInt(1), uint(8*l))
		p := new(big.Int).Add(bound, big.NewInt(int64(primeOffsets[l-1])))
		fs[l] = &field{length: l, bound: bound, p: p}
	}
	return fs
})

// fieldFor returns the field of a secret of length L, 1 <= L <= 64. The
// returned values are shared and must not be modified.
func fieldFor(l int) *field {
	return fields()[l]
}
