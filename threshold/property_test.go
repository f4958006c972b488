package threshold

import (
	"bytes"
	"crypto/ecdh"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/cloudflare/circl/dh/x448"
	"pgregory.net/rapid"
)

// rng returns a deterministic random stream drawn by rapid, so failures
// shrink and replay.
func rng(t *rapid.T) io.Reader {
	var seed [32]byte
	copy(seed[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "seed"))
	return rand.NewChaCha8(seed)
}

// encrypt is the sender side: an ordinary X25519/X448 agreement with a
// clamped ephemeral through the standard libraries (threshold.md §3.3 step 3).
func encrypt(t *rapid.T, c *Curve, r io.Reader, recipient []byte) (ephemeral, ikm []byte) {
	if c == X25519 {
		e, err := ecdh.X25519().GenerateKey(r)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := ecdh.X25519().NewPublicKey(recipient[:32])
		if err != nil {
			t.Fatal(err)
		}
		s, err := e.ECDH(pub)
		if err != nil {
			t.Fatal(err)
		}
		return e.PublicKey().Bytes(), s
	}
	var sk, pk, rk, out x448.Key
	if _, err := io.ReadFull(r, sk[:]); err != nil {
		t.Fatal(err)
	}
	x448.KeyGen(&pk, &sk)
	copy(rk[:], recipient[:56])
	if !x448.Shared(&out, &sk, &rk) {
		t.Fatal("x448 low-order")
	}
	return pk[:], out[:]
}

// withSign returns the ephemeral with an explicit sign byte; any sign works
// as long as every share holder uses the same one (threshold.md §3.3).
func withSign(e []byte, sign byte) []byte { return append(bytes.Clone(e), sign) }

func TestPropertyKeyCombination(t *testing.T) {
	for _, c := range []*Curve{X25519, X448, Ed25519, Ed448} {
		t.Run(c.Name(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				r := rng(t)
				a, _ := c.GenerateKey(r)
				b, _ := c.GenerateKey(r)
				sum, err := CombinePrivate(a, b)
				if err != nil {
					t.Fatal(err)
				}
				pub, err := c.CombinePublic(a.Public(), b.Public())
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(pub, sum.Public()) {
					t.Fatalf("pub(a+b) = %x, pub(a)+pub(b) = %x", sum.Public(), pub)
				}
				e, err := c.DecodePoint("key", pub)
				if err != nil {
					t.Fatal(err)
				}
				if again, _ := c.EncodePoint(e); !bytes.Equal(again, pub) {
					t.Fatalf("encoding round trip %x -> %x", pub, again)
				}
				k, err := c.NewPrivateKey(sum.Bytes())
				if err != nil || !k.Equal(sum) {
					t.Fatalf("scalar round trip failed: %v", err)
				}
			})
		})
	}
}

func TestPropertyThresholdDecryption(t *testing.T) {
	for _, c := range []*Curve{X25519, X448} {
		t.Run(c.Name(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				r := rng(t)
				z, _ := c.GenerateKey(r)
				n := rapid.IntRange(2, 5).Draw(t, "n")
				shares, err := z.Split(n, r)
				if err != nil {
					t.Fatal(err)
				}
				eph, want := encrypt(t, c, r, z.Public())
				for _, sign := range []byte{0x00, 0x80} {
					e := withSign(eph, sign)
					var partials [][]byte
					for _, s := range shares[1:] {
						p, err := s.Partial(e)
						if err != nil {
							t.Fatal(err)
						}
						partials = append(partials, p)
					}
					got, err := shares[0].Decrypt(e, partials...)
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("sign %#x: threshold = %x, %v; want %x", sign, got, err, want)
					}
					own, _ := shares[0].Partial(e)
					if got, err := c.CombinePartials(append(partials, own)...); err != nil || !bytes.Equal(got, want) {
						t.Fatalf("CombinePartials = %x, %v; want %x", got, err, want)
					}
				}
				cek := rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "cek")
				wrapped, err := WrapKey(want, nil, cek)
				if err != nil {
					t.Fatal(err)
				}
				p, _ := shares[1].Partial(eph)
				rest := [][]byte{p}
				for _, s := range shares[2:] {
					q, _ := s.Partial(eph)
					rest = append(rest, q)
				}
				ikm, err := shares[0].Decrypt(eph, rest...)
				if err != nil {
					t.Fatal(err)
				}
				if got, err := UnwrapKey(ikm, nil, wrapped); err != nil || !bytes.Equal(got, cek) {
					t.Fatalf("unwrap = %x, %v", got, err)
				}
			})
		})
	}
}

func TestPropertyShamirDecryption(t *testing.T) {
	for _, c := range []*Curve{X25519, X448} {
		t.Run(c.Name(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				r := rng(t)
				z, _ := c.GenerateKey(r)
				n := rapid.IntRange(2, 5).Draw(t, "n")
				th := rapid.IntRange(1, n).Draw(t, "t")
				shares, err := z.SplitShamir(th, n, r)
				if err != nil {
					t.Fatal(err)
				}
				perm := rapid.Permutation(shares).Draw(t, "order")
				signers := perm[:th]
				ids := make([]uint16, th)
				for i, s := range signers {
					ids[i] = s.ID()
				}
				eph, want := encrypt(t, c, r, z.Public())
				var partials [][]byte
				for _, s := range signers {
					p, err := s.ShamirPartial(eph, ids)
					if err != nil {
						t.Fatal(err)
					}
					partials = append(partials, p)
				}
				if got, err := c.CombinePartials(partials...); err != nil || !bytes.Equal(got, want) {
					t.Fatalf("t-of-n = %x, %v; want %x", got, err, want)
				}
				if th > 1 {
					if got, err := c.CombinePartials(partials[1:]...); err == nil && bytes.Equal(got, want) {
						t.Fatal("t-1 partials recovered the agreement")
					}
				}
			})
		})
	}
}

func TestPropertyOverlaySigning(t *testing.T) {
	for _, c := range []*Curve{Ed25519, Ed448} {
		t.Run(c.Name(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				r := rng(t)
				device, _ := c.GenerateKey(r)
				admin, _ := c.GenerateKey(r)
				published, err := c.CombinePublic(admin.Public(), device.Public())
				if err != nil {
					t.Fatal(err)
				}
				combined, _ := CombinePrivate(device, admin)
				if err := CheckOverlay(combined, published); err != nil {
					t.Fatal(err)
				}
				s, err := NewSigner(combined, combined.DerivePrefix())
				if err != nil {
					t.Fatal(err)
				}
				m1 := rapid.SliceOf(rapid.Byte()).Draw(t, "msg")
				m2 := append(bytes.Clone(m1), 0)
				sig1, _ := s.Sign(m1)
				sig2, _ := s.Sign(m2)
				if !stdVerify(c, published, m1, sig1, "") || !stdVerify(c, published, m2, sig2, "") {
					t.Fatal("stock verifier rejects a combined-key signature")
				}
				half := len(sig1) / 2
				if bytes.Equal(sig1[:half], sig2[:half]) {
					t.Fatal("two messages gave the same R")
				}
				if bytes.Equal(combined.DerivePrefix(), device.DerivePrefix()) {
					t.Fatal("prefix does not depend on the key")
				}
			})
		})
	}
}
