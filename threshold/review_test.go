package threshold

import (
	"bytes"
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
)

// TestRFC7748KeyReducingToZero: the X448 private key whose clamped value is
// 4·L reduces to the zero scalar; before the fix Public panicked on it.
func TestRFC7748KeyReducingToZero(t *testing.T) {
	fourL := new(big.Int).Mul(X448.Group().Order(), big.NewInt(4))
	if _, err := X448.PrivateKeyFromRFC7748(intLE(fourL, 56)); err == nil || !strings.Contains(err.Error(), "zero") {
		t.Fatalf("clamped 4·L: %v, want a zero-scalar error", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestGenerateKeyBrokenRandom: an all-zero randomness source gives an error,
// not an endless loop.
func TestGenerateKeyBrokenRandom(t *testing.T) {
	for _, c := range curves {
		if _, err := c.GenerateKey(zeroReader{}); err == nil || !strings.Contains(err.Error(), "zero") {
			t.Errorf("%s: %v", c.Name(), err)
		}
	}
}

// TestNilKeysRefused: nil and zero-value keys give errors naming the
// argument, never a panic.
func TestNilKeysRefused(t *testing.T) {
	checks := map[string]func() error{
		"CombinePrivate": func() error { _, err := CombinePrivate(mustKey(t, X25519), nil); return err },
		"CheckOverlay":   func() error { return CheckOverlay(&PrivateKey{}, nil) },
		"NewGroupAdmin":  func() error { _, err := NewGroupAdmin(nil); return err },
		"NewSigner":      func() error { _, err := NewSigner(nil, nil); return err },
		"Grant":          func() error { return NewRecryptionService(X448).Grant("alice", nil) },
	}
	for name, f := range checks {
		if err := f(); err == nil || !strings.Contains(err.Error(), "missing") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestDuplicatePartialsRefused: a replayed partial, or a partial equal to
// the combiner's own contribution, is a mismatched share set and an error,
// never a wrong agreement.
func TestDuplicatePartialsRefused(t *testing.T) {
	for _, c := range []*Curve{X25519, X448} {
		z := mustKey(t, c)
		shares, err := z.Split(3, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		eph := mustKey(t, c).Public()
		p1, _ := shares[1].Partial(eph)
		p2, _ := shares[2].Partial(eph)
		own, _ := shares[0].Partial(eph)
		cases := map[string]func() ([]byte, error){
			"combine p1 twice":     func() ([]byte, error) { return c.CombinePartials(own, p1, p1) },
			"decrypt p1 twice":     func() ([]byte, error) { return shares[0].Decrypt(eph, p1, p1) },
			"decrypt with own":     func() ([]byte, error) { return shares[0].Decrypt(eph, own, p1) },
			"unsigned replay of 1": func() ([]byte, error) { return c.CombinePartials(own, p1, p1[:len(p1)-1], p2) },
		}
		for name, f := range cases {
			if name == "unsigned replay of 1" && p1[len(p1)-1] != 0 {
				continue // the unsigned form only denotes the even-v point
			}
			if out, err := f(); !errors.Is(err, ErrMismatchedShares) {
				t.Errorf("%s %s: %x, %v; want ErrMismatchedShares", c.Name(), name, out, err)
			}
		}
		want, _ := z.Agree(eph)
		if got, err := shares[0].Decrypt(eph, p1, p2); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: honest decryption: %v", c.Name(), err)
		}
	}
}

// TestRevokeDuringPartial runs Partial and Revoke concurrently (meaningful
// under -race): before the fix Partial read the scalar outside the lock while
// Revoke zeroized it. Every answer is either a correct partial or
// ErrUnknownMember.
func TestRevokeDuringPartial(t *testing.T) {
	c := X25519
	z := mustKey(t, c)
	admin, _ := NewGroupAdmin(z)
	eph := mustKey(t, c).Public()
	for round := 0; round < 20; round++ {
		svc := NewRecryptionService(c)
		_, s, err := admin.AddMember(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := s.Partial(eph)
		if err := svc.Grant("bob", s); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := svc.Partial("bob", eph)
				if err != nil && !errors.Is(err, ErrUnknownMember) {
					t.Errorf("Partial: %v", err)
				}
				if err == nil && !bytes.Equal(got, want) {
					t.Errorf("Partial raced with Revoke: %x, want %x", got, want)
				}
			}()
		}
		if err := svc.Revoke("bob"); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
}

// montAdd adds two affine points of v² = u³ + A·u² + u (u1 ≠ u2) mod p.
func montAdd(p, a, u1, v1, u2, v2 *big.Int) (*big.Int, *big.Int) {
	m := func(x *big.Int) *big.Int { return x.Mod(x, p) }
	l := new(big.Int).Sub(v2, v1)
	l.Mul(l, new(big.Int).ModInverse(m(new(big.Int).Sub(u2, u1)), p))
	m(l)
	u3 := new(big.Int).Mul(l, l)
	u3 = m(u3.Sub(u3, a).Sub(u3, u1).Sub(u3, u2))
	v3 := new(big.Int).Sub(u1, u3)
	v3 = m(v3.Mul(v3, l).Sub(v3, v1))
	return u3, v3
}

func montRHS(p, a, u *big.Int) *big.Int {
	r := new(big.Int).Add(u, a)
	r.Mul(r, u).Add(r, big.NewInt(1)).Mul(r, u)
	return r.Mod(r, p)
}

func signedMont(u, v *big.Int, n int) []byte {
	out := intLE(u, n)
	if v.Bit(0) == 1 {
		return append(out, 0x80)
	}
	return append(out, 0x00)
}

// TestMontgomeryTorsionAndTwist: for both Montgomery curves, every non-zero
// rational point of order dividing 4 (X448: (0,0), (±1, ·); X25519: (0,0)
// and its order-4 points) is refused alone and added to a valid point with
// its true v sign; a u on the twist and a bad sign byte are refused too
// (threshold.md §4.6, §8.3 item 6).
func TestMontgomeryTorsionAndTwist(t *testing.T) {
	for _, tc := range []struct {
		c *Curve
		p *big.Int
		a int64
		n int
	}{{X448, p448, 156326, 56}, {X25519, p25519, 486662, 32}} {
		a := big.NewInt(tc.a)
		k := mustKey(t, tc.c)
		pub := k.Public()
		u := leInt(pub[:tc.n])
		v := new(big.Int).ModSqrt(montRHS(tc.p, a, u), tc.p)
		if (v.Bit(0) == 1) != (pub[tc.n] == 0x80) {
			v.Sub(tc.p, v)
		}
		if !bytes.Equal(signedMont(u, v, tc.n), pub) {
			t.Fatalf("%s: test arithmetic does not reproduce the public key", tc.c.Name())
		}
		torsion := [][2]*big.Int{{big.NewInt(0), big.NewInt(0)}}
		for _, tu := range []*big.Int{big.NewInt(1), new(big.Int).Sub(tc.p, big.NewInt(1))} {
			if tv := new(big.Int).ModSqrt(montRHS(tc.p, a, tu), tc.p); tv != nil {
				torsion = append(torsion, [2]*big.Int{tu, tv}, [2]*big.Int{tu, new(big.Int).Sub(tc.p, tv)})
			}
		}
		if len(torsion) != 3 {
			t.Fatalf("%s: found %d rational points of order 2 or 4, want 3", tc.c.Name(), len(torsion))
		}
		for _, tp := range torsion {
			su, sv := montAdd(tc.p, a, u, v, tp[0], tp[1])
			for name, b := range map[string][]byte{"T": signedMont(tp[0], tp[1], tc.n), "P+T": signedMont(su, sv, tc.n)} {
				if _, err := tc.c.DecodePoint("ephemeral", b); !errors.Is(err, ErrInvalidPoint) {
					t.Errorf("%s %s with T=(%v,…): %v", tc.c.Name(), name, tp[0], err)
				}
				if _, err := k.Partial(b); err == nil {
					t.Errorf("%s %s: share holder answered", tc.c.Name(), name)
				}
			}
		}
		// A u whose right-hand side is not a square lies on the twist.
		tw := big.NewInt(2)
		for ; new(big.Int).ModSqrt(montRHS(tc.p, a, tw), tc.p) != nil; tw.Add(tw, big.NewInt(1)) {
		}
		for _, sign := range []byte{0x00, 0x80} {
			_, err := tc.c.DecodePoint("ephemeral", append(intLE(tw, tc.n), sign))
			if !errors.Is(err, ErrInvalidPoint) || !strings.Contains(err.Error(), "twist") {
				t.Errorf("%s twist u=%v: %v", tc.c.Name(), tw, err)
			}
		}
		bad := append(bytes.Clone(pub[:tc.n]), 0x01)
		if _, err := tc.c.DecodePoint("ephemeral", bad); !errors.Is(err, ErrInvalidPoint) || !strings.Contains(err.Error(), "sign byte") {
			t.Errorf("%s sign byte 0x01: %v", tc.c.Name(), err)
		}
	}
}
