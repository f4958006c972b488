package frost

import (
	"crypto/rand"
	"testing"
)

func benchSign(b *testing.B, cs *Ciphersuite, t, n int) {
	secret, _ := cs.g.RandomScalar(rand.Reader)
	keys, pkg, err := cs.Deal(secret.Bytes(), t, n, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	signers := keys[:t]
	msg := []byte("benchmark message")
	for b.Loop() {
		if _, err := run(cs, rand.Reader, signers, pkg, msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFROST runs commit, sign and aggregate (with verification of the
// aggregate) for every signer in process.
func BenchmarkFROSTEd25519_2of2(b *testing.B) { benchSign(b, Ed25519, 2, 2) }
func BenchmarkFROSTEd25519_3of5(b *testing.B) { benchSign(b, Ed25519, 3, 5) }
func BenchmarkFROSTEd448_2of2(b *testing.B)   { benchSign(b, Ed448, 2, 2) }
func BenchmarkFROSTEd448_3of5(b *testing.B)   { benchSign(b, Ed448, 3, 5) }
