package keys

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"

	"filippo.io/edwards25519"
	"github.com/cloudflare/circl/dh/x448"
	"github.com/cloudflare/circl/ecc/goldilocks"
	"github.com/cloudflare/circl/sign/ed448"
	"github.com/mathmesh/mesh/udf"
)

var allAlgorithms = []Algorithm{Ed25519, Ed448, X25519, X448}

func TestAlgorithmNames(t *testing.T) {
	for _, a := range allAlgorithms {
		got, err := ParseAlgorithm(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAlgorithm(%q) = %v, %v", a.String(), got, err)
		}
		lower, err := ParseAlgorithm(strings.ToLower(a.String()))
		if err != nil || lower != a {
			t.Errorf("ParseAlgorithm(lower %q) = %v, %v", a.String(), lower, err)
		}
	}
	for _, bad := range []string{"", "Ed449", "P256", "X448z"} {
		if _, err := ParseAlgorithm(bad); err == nil {
			t.Errorf("ParseAlgorithm(%q) succeeded", bad)
		}
	}
	if s := Algorithm(0).String(); s != "Algorithm(0)" {
		t.Errorf("Algorithm(0).String() = %q", s)
	}
}

// TestGeneratedKeys cross-checks random keys against the stock
// implementations: crypto/ed25519, circl/sign/ed448, crypto/ecdh and
// circl/dh/x448.
func TestGeneratedKeys(t *testing.T) {
	for _, alg := range allAlgorithms {
		for i := range 10 {
			a, err := Generate(alg, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Generate(alg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ParsePublicKey(alg, a.Public().Bytes()); err != nil {
				t.Fatalf("%v key %d: own public key rejected: %v", alg, i, err)
			}
			checkAgreement(t, a.(Agreer), b.(Agreer))
			checkStock(t, a)
		}
	}
}

// checkAgreement checks that both sides of an agreement match.
func checkAgreement(t *testing.T, a, b Agreer) {
	t.Helper()
	ab, err := a.Agree(b.Public())
	if err != nil {
		t.Fatal(err)
	}
	ba, err := b.Agree(a.Public())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ab, ba) {
		t.Errorf("%v agreement is not symmetric", a.Algorithm())
	}
	if isAllZero(ab) {
		t.Errorf("%v agreement is zero", a.Algorithm())
	}
}

// checkStock compares a seed key with the standard library or circl.
func checkStock(t *testing.T, k PrivateKey) {
	t.Helper()
	msg := []byte("stock cross-check")
	peer, err := Generate(k.Algorithm(), nil)
	if err != nil {
		t.Fatal(err)
	}
	switch k := k.(type) {
	case *Ed25519Private:
		sig, _ := k.Sign(msg)
		if !ed25519.Verify(k.pub.enc, msg, sig) {
			t.Error("crypto/ed25519 rejects our signature")
		}
		if !bytes.Equal(ed25519.NewKeyFromSeed(k.seed).Public().(ed25519.PublicKey), k.pub.enc) {
			t.Error("Ed25519 public key differs from crypto/ed25519")
		}
	case *Ed448Private:
		sig, _ := k.Sign(msg)
		if !ed448.Verify(k.pub.enc, msg, sig, "") {
			t.Error("circl ed448 rejects our signature")
		}
		if !bytes.Equal(ed448.NewKeyFromSeed(k.seed).Public().(ed448.PublicKey), k.pub.enc) {
			t.Error("Ed448 public key differs from circl")
		}
	case *X25519Private:
		std, _ := ecdh.X25519().NewPrivateKey(k.seed)
		if !bytes.Equal(std.PublicKey().Bytes(), k.pub.enc) {
			t.Error("X25519 public key differs from crypto/ecdh")
		}
		stdPeer, _ := ecdh.X25519().NewPublicKey(peer.Public().Bytes())
		want, _ := std.ECDH(stdPeer)
		got, err := k.Agree(peer.Public())
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("X25519 agreement differs from crypto/ecdh: %v", err)
		}
		checkX25519Edwards(t, k, peer.Public().(*X25519Public), want)
	case *X448Private:
		var pub, sec, shared, peerU x448.Key
		copy(sec[:], k.seed)
		x448.KeyGen(&pub, &sec)
		if !bytes.Equal(pub[:], k.pub.enc[:x448.Size]) {
			t.Error("X448 public key differs from circl")
		}
		copy(peerU[:], peer.Public().Bytes())
		x448.Shared(&shared, &sec, &peerU)
		got, err := k.Agree(peer.Public())
		if err != nil || !bytes.Equal(got, shared[:]) {
			t.Errorf("X448 agreement differs from circl: %v", err)
		}
		edw, err := k.agreeEdwards(peer.Public().(*X448Public))
		if err != nil || !bytes.Equal(edw, shared[:]) {
			t.Errorf("X448 edwards448 route differs from circl: %v", err)
		}
	}
}

