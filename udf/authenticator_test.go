package udf

import (
	"errors"
	"strings"
	"testing"
)

// TestAuthenticatorVectors runs udf.md §11 group B.
func TestAuthenticatorVectors(t *testing.T) {
	var v struct {
		Vectors []struct {
			ID        string `json:"id"`
			Data      string `json:"data"`
			CT        string `json:"ct"`
			Key       string `json:"key"`
			Expect    string `json:"expect"`
			MACPrefix string `json:"mac_prefix"`
		} `json:"vectors"`
	}
	loadVectors(t, "authenticator.json", &v)
	for _, tc := range v.Vectors {
		t.Run(tc.ID, func(t *testing.T) {
			got, err := KeyedDigest([]byte(tc.Data), tc.CT, tc.Key, DefaultBits)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.Expect {
				t.Errorf("KeyedDigest = %q, want %q", got, tc.Expect)
			}
			if tc.MACPrefix != "" {
				typ, mac, err := Parse(got)
				if err != nil {
					t.Fatal(err)
				}
				want := mustHex(t, tc.MACPrefix)
				if typ != HMACSHA2512 || string(mac[:len(want)]) != string(want) {
					t.Errorf("parsed %v %X, want type 0 and MAC prefix %s", typ, mac, tc.MACPrefix)
				}
			}
		})
	}
}

func TestKeyedDigestErrors(t *testing.T) {
	if _, err := KeyedDigest(nil, "text/plain", "NDD7-6CMX-H2FW-ISAL-K4VB-DQ3E-PED1", DefaultBits); err == nil ||
		!strings.Contains(err.Error(), "invalid character '1' at position 33") {
		t.Errorf("bad key character: error %v", err)
	}
}

// TestSymmetricKeyMac checks udf.md §4.2: the hash chosen by key type, the
// result type, verification with minBits and the rejected key types.
func TestSymmetricKeyMac(t *testing.T) {
	data := []byte("alice@example.com")
	for _, tc := range []struct {
		key  string
		want Type
	}{
		{"ADKW-K2ZB-PPZM-ECG4-P3NQ-UN4K-XI", HMACSHA2512},
		{"EDRL-4MZP-3OUD-OZBS-SPZN-7OSO-OM", HMACSHA2512},
		{Encode(EncryptionSignature, make([]byte, 16)), HMACSHA2512},
		{Encode(HMACSHA3512, make([]byte, 16)), HMACSHA3512},
	} {
		mac, err := SymmetricKeyMac(data, tc.key)
		if err != nil {
			t.Fatalf("%s: %v", tc.key, err)
		}
		if typ, _, _ := Parse(mac); typ != tc.want || len(mac) != 34 {
			t.Errorf("%s: mac %q has type %v, want %v in 28 characters", tc.key, mac, typ, tc.want)
		}
		if err := VerifySymmetricKeyMac(data, tc.key, mac, 100); err != nil {
			t.Errorf("%s: verify: %v", tc.key, err)
		}
		short := mac[:24] // 20 characters, 100 bits, 12 whole bytes = 88 data bits
		if err := VerifySymmetricKeyMac(data, tc.key, short, 100); err == nil || !strings.Contains(err.Error(), "need at least 100") {
			t.Errorf("%s: short mac: %v", tc.key, err)
		}
		if err := VerifySymmetricKeyMac(data, tc.key, mac[:29], 100); err != nil {
			t.Errorf("%s: 24-character prefix: %v", tc.key, err)
		}
		if err := VerifySymmetricKeyMac([]byte("bob@example.com"), tc.key, mac, 100); !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: wrong data: %v", tc.key, err)
		}
		if err := VerifySymmetricKeyMac(data, tc.key, mac, 99); err == nil {
			t.Errorf("%s: minBits 99 accepted", tc.key)
		}
	}
	for _, key := range []string{"NDZZ-KNXV-IWNN-ZPN3-CIZY-YJUF-XMBA", "MDDK-7N6A-727A-JZNO-STRX-XKS7-DJAF"} {
		if _, err := SymmetricKeyMac(data, key); err == nil || !strings.Contains(err.Error(), "mac key has type") {
			t.Errorf("key %s: error %v, want a key type error", key, err)
		}
	}
	mac, _ := SymmetricKeyMac(data, "ADKW-K2ZB-PPZM-ECG4-P3NQ-UN4K-XI")
	if err := VerifySymmetricKeyMac(data, "ADKW-K2ZB-PPZM-ECG4-P3NQ-UN4K-XI", "E"+mac[1:], 100); err == nil ||
		!strings.Contains(err.Error(), "value has type") {
		t.Errorf("wrong mac type: %v", err)
	}
}

func TestKeyHKDF(t *testing.T) {
	got, err := KeyHKDF("EDRL-4MZP-3OUD-OZBS-SPZN-7OSO-OM", ServiceAuthenticatorLabel)
	if err != nil {
		t.Fatal(err)
	}
	if typ, bds, _ := Parse(got); typ != EncryptionKey || len(bds) != 32 {
		t.Errorf("KeyHKDF = %q: type %v, %d bytes", got, typ, len(bds))
	}
	if _, err := KeyHKDF("NDZZ-KNXV-IWNN-ZPN3-CIZY-YJUF-XMBA", ServiceAuthenticatorLabel); err == nil ||
		!strings.Contains(err.Error(), "mac key has type 104") {
		t.Errorf("nonce as hkdf key: %v", err)
	}
}
