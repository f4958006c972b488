package keys

import (
	"fmt"
	"strings"
	"testing"
)

// TestRedactionByValue checks that the secret stays hidden when a private
// key or a JSON key form is printed by value (dereferenced, or as a field
// of a struct held by value), not only through a pointer. fmt only finds
// pointer-receiver String/Format methods on pointers, so the redacting
// methods must have value receivers.
func TestRedactionByValue(t *testing.T) {
	const seedText = "ZAAQ-AHCC-PWZG-EQXO-M4QM-OYWT-HDPG-DQ3D-HMIG-ABHP-LED2-KPAG-LOTB-QMJ7"
	type holder struct {
		UDF  PrivateKeyUDF
		ECDH PrivateKeyECDH
	}
	for _, a := range allAlgorithms {
		k, err := Generate(a, nil)
		if err != nil {
			t.Fatal(err)
		}
		seed, _, err := secretOf(k)
		if err != nil {
			t.Fatal(err)
		}
		j, err := NewPrivateKeyECDH(k)
		if err != nil {
			t.Fatal(err)
		}
		var byValue any
		switch p := k.(type) {
		case *Ed25519Private:
			byValue = *p
		case *Ed448Private:
			byValue = *p
		case *X25519Private:
			byValue = *p
		case *X448Private:
			byValue = *p
		}
		h := holder{UDF: PrivateKeyUDF{PrivateValue: seedText, KeyType: "MeshProfileDevice"}, ECDH: *j}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
			for _, v := range []any{byValue, *j, h, []any{byValue, h}} {
				out := fmt.Sprintf(verb, v)
				for _, secret := range []string{fmt.Sprintf("%x", seed), fmt.Sprint(seed), fmt.Sprintf("%x", []byte(seedText)), "ZAAQ"} {
					if strings.Contains(out, secret) {
						t.Fatalf("%v: %s of a value prints the secret: %s", a, verb, out)
					}
				}
			}
		}
		if out := fmt.Sprint(byValue); !strings.Contains(out, k.Public().Fingerprint()) || !strings.Contains(out, "redacted") {
			t.Errorf("%v by value prints %q, want the fingerprint and \"redacted\"", a, out)
		}
	}
	var nilUDF *PrivateKeyUDF
	var nilECDH *PrivateKeyECDH
	if out := fmt.Sprint(nilUDF, nilECDH); out != "<nil> <nil>" {
		t.Errorf("nil key forms print %q, want \"<nil> <nil>\"", out)
	}
}
