package threshold

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"filippo.io/edwards25519"
)

var (
	p25519 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	p448   = func() *big.Int {
		p := new(big.Int).Lsh(big.NewInt(1), 448)
		p.Sub(p, new(big.Int).Lsh(big.NewInt(1), 224))
		return p.Sub(p, big.NewInt(1))
	}()
)

func leInt(b []byte) *big.Int {
	be := bytes.Clone(b)
	for i, j := 0, len(be)-1; i < j; i, j = i+1, j-1 {
		be[i], be[j] = be[j], be[i]
	}
	return new(big.Int).SetBytes(be)
}

func intLE(x *big.Int, n int) []byte {
	b := x.FillBytes(make([]byte, n))
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return b
}

// TestSmallOrderRejected feeds every party points with small-order
// components: the Montgomery torsion points themselves and P + (0,0), whose
// u is 1/u(P) (threshold.md §4.6, §8.3 item 6).
func TestSmallOrderRejected(t *testing.T) {
	for _, tc := range []struct {
		c *Curve
		p *big.Int
		n int
	}{{X25519, p25519, 32}, {X448, p448, 56}} {
		k, _ := tc.c.GenerateKey(rand.Reader)
		u := leInt(k.Public()[:tc.n])
		inv := new(big.Int).ModInverse(u, tc.p)
		bad := map[string]*big.Int{
			"u=0":                      big.NewInt(0),
			"u=1":                      big.NewInt(1),
			"u=-1":                     new(big.Int).Sub(tc.p, big.NewInt(1)),
			"P+(0,0)":                  inv,
			"u=p (non-canonical zero)": new(big.Int).Set(tc.p),
		}
		for name, x := range bad {
			if x.BitLen() > 8*tc.n {
				continue
			}
			enc := intLE(x, tc.n)
			for _, sign := range []byte{0x00, 0x80} {
				b := append(bytes.Clone(enc), sign)
				if _, err := tc.c.DecodePoint("test", b); !errors.Is(err, ErrInvalidPoint) {
					t.Errorf("%s %s sign %#x: accepted (err %v)", tc.c.Name(), name, sign, err)
				}
				if _, err := k.Partial(b); err == nil {
					t.Errorf("%s %s sign %#x: share holder answered", tc.c.Name(), name, sign)
				}
			}
		}
	}
}

// TestEdwardsTorsionRejected adds each of the 8 torsion points of
// edwards25519 to a valid point; every result must be refused.
func TestEdwardsTorsionRejected(t *testing.T) {
	t8, err := new(edwards25519.Point).SetBytes(unhex(t, "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := Ed25519.GenerateKey(rand.Reader)
	base, _ := new(edwards25519.Point).SetBytes(k.Public())
	tk := edwards25519.NewIdentityPoint()
	for i := 1; i < 8; i++ {
		tk.Add(tk, t8)
		for _, p := range []*edwards25519.Point{tk, new(edwards25519.Point).Add(base, tk)} {
			if _, err := Ed25519.DecodePoint("test", p.Bytes()); !errors.Is(err, ErrInvalidPoint) {
				t.Errorf("Ed25519 + %d·T8 accepted", i)
			}
			u := p.BytesMontgomery()
			for _, sign := range []byte{0x00, 0x80} {
				if _, err := X25519.DecodePoint("test", append(bytes.Clone(u), sign)); err == nil {
					t.Errorf("X25519 with %d·T8 component accepted", i)
				}
			}
		}
	}
	if _, err := Ed25519.DecodePoint("test", edwards25519.NewIdentityPoint().Bytes()); err == nil {
		t.Error("identity accepted")
	}
}

func TestBadLengthsAndEncodings(t *testing.T) {
	k, _ := X25519.GenerateKey(rand.Reader)
	pub := k.Public()
	cases := map[string][]byte{
		"short":          pub[:31],
		"long":           append(bytes.Clone(pub), 0),
		"bad sign byte":  append(bytes.Clone(pub[:32]), 0x01),
		"bit 255 signed": append(append(bytes.Clone(pub[:31]), pub[31]|0x80), pub[32]),
	}
	for name, b := range cases {
		_, err := X25519.DecodePoint("ephemeral", b)
		if !errors.Is(err, ErrInvalidPoint) || !strings.Contains(err.Error(), "ephemeral") {
			t.Errorf("%s: error %v, want ErrInvalidPoint naming the field", name, err)
		}
	}
	for _, c := range []*Curve{X25519, X448, Ed25519, Ed448} {
		if _, err := c.NewPrivateKey(make([]byte, 31)); err == nil {
			t.Errorf("%s: 31-byte scalar accepted", c.Name())
		}
		order := c.Group().Order()
		n := len(k.Bytes())
		if c == X448 {
			n = 56
		} else if c == Ed448 {
			n = 57
		}
		if _, err := c.NewPrivateKey(intLE(order, n)); err == nil {
			t.Errorf("%s: scalar L accepted", c.Name())
		}
		if _, err := c.NewPrivateKey(make([]byte, n)); err == nil {
			t.Errorf("%s: zero scalar accepted", c.Name())
		}
	}
	if _, err := k.Split(1, rand.Reader); err == nil {
		t.Error("split into 1 share accepted")
	}
	x448k, _ := X448.GenerateKey(rand.Reader)
	if _, err := CombinePrivate(k, x448k); err == nil {
		t.Error("mixed-curve combination accepted")
	}
}

// TestNoClampOrHash is the regression test of threshold.md §8.3 item 6: a
// raw share with its low bits (and, for X25519/X448, bits clamping would set
// or clear) is used as is on every curve: the scalar round-trips unchanged
// and the public key is 7·B, computed here by repeated addition.
func TestNoClampOrHash(t *testing.T) {
	for _, c := range curves {
		raw := make([]byte, len(mustKey(t, c).Bytes()))
		raw[0] = 0x07 // low bits that clamping would clear
		k, err := c.NewPrivateKey(raw)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(k.Bytes(), raw) {
			t.Fatalf("%s: scalar changed: %x", c.Name(), k.Bytes())
		}
		seven := c.Group().NewElement()
		for range 7 {
			seven.Add(seven, c.Group().Generator())
		}
		want, err := c.EncodePoint(seven)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.Public(); !bytes.Equal(got, want) {
			t.Fatalf("%s: public of raw scalar 7 = %x, want %x", c.Name(), got, want)
		}
		if c == X25519 || c == X448 {
			clamped, err := c.PrivateKeyFromRFC7748(raw[:c.PointLen()-1])
			if err == nil && bytes.Equal(clamped.Public(), want) {
				t.Fatalf("%s: clamped and raw interpretations agree; the test proves nothing", c.Name())
			}
		}
	}
}

func mustKey(t *testing.T, c *Curve) *PrivateKey {
	t.Helper()
	k, err := c.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSecretsRedacted(t *testing.T) {
	k, _ := Ed25519.GenerateKey(rand.Reader)
	s, _ := NewSigner(k, k.DerivePrefix())
	secret := fmt.Sprintf("%x", k.Bytes())
	for _, v := range []any{k, s} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, secret) || strings.Contains(out, secret[:16]) {
				t.Errorf("%s leaks the scalar: %s", verb, out)
			}
		}
	}
}

