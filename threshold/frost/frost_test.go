package frost

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func rng(t *rapid.T) io.Reader {
	var seed [32]byte
	copy(seed[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "seed"))
	return mrand.NewChaCha8(seed)
}

// run does both rounds and aggregation in process for the given signers.
func run(cs *Ciphersuite, r io.Reader, signers []*KeyShare, pkg *PublicKeyPackage, msg []byte) ([]byte, error) {
	nonces := make([]*SigningNonces, len(signers))
	list := make([]Commitment, len(signers))
	for i, k := range signers {
		n, err := k.Commit(r)
		if err != nil {
			return nil, err
		}
		nonces[i], list[i] = n, n.Commitment()
	}
	shares := make([]SignatureShare, len(signers))
	for i, k := range signers {
		s, err := k.Sign(nonces[i], msg, list)
		if err != nil {
			return nil, err
		}
		shares[i] = s
	}
	return cs.Aggregate(pkg, msg, list, shares)
}

func sortByID(ks []*KeyShare) {
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j].id < ks[j-1].id; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
}

// TestPropertyThresholdSignatures: for random keys, random t-of-n and a
// random signer subset, the FROST signature verifies with the stock verifier
// under the single group key.
func TestPropertyThresholdSignatures(t *testing.T) {
	for _, cs := range []*Ciphersuite{Ed25519, Ed448} {
		t.Run(cs.Name(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				r := rng(t)
				secret, _ := cs.g.RandomScalar(r)
				n := rapid.IntRange(2, 5).Draw(t, "n")
				th := rapid.IntRange(2, n).Draw(t, "t")
				keys, pkg, err := cs.Deal(secret.Bytes(), th, n, r)
				if err != nil {
					t.Skip(err)
				}
				signers := rapid.Permutation(keys).Draw(t, "order")[:th]
				sortByID(signers)
				msg := rapid.SliceOf(rapid.Byte()).Draw(t, "msg")
				sig, err := run(cs, r, signers, pkg, msg)
				if err != nil {
					t.Fatal(err)
				}
				want := cs.g.NewElement().ScalarBaseMult(secret).Bytes()
				if !stdVerify(cs, want, msg, sig) {
					t.Fatal("stock verifier rejects the threshold signature")
				}
			})
		})
	}
}

// TestAdditive2of2 signs with a device share and a service share of an
// overlaid key; the signature verifies under the sum of the public keys.
func TestAdditive2of2(t *testing.T) {
	for _, cs := range []*Ciphersuite{Ed25519, Ed448} {
		t.Run(cs.Name(), func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				r := rng(t)
				n := rapid.IntRange(2, 4).Draw(t, "n")
				add := make([][]byte, n)
				sum := cs.g.NewScalar()
				for i := range add {
					s, _ := cs.g.RandomScalar(r)
					sum.Add(sum, s)
					add[i] = s.Bytes()
				}
				keys, pkg, err := cs.FromAdditive(add)
				if err != nil {
					t.Fatal(err)
				}
				msg := []byte("device and service")
				sig, err := run(cs, r, keys, pkg, msg)
				if err != nil {
					t.Fatal(err)
				}
				if !stdVerify(cs, cs.g.NewElement().ScalarBaseMult(sum).Bytes(), msg, sig) {
					t.Fatal("stock verifier rejects")
				}
			})
		})
	}
}