// checkX25519Edwards checks the edwards25519 route of a scalar key.
func checkX25519Edwards(t *testing.T, k *X25519Private, peer *X25519Public, want []byte) {
	t.Helper()
	sk, err := NewX25519FromScalar(k.ScalarBytes())
	if err != nil {
		t.Fatal(err)
	}
	if !sk.Public().Equal(k.Public()) {
		t.Error("X25519 scalar key has a different public key")
	}
	got, err := sk.Agree(peer)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("X25519 edwards25519 route differs from crypto/ecdh: %v", err)
	}
}

// TestScalarKeys checks the FromScalar constructors: the same scalar gives
// the same public key, Edwards signatures verify with the stock verifiers,
// and an unclamped scalar with its low bits set is used as is
// (threshold.md §8.3 item 6).
func TestScalarKeys(t *testing.T) {
	prefix25 := bytes.Repeat([]byte{7}, ed25519PrefixSize)
	prefix448 := bytes.Repeat([]byte{7}, ed448PrefixSize)
	for i := range 5 {
		seed, _ := Generate(Ed25519, nil)
		k25 := seed.(*Ed25519Private)
		s25, err := NewEd25519FromScalar(k25.ScalarBytes(), prefix25)
		if err != nil {
			t.Fatal(err)
		}
		if !s25.Public().Equal(k25.Public()) {
			t.Errorf("%d: Ed25519 scalar key public differs", i)
		}
		sig, _ := s25.Sign([]byte("m"))
		if !ed25519.Verify(s25.pub.enc, []byte("m"), sig) {
			t.Errorf("%d: crypto/ed25519 rejects a scalar-key signature", i)
		}
		k448seed, _ := Generate(Ed448, nil)
		k448 := k448seed.(*Ed448Private)
		s448, err := NewEd448FromScalar(k448.ScalarBytes(), prefix448)
		if err != nil {
			t.Fatal(err)
		}
		if !s448.Public().Equal(k448.Public()) {
			t.Errorf("%d: Ed448 scalar key public differs", i)
		}
		sig, _ = s448.Sign([]byte("m"))
		if !ed448.Verify(s448.pub.enc, []byte("m"), sig, "") {
			t.Errorf("%d: circl ed448 rejects a scalar-key signature", i)
		}
		x, _ := Generate(X448, nil)
		sx, err := NewX448FromScalar(x.(*X448Private).ScalarBytes())
		if err != nil {
			t.Fatal(err)
		}
		if !sx.Public().Equal(x.Public()) {
			t.Errorf("%d: X448 scalar key public differs", i)
		}
		peer, _ := Generate(X448, nil)
		want, _ := x.(Agreer).Agree(peer.Public())
		got, err := sx.Agree(peer.Public())
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%d: X448 scalar key agreement differs: %v", i, err)
		}
	}

	// An odd scalar (not a multiple of the cofactor): used as is.
	odd := make([]byte, 56)
	odd[0] = 3
	k, err := NewX448FromScalar(odd)
	if err != nil {
		t.Fatal(err)
	}
	three := goldilocks.Scalar{3}
	m, err := edwardsToMontgomery(goldilocks.Curve{}.ScalarBaseMult(&three))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k.Public().Bytes(), m.encode()) {
		t.Error("X448 scalar 3 was altered (clamped or hashed)")
	}
	k25, err := NewX25519FromScalar(odd[:32])
	if err != nil {
		t.Fatal(err)
	}
	s3, _ := edwards25519.NewScalar().SetCanonicalBytes(odd[:32])
	if want := new(edwards25519.Point).ScalarBaseMult(s3).BytesMontgomery(); !bytes.Equal(k25.Public().Bytes(), want) {
		t.Error("X25519 scalar 3 was altered (clamped or hashed)")
	}
}

