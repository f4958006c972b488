package keys

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/udf"
)

// TestJSONForms round-trips every key type through the JSON key forms.
func TestJSONForms(t *testing.T) {
	var keys []PrivateKey
	for _, a := range allAlgorithms {
		k, _ := Generate(a, nil)
		keys = append(keys, k)
	}
	s25, _ := NewEd25519FromScalar(keys[0].(*Ed25519Private).ScalarBytes(), make([]byte, 32))
	s448, _ := NewEd448FromScalar(keys[1].(*Ed448Private).ScalarBytes(), make([]byte, 57))
	x25, _ := NewX25519FromScalar(keys[2].(*X25519Private).ScalarBytes())
	x448k, _ := NewX448FromScalar(keys[3].(*X448Private).ScalarBytes())
	keys = append(keys, s25, s448, x25, x448k)

	for _, k := range keys {
		j, err := NewPrivateKeyECDH(k)
		if err != nil {
			t.Fatal(err)
		}
		_, raw, _ := parseCurve(j.Curve)
		if raw == (secretSeed(k) != nil) {
			t.Errorf("%v: curve %q for a key with seed %v", k.Algorithm(), j.Curve, secretSeed(k) != nil)
		}
		data, err := json.Marshal(Key{PrivateKeyECDH: j})
		if err != nil {
			t.Fatal(err)
		}
		var back Key
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		k2, err := back.PrivateKeyECDH.PrivateKey()
		if err != nil {
			t.Fatalf("%s: %v", j, err)
		}
		if !k2.Public().Equal(k.Public()) {
			t.Errorf("%v: public key changed in the JSON round trip", k.Algorithm())
		}

		kd := NewKeyData(k.Public())
		data, err = json.Marshal(kd)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `"PublicParameters":{"PublicKeyECDH":{"crv":"`+k.Algorithm().String()+`"`) {
			t.Errorf("KeyData JSON %s lacks the tagged key", data)
		}
		var kd2 KeyData
		if err := json.Unmarshal(data, &kd2); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(kd, &kd2); diff != "" {
			t.Errorf("KeyData round trip (-want +got):\n%s", diff)
		}
		pub, err := kd2.PublicKey()
		if err != nil || !pub.Equal(k.Public()) {
			t.Errorf("KeyData.PublicKey: %v", err)
		}
	}
}

func secretSeed(k PrivateKey) []byte {
	seed, _, _ := secretOf(k)
	return seed
}

// TestJSONFormErrors checks that the conversions name what is wrong.
func TestJSONFormErrors(t *testing.T) {
	k, _ := Generate(Ed448, nil)
	other, _ := Generate(Ed448, nil)
	good := NewPublicKeyECDH(k.Public())
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"curve", func() error { _, err := (&PublicKeyECDH{Curve: "P-256", Public: good.Public}).PublicKey(); return err }, `unknown curve "P-256"`},
		{"z public", func() error { _, err := (&PublicKeyECDH{Curve: "Ed448z", Public: good.Public}).PublicKey(); return err }, "raw private scalar"},
		{"bad point", func() error {
			_, err := (&PublicKeyECDH{Curve: "Ed448", Public: make([]byte, 57)}).PublicKey()
			return err
		}, `field "Public"`},
		{"nil", func() error { _, err := (*PublicKeyECDH)(nil).PublicKey(); return err }, "missing"},
		{"private length", func() error {
			_, err := (&PrivateKeyECDH{Curve: "X448", Private: make([]byte, 55)}).PrivateKey()
			return err
		}, `field "Private"`},
		{"private too long", func() error {
			_, err := (&PrivateKeyECDH{Curve: "X448", Private: make([]byte, 65)}).PrivateKey()
			return err
		}, "limit"},
		{"private public mismatch", func() error {
			j, _ := NewPrivateKeyECDH(k)
			j.Public = other.Public().Bytes()
			_, err := j.PrivateKey()
			return err
		}, `"Public" does not match`},
		{"keydata udf", func() error {
			kd := NewKeyData(k.Public())
			kd.Udf = other.Public().Fingerprint()
			_, err := kd.PublicKey()
			return err
		}, "not the fingerprint"},
		{"keydata short udf", func() error {
			kd := NewKeyData(k.Public())
			kd.Udf = kd.Udf[:9]
			_, err := kd.PublicKey()
			return err
		}, "need at least 28"},
		{"keydata empty", func() error { _, err := (&KeyData{}).PublicKey(); return err }, "holds no PublicKeyECDH"},
	}
	for _, c := range cases {
		if err := c.run(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// A longer, lower-case presentation of the fingerprint is accepted.
	kd := NewKeyData(k.Public())
	kd.Udf = strings.ToLower(udf.Present(k.Public().UDFBytes(), 200))
	if _, err := kd.PublicKey(); err != nil {
		t.Errorf("200-bit lower-case Udf rejected: %v", err)
	}
}

// TestPrivateKeyUDF checks the seed key form of udf.md §5.5 with the D1
// device seed.
func TestPrivateKeyUDF(t *testing.T) {
	const seed = "ZAAQ-AHCC-PWZG-EQXO-M4QM-OYWT-HDPG-DQ3D-HMIG-ABHP-LED2-KPAG-LOTB-QMJ7"
	p, err := NewPrivateKeyUDF(seed)
	if err != nil {
		t.Fatal(err)
	}
	if p.KeyType != "MeshProfileDevice" {
		t.Errorf("KeyType = %q", p.KeyType)
	}
	data, _ := json.Marshal(Key{PrivateKeyUDF: p})
	if want := `{"PrivateKeyUDF":{"PrivateValue":"` + seed + `","KeyType":"MeshProfileDevice"}}`; string(data) != want {
		t.Errorf("JSON = %s, want %s", data, want)
	}
	k, err := p.Derive(KeyName(TypeBase, ActorDevice, OpProfile), OpProfile)
	if err != nil {
		t.Fatal(err)
	}
	if got := k.Public().Fingerprint(); got != "MBYN-VC7T-AIEX-KCK2-WQLP-4B52-3GWY" {
		t.Errorf("profile fingerprint = %s", got)
	}
	// Overrides.
	p.AlgorithmEncrypt = "X25519"
	if a, err := p.Algorithm(OpEscrow); err != nil || a != X25519 {
		t.Errorf("AlgorithmEncrypt override: %v, %v", a, err)
	}
	p.AlgorithmSign = "X448"
	if _, err := p.Algorithm(OpSign); err == nil || !strings.Contains(err.Error(), "cannot sign") {
		t.Errorf("X448 signature override: %v", err)
	}
	p.AlgorithmSign = "Ed9"
	if _, err := p.Algorithm(OpSign); err == nil || !strings.Contains(err.Error(), `"AlgorithmSign"`) {
		t.Errorf("bad override: %v", err)
	}
	p.KeyType = "MeshProfileAccount"
	if _, err := p.Algorithm(OpEncrypt); err == nil || !strings.Contains(err.Error(), `"KeyType"`) {
		t.Errorf("KeyType mismatch: %v", err)
	}
	if _, err := (&PrivateKeyUDF{}).Derive("x", OpSign); err == nil {
		t.Error("empty PrivateKeyUDF derived a key")
	}
	if _, err := NewPrivateKeyUDF("MACJ-BWDW-BTLW-CHDC-VWBJ-SHD3-XMB2"); err == nil {
		t.Error("NewPrivateKeyUDF accepted a digest")
	}
	if _, err := p.Algorithm("Bogus"); err == nil {
		t.Error("unknown operation accepted")
	}
}
