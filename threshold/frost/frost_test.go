package frost

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/threshold/group"
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
	hid := fmt.Sprintf("%x", n.state.hiding.Bytes())
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

// TestNonceCopyRefused is the regression test for copied nonce state: before
// the fix a shallow copy (cp := *n) kept its own "used" flag but shared the
// zeroized scalars, so a second Sign answered z = λ·s·c, the share in clear.
func TestNonceCopyRefused(t *testing.T) {
	for _, cs := range []*Ciphersuite{Ed25519, Ed448} {
		keys, _ := dealt(t, cs)
		n1, _ := keys[0].Commit(rand.Reader)
		n2, _ := keys[1].Commit(rand.Reader)
		list := []Commitment{n1.Commitment(), n2.Commitment()}
		cp := *n1
		if _, err := keys[0].Sign(n1, []byte("a"), list); err != nil {
			t.Fatal(err)
		}
		if z, err := keys[0].Sign(&cp, []byte("b"), list); !errors.Is(err, ErrNonceReused) {
			t.Fatalf("%s: Sign through a copy: share %v, error %v; want ErrNonceReused", cs.Name(), z.Share, err)
		}
		// Copy taken before a failed Sign: also consumed.
		n3, _ := keys[0].Commit(rand.Reader)
		cp3 := *n3
		if _, err := keys[0].Sign(n3, []byte("a"), list[:1]); err == nil {
			t.Fatal("Sign with a one-entry list succeeded")
		}
		if _, err := keys[0].Sign(&cp3, []byte("a"), []Commitment{n3.Commitment(), n2.Commitment()}); !errors.Is(err, ErrNonceReused) {
			t.Fatalf("%s: copy usable after a failed Sign: %v", cs.Name(), err)
		}
		// Nonces of another signer are consumed too, and refused.
		n4, _ := keys[1].Commit(rand.Reader)
		if _, err := keys[0].Sign(n4, []byte("a"), []Commitment{n1.Commitment(), n4.Commitment()}); err == nil || !strings.Contains(err.Error(), "nonces of signer 2") {
			t.Fatalf("%s: foreign nonces: %v", cs.Name(), err)
		}
	}
}

// TestZeroValueNonces: a SigningNonces not made by Commit is refused with an
// error, never a panic or a share.
func TestZeroValueNonces(t *testing.T) {
	keys, _ := dealt(t, Ed25519)
	n2, _ := keys[1].Commit(rand.Reader)
	for name, n := range map[string]*SigningNonces{"nil": nil, "zero value": {}} {
		_, err := keys[0].Sign(n, []byte("m"), []Commitment{{ID: 1}, n2.Commitment()})
		if !errors.Is(err, ErrNonceReused) {
			t.Errorf("%s: %v, want ErrNonceReused", name, err)
		}
		if got := fmt.Sprint(n); !strings.Contains(got, "empty") {
			t.Errorf("%s prints %q", name, got)
		}
	}
}

// TestCommitmentIsACopy: mutating the commitment a caller received does not
// change what Sign checks the list against.
func TestCommitmentIsACopy(t *testing.T) {
	keys, _ := dealt(t, Ed25519)
	n1, _ := keys[0].Commit(rand.Reader)
	n2, _ := keys[1].Commit(rand.Reader)
	c := n1.Commitment()
	c.Hiding.Add(c.Hiding, c.Binding)
	if _, err := keys[0].Sign(n1, []byte("m"), []Commitment{c, n2.Commitment()}); err == nil || !strings.Contains(err.Error(), "does not match its nonces") {
		t.Fatalf("altered own commitment: %v", err)
	}
}

func TestAggregateBadPackage(t *testing.T) {
	keys, pkg := dealt(t, Ed25519)
	n1, _ := keys[0].Commit(rand.Reader)
	n2, _ := keys[1].Commit(rand.Reader)
	list := []Commitment{n1.Commitment(), n2.Commitment()}
	s1, _ := keys[0].Sign(n1, []byte("m"), list)
	s2, _ := keys[1].Sign(n2, []byte("m"), list)
	bad := &PublicKeyPackage{GroupPublic: pkg.GroupPublic, Shares: map[uint16]group.Element{1: pkg.Shares[1], 2: nil}}
	for name, p := range map[string]*PublicKeyPackage{"nil": nil, "no group key": {Shares: pkg.Shares}, "nil share": bad} {
		if _, err := Ed25519.Aggregate(p, []byte("m"), list, []SignatureShare{s1, s2}); err == nil || !strings.Contains(err.Error(), "public key package") {
			t.Errorf("%s: %v", name, err)
		}
		if err := Ed25519.VerifyShare(p, []byte("m"), list, s1); err == nil {
			t.Errorf("%s: VerifyShare accepted", name)
		}
	}
}
