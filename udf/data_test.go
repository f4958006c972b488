package udf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// TestDataVectors runs udf.md §11 group C (C6 is in codec.json).
func TestDataVectors(t *testing.T) {
	var v struct {
		Raw []struct {
			ID     string `json:"id"`
			Hex    string `json:"hex"`
			Expect string `json:"expect"`
		} `json:"raw"`
		Keys []struct {
			ID          string `json:"id"`
			SPKI        string `json:"spki"`
			Fingerprint string `json:"fingerprint"`
			OID         string `json:"oid"`
		} `json:"keys"`
	}
	loadVectors(t, "data.json", &v)
	for _, tc := range v.Raw {
		t.Run(tc.ID, func(t *testing.T) {
			secret := mustHex(t, tc.Hex)
			if got := Present(secret, 8*len(secret)); got != tc.Expect {
				t.Errorf("Present = %q, want %q", got, tc.Expect)
			}
			got, err := Decode(tc.Expect)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(secret, got); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range v.Keys {
		t.Run(tc.ID, func(t *testing.T) {
			spki := mustHex(t, tc.SPKI)
			if got := ContentDigest(spki, ContentTypePKIXKey, SHA2_512, DefaultBits); got != tc.Fingerprint {
				t.Errorf("fingerprint = %q, want %q", got, tc.Fingerprint)
			}
			if got := OIDValue(spki); got != tc.OID {
				t.Errorf("OID UDF = %q, want %q", got, tc.OID)
			}
			typ, der, err := Parse(tc.OID)
			if err != nil || typ != OID || !bytes.Equal(der, spki) {
				t.Errorf("Parse(OID) = %v %X %v", typ, der, err)
			}
		})
	}
}

// TestRandomConstructors checks the lengths and types of the random values
// of udf.md §5 and their errors.
func TestRandomConstructors(t *testing.T) {
	tests := []struct {
		name  string
		f     func() (string, error)
		typ   Type
		chars int
		bds   int
	}{
		{"nonce", func() (string, error) { return Nonce(zeroReader{}, 128) }, TypeNonce, 28, 16},
		{"key", func() (string, error) { return Key(zeroReader{}, 256) }, EncryptionKey, 53, 32},
		{"pin", func() (string, error) { return AuthenticationKey(zeroReader{}, 120) }, HMACSHA2512, 26, 15},
		{"earl", func() (string, error) { return EARLKey(zeroReader{}) }, EncryptionKey, 30, 17},
		{"seed", func() (string, error) { return NewSeed(zeroReader{}, MeshProfileAccount) }, DerivedKey, 56, 34},
	}
	for _, tc := range tests {
		s, err := tc.f()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		typ, bds, err := Parse(s)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n := len(strings.ReplaceAll(s, "-", "")); typ != tc.typ || n != tc.chars || len(bds) != tc.bds {
			t.Errorf("%s: %q: type %v, %d characters, %d data bytes; want %v, %d, %d", tc.name, s, typ, n, len(bds), tc.typ, tc.chars, tc.bds)
		}
	}
	if s, _ := NewSeed(zeroReader{}, MeshProfileAccount); !strings.HasPrefix(s, "ZAAQ-") {
		t.Errorf("mesh seed %q does not start ZAAQ", s)
	}
	for _, bits := range []int{0, 56, 127, 520} {
		if _, err := Nonce(zeroReader{}, bits); err == nil {
			t.Errorf("Nonce with %d bits accepted", bits)
		}
	}
	failing := iotest.ErrReader(errors.New("no entropy"))
	if _, err := Key(failing, 128); err == nil || !strings.Contains(err.Error(), "no entropy") {
		t.Errorf("failing reader: %v", err)
	}
	if _, err := EARLKey(failing); err == nil {
		t.Error("EARLKey with a failing reader succeeded")
	}
	if _, err := NewSeed(zeroReader{}, AlgID(11)); err == nil {
		t.Error("NewSeed accepted a reserved algorithm")
	}
}

func TestSignatureBoundKey(t *testing.T) {
	fp := DigestBinary(make([]byte, 64), ContentTypePKIXKey, SHA2_512)
	s, err := SignatureBoundKey(fp, 128)
	if err != nil {
		t.Fatal(err)
	}
	typ, bds, err := Parse(s)
	if err != nil || typ != EncryptionSignature || !bytes.Equal(bds, fp[:16]) {
		t.Errorf("SignatureBoundKey = %q: %v %X %v", s, typ, bds, err)
	}
	if _, err := SignatureBoundKey(fp, 120); err == nil {
		t.Error("120 bits accepted")
	}
	if _, err := SignatureBoundKey(fp[:32], 128); err == nil {
		t.Error("short fingerprint accepted")
	}
}

func TestNilRandomSourceUsesCryptoRand(t *testing.T) {
	for name, f := range map[string]func() (string, error){
		"Nonce":   func() (string, error) { return Nonce(nil, 128) },
		"Key":     func() (string, error) { return Key(nil, 256) },
		"EARLKey": func() (string, error) { return EARLKey(nil) },
		"NewSeed": func() (string, error) { return NewSeed(nil, MeshProfileAccount) },
	} {
		a, err := f()
		if err != nil {
			t.Fatalf("%s(nil): %v", name, err)
		}
		b, _ := f()
		if a == b {
			t.Fatalf("%s(nil) gave the same value twice: %s", name, a)
		}
	}
}
