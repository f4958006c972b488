package threshold

import (
	"crypto/rand"
	"fmt"
	"testing"
)

// BenchmarkCombine measures the device side of a threshold decryption with
// n−1 received partials (validation of each partial included); divide by n
// for the per-share cost.
func BenchmarkCombine(b *testing.B) {
	for _, c := range []*Curve{X25519, X448} {
		for _, n := range []int{2, 3} {
			b.Run(fmt.Sprintf("%s/%dshares", c.Name(), n), func(b *testing.B) {
				z, _ := c.GenerateKey(rand.Reader)
				shares, _ := z.Split(n, rand.Reader)
				e, _ := c.GenerateKey(rand.Reader)
				eph := e.Public()
				var partials [][]byte
				for _, s := range shares[1:] {
					p, _ := s.Partial(eph)
					partials = append(partials, p)
				}
				for b.Loop() {
					if _, err := shares[0].Decrypt(eph, partials...); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n)/1e3, "µs/share")
			})
		}
	}
}

// BenchmarkPartial measures a share holder's (the service's) answer.
func BenchmarkPartial(b *testing.B) {
	for _, c := range []*Curve{X25519, X448} {
		b.Run(c.Name(), func(b *testing.B) {
			k, _ := c.GenerateKey(rand.Reader)
			e, _ := c.GenerateKey(rand.Reader)
			eph := e.Public()
			for b.Loop() {
				if _, err := k.Partial(eph); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSignCombinedKey(b *testing.B) {
	for _, c := range []*Curve{Ed25519, Ed448} {
		b.Run(c.Name(), func(b *testing.B) {
			k, _ := c.GenerateKey(rand.Reader)
			s, _ := NewSigner(k, k.DerivePrefix())
			msg := []byte("benchmark")
			for b.Loop() {
				if _, err := s.Sign(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