func dealt(t *testing.T, cs *Ciphersuite) ([]*KeyShare, *PublicKeyPackage) {
	t.Helper()
	secret, _ := cs.g.RandomScalar(rand.Reader)
	keys, pkg, err := cs.Deal(secret.Bytes(), 2, 3, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return keys, pkg
}

func TestNonceReuseRefused(t *testing.T) {
	keys, _ := dealt(t, Ed25519)
	n1, _ := keys[0].Commit(rand.Reader)
	n2, _ := keys[1].Commit(rand.Reader)
	list := []Commitment{n1.Commitment(), n2.Commitment()}
	if _, err := keys[0].Sign(n1, []byte("a"), list); err != nil {
		t.Fatal(err)
	}
	if _, err := keys[0].Sign(n1, []byte("b"), list); !errors.Is(err, ErrNonceReused) {
		t.Fatalf("second Sign: %v, want ErrNonceReused", err)
	}
	// A failed Sign also consumes the nonces.
	n3, _ := keys[0].Commit(rand.Reader)
	if _, err := keys[0].Sign(n3, []byte("a"), list); err == nil {
		t.Fatal("Sign with a list lacking its commitment succeeded")
	}
	if _, err := keys[0].Sign(n3, []byte("a"), []Commitment{n3.Commitment(), n2.Commitment()}); !errors.Is(err, ErrNonceReused) {
		t.Fatalf("nonces usable after a failed Sign: %v", err)
	}
}

func TestBadCommitmentLists(t *testing.T) {
	keys, _ := dealt(t, Ed25519)
	fresh := func() (*SigningNonces, *SigningNonces) {
		a, _ := keys[0].Commit(rand.Reader)
		b, _ := keys[1].Commit(rand.Reader)
		return a, b
	}
	cases := map[string]func(a, b *SigningNonces) []Commitment{
		"unsorted":     func(a, b *SigningNonces) []Commitment { return []Commitment{b.Commitment(), a.Commitment()} },
		"duplicate id": func(a, b *SigningNonces) []Commitment { return []Commitment{a.Commitment(), a.Commitment()} },
		"single":       func(a, b *SigningNonces) []Commitment { return []Commitment{a.Commitment()} },
		"replayed element": func(a, b *SigningNonces) []Commitment {
			c := b.Commitment()
			c.Hiding = a.Commitment().Hiding
			return []Commitment{a.Commitment(), c}
		},
		"tampered own commitment": func(a, b *SigningNonces) []Commitment {
			c := a.Commitment()
			c.Hiding, c.Binding = c.Binding, c.Hiding
			return []Commitment{c, b.Commitment()}
		},
	}
	for name, mk := range cases {
		a, b := fresh()
		if _, err := keys[0].Sign(a, []byte("m"), mk(a, b)); err == nil {
			t.Errorf("%s: Sign accepted", name)
		}
	}
}

func TestCorruptShareIdentified(t *testing.T) {
	for _, cs := range []*Ciphersuite{Ed25519, Ed448} {
		keys, pkg := dealt(t, cs)
		signers := []*KeyShare{keys[0], keys[2]}
		var list []Commitment
		var nonces []*SigningNonces
		for _, k := range signers {
			n, _ := k.Commit(rand.Reader)
			nonces, list = append(nonces, n), append(list, n.Commitment())
		}
		msg := []byte("m")
		var shares []SignatureShare
		for i, k := range signers {
			s, err := k.Sign(nonces[i], msg, list)
			if err != nil {
				t.Fatal(err)
			}
			shares = append(shares, s)
		}
		shares[1].Share.Add(shares[1].Share, cs.idScalar(1))
		_, err := cs.Aggregate(pkg, msg, list, shares)
		var se *ShareError
		if !errors.As(err, &se) || se.ID != 3 {
			t.Fatalf("%s: Aggregate error %v, want ShareError for signer 3", cs.Name(), err)
		}
		if err := cs.VerifyShare(pkg, msg, list, shares[0]); err != nil {
			t.Fatalf("%s: honest share rejected: %v", cs.Name(), err)
		}
	}
}

func TestKeyShareRedacted(t *testing.T) {
	keys, _ := dealt(t, Ed448)
	secret := fmt.Sprintf("%x", keys[0].secret.Bytes())
	n, _ := keys[0].Commit(rand.Reader)
	hid := fmt.Sprintf("%x", n.hiding.Bytes())
	for _, verb := range []string{"%v", "%+v", "%#v", "%x", "%s"} {
		out := fmt.Sprintf(verb, keys[0]) + fmt.Sprintf(verb, n)
		if strings.Contains(out, secret[:16]) || strings.Contains(out, hid[:16]) {
			t.Errorf("%s leaks a secret", verb)
		}
	}
}

func TestTooFewSigners(t *testing.T) {
	secret, _ := Ed25519.g.RandomScalar(rand.Reader)
	keys, pkg, err := Ed25519.Deal(secret.Bytes(), 3, 4, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run(Ed25519, rand.Reader, keys[:2], pkg, []byte("m")); err == nil || !strings.Contains(err.Error(), "fewer signers") {
		t.Fatalf("2 of a 3-of-4 key: %v", err)
	}
	if _, _, err := Ed25519.Deal(secret.Bytes(), 1, 3, rand.Reader); err == nil {
		t.Fatal("threshold 1 accepted")
	}
}
