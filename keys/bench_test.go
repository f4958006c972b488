package keys

import "testing"

const benchSeed = "ZAAQ-AHCC-PWZG-EQXO-M4QM-OYWT-HDPG-DQ3D-HMIG-ABHP-LED2-KPAG-LOTB-QMJ7"

func BenchmarkDeriveFromSeed(b *testing.B) {
	for _, a := range allAlgorithms {
		b.Run(a.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := DeriveFromSeed(benchSeed, "BaseDeviceProfile", a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEd448Sign(b *testing.B) {
	k, _ := DeriveFromSeed(benchSeed, "BaseDeviceSign", Ed448)
	msg := make([]byte, 64)
	for b.Loop() {
		if _, err := k.(Signer).Sign(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEd448Verify(b *testing.B) {
	k, _ := DeriveFromSeed(benchSeed, "BaseDeviceSign", Ed448)
	msg := make([]byte, 64)
	sig, _ := k.(Signer).Sign(msg)
	for b.Loop() {
		if !Verify(k.Public(), msg, sig) {
			b.Fatal("verify failed")
		}
	}
}

func BenchmarkX448Agree(b *testing.B) {
	k, _ := DeriveFromSeed(benchSeed, "BaseDeviceEncrypt", X448)
	peer, _ := Generate(X448, nil)
	for b.Loop() {
		if _, err := k.(Agreer).Agree(peer.Public()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePublicKey(b *testing.B) {
	for _, a := range allAlgorithms {
		k, _ := Generate(a, nil)
		enc := k.Public().Bytes()
		b.Run(a.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := ParsePublicKey(a, enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