func TestScalarErrors(t *testing.T) {
	order448 := goldilocks.Curve{}.Order()
	order25 := []byte{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10}
	p25, p448 := make([]byte, 32), make([]byte, 57)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"ed25519 zero", second(NewEd25519FromScalar(make([]byte, 32), p25)), "zero"},
		{"ed25519 order", second(NewEd25519FromScalar(order25, p25)), "not reduced"},
		{"ed25519 short", second(NewEd25519FromScalar(make([]byte, 31), p25)), "31 bytes"},
		{"ed25519 prefix", second(NewEd25519FromScalar(order25, p25[:31])), "prefix is 31 bytes"},
		{"ed448 zero", second(NewEd448FromScalar(make([]byte, 56), p448)), "zero"},
		{"ed448 order", second(NewEd448FromScalar(order448[:], p448)), "not reduced"},
		{"ed448 57 nonzero", second(NewEd448FromScalar(append(make([]byte, 56), 1), p448)), "57 bytes"},
		{"ed448 prefix", second(NewEd448FromScalar(order448[:], p448[:56])), "prefix is 56 bytes"},
		{"x25519 zero", second(NewX25519FromScalar(make([]byte, 32))), "X25519 scalar is zero"},
		{"x448 order", second(NewX448FromScalar(order448[:])), "X448 scalar is not reduced"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, c.err, c.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestMixedOrderRejected adds every small-order point to a valid public
// key and checks that validation rejects the sum (threshold.md §8.3).
func TestMixedOrderRejected(t *testing.T) {
	k, _ := Generate(Ed25519, nil)
	base := k.(*Ed25519Private).pub.point
	var v standardVectors
	loadJSON(t, "standard_vectors.json", &v)
	n := 0
	for _, c := range v.InvalidPublic {
		if c.Alg != "Ed25519" || !strings.Contains(c.ID, "order") {
			continue
		}
		tp, err := new(edwards25519.Point).SetBytes(unhex(t, c.Public))
		if err != nil {
			t.Fatal(err)
		}
		sum := new(edwards25519.Point).Add(&base, tp)
		_, err = ParsePublicKey(Ed25519, sum.Bytes())
		if c.ID == "ed25519-order1-identity" {
			if err != nil {
				t.Errorf("P + identity rejected: %v", err)
			}
			continue
		}
		n++
		if !errors.Is(err, ErrInvalidPublicKey) {
			t.Errorf("P + %s accepted (err %v)", c.ID, err)
		}
		// The same point as an X25519 u-coordinate.
		if _, err := ParsePublicKey(X25519, sum.BytesMontgomery()); !errors.Is(err, ErrInvalidPublicKey) {
			t.Errorf("X25519 u of P + %s accepted", c.ID)
		}
	}
	if n != 7 {
		t.Errorf("checked %d torsion points, want 7", n)
	}

	// Ed448: P + (0, −1).
	k448, _ := Generate(Ed448, nil)
	p := k448.(*Ed448Private).pub.point
	var order2 []byte
	for _, c := range v.InvalidPublic {
		if c.ID == "ed448-order2" {
			order2 = unhex(t, c.Public)
		}
	}
	t2, err := goldilocks.FromBytes(order2)
	if err != nil {
		t.Fatal(err)
	}
	p.Add(t2)
	enc := make([]byte, 57)
	if err := p.ToBytes(enc); err != nil {
		t.Fatal(err)
	}
	if _, err := ParsePublicKey(Ed448, enc); !errors.Is(err, ErrInvalidPublicKey) {
		t.Errorf("Ed448 P + T2 accepted (err %v)", err)
	}
}

func TestAgreementErrors(t *testing.T) {
	keys := map[Algorithm]PrivateKey{}
	for _, a := range allAlgorithms {
		keys[a], _ = Generate(a, nil)
	}
	for _, a := range allAlgorithms {
		ag := keys[a].(Agreer)
		for _, b := range allAlgorithms {
			if a == b {
				continue
			}
			if _, err := ag.Agree(keys[b].Public()); err == nil {
				t.Errorf("%v agreed with a %v key", a, b)
			}
		}
		if _, err := ag.Agree(nil); err == nil {
			t.Errorf("%v agreed with nil", a)
		}
	}
	if _, err := keys[Ed25519].(Agreer).Agree((*Ed25519Public)(nil)); err == nil {
		t.Error("agreed with a typed nil key")
	}
	if Verify(keys[X448].Public(), nil, make([]byte, 114)) {
		t.Error("Verify accepted an X448 key")
	}
	if Verify(keys[Ed448].Public(), nil, make([]byte, 64)) {
		t.Error("Verify accepted a short Ed448 signature")
	}
}

func TestDeriveErrors(t *testing.T) {
	ed448Seed := udf.Seed(udf.Ed448, []byte("test2"))
	p256Seed := udf.Seed(udf.P256, []byte("x"))
	cases := []struct {
		seed, name string
		alg        Algorithm
		want       string
	}{
		{ed448Seed, "", X448, "seed is for Ed448"},
		{p256Seed, "", Ed448, "P256"},
		{"MACJ-BWDW-BTLW-CHDC-VWBJ-SHD3-XMB2", "", Ed448, "type"},
		{"ZAAQ-!", "", Ed448, "keys: seed"},
		{ed448Seed, "", 0, "cannot derive"},
		{strings.Repeat("A", MaxSeedLength+1), "", Ed448, "limit"},
		{ed448Seed, strings.Repeat("x", MaxKeyNameLength+1), Ed448, "limit"},
	}
	for _, c := range cases {
		_, err := DeriveFromSeed(c.seed, c.name, c.alg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DeriveFromSeed(%.20q, %v): error %v, want %q", c.seed, c.alg, err, c.want)
		}
	}
	if a := DefaultAlgorithm(udf.P256, OpSign); a != 0 {
		t.Errorf("DefaultAlgorithm(P256) = %v, want 0", a)
	}
	if a := DefaultAlgorithm(udf.AnyAlgorithm, OpEscrow); a != X448 {
		t.Errorf("DefaultAlgorithm(Any, Escrow) = %v", a)
	}
	if a := DefaultAlgorithm(udf.X25519, OpSign); a != X25519 {
		t.Errorf("DefaultAlgorithm(X25519, Sign) = %v", a)
	}
}

func TestKeyName(t *testing.T) {
	if got := KeyName(TypeBase, ActorDevice, OpEncrypt); got != "BaseDeviceEncrypt" {
		t.Errorf("KeyName = %q", got)
	}
	if got := KeyName(TypeComplete, ActorAccount, OpAdminSign); got != "CompleteAccountAdminSign" {
		t.Errorf("KeyName = %q", got)
	}
}

// TestRedaction checks that no fmt verb prints a private key's secret.
func TestRedaction(t *testing.T) {
	for _, a := range allAlgorithms {
		k, _ := Generate(a, nil)
		seed, scalar, err := secretOf(k)
		if err != nil {
			t.Fatal(err)
		}
		jk, _ := NewPrivateKeyECDH(k)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
			for _, v := range []any{k, jk, []any{k}} {
				out := fmt.Sprintf(verb, v)
				for _, secret := range [][]byte{seed, scalar} {
					for _, form := range []string{fmt.Sprintf("%x", secret), fmt.Sprintf("%X", secret), fmt.Sprint(secret), string(secret)} {
						if strings.Contains(out, form) {
							t.Fatalf("%v %s prints the secret: %s", a, verb, out)
						}
					}
				}
			}
		}
		if out := fmt.Sprint(k); !strings.Contains(out, k.Public().Fingerprint()) || !strings.Contains(out, "redacted") {
			t.Errorf("%v prints %q", a, out)
		}
	}
	p := &PrivateKeyUDF{PrivateValue: "ZAAQ-AHCC-PWZG-EQXO", KeyType: "MeshProfileDevice"}
	if out := fmt.Sprintf("%v %+v %#v", p, p, p); strings.Contains(out, "ZAAQ") {
		t.Errorf("PrivateKeyUDF prints its seed: %s", out)
	}
	var nilKey *Ed448Private
	if out := fmt.Sprint(nilKey); !strings.Contains(out, "nil") {
		t.Errorf("nil key prints %q", out)
	}
}