// TestRecryptionGroup checks threshold.md §3.4: members decrypt with the
// service; the service alone cannot; a removed member cannot; existing
// ciphertexts need no re-encryption.
func TestRecryptionGroup(t *testing.T) {
	for _, c := range []*Curve{X25519, X448} {
		t.Run(c.Name(), func(t *testing.T) {
			z, _ := c.GenerateKey(rand.Reader)
			admin, err := NewGroupAdmin(z)
			if err != nil {
				t.Fatal(err)
			}
			svc := NewRecryptionService(c)
			members := map[string]*PrivateKey{}
			for _, name := range []string{"alice", "bob"} {
				m, s, err := admin.AddMember(rand.Reader)
				if err != nil {
					t.Fatal(err)
				}
				if err := svc.Grant(name, s); err != nil {
					t.Fatal(err)
				}
				members[name] = m
			}
			// Data encrypted before any membership change.
			eph, _ := c.GenerateKey(rand.Reader)
			want, err := eph.Agree(admin.Public())
			if err != nil {
				t.Fatal(err)
			}
			ephPub := eph.Public()
			for name, m := range members {
				p, err := svc.Partial(name, ephPub)
				if err != nil {
					t.Fatal(err)
				}
				if got, err := m.Decrypt(ephPub, p); err != nil || !bytes.Equal(got, want) {
					t.Fatalf("%s: %x, %v", name, got, err)
				}
				if got, _ := m.Agree(ephPub); bytes.Equal(got, want) {
					t.Fatalf("%s's share alone decrypts", name)
				}
				if got, _ := c.CombinePartials(p); bytes.Equal(got, want) {
					t.Fatal("the service alone decrypts")
				}
			}
			if err := svc.Revoke("bob"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Partial("bob", ephPub); !errors.Is(err, ErrUnknownMember) {
				t.Fatalf("revoked member got a partial: %v", err)
			}
			// Another member's service partial does not complete bob's share.
			pa, _ := svc.Partial("alice", ephPub)
			if got, _ := members["bob"].Decrypt(ephPub, pa); bytes.Equal(got, want) {
				t.Fatal("removed member decrypts with another member's partial")
			}
			if got, err := members["alice"].Decrypt(ephPub, pa); err != nil || !bytes.Equal(got, want) {
				t.Fatal("remaining member lost access")
			}
		})
	}
}
