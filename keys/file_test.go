package keys

import (
	"bytes"
	"strings"
	"testing"
)

func TestKeyFileRoundTrip(t *testing.T) {
	var keys []PrivateKey
	for _, a := range allAlgorithms {
		k, _ := Generate(a, nil)
		keys = append(keys, k)
	}
	s448, _ := NewEd448FromScalar(keys[1].(*Ed448Private).ScalarBytes(), bytes.Repeat([]byte{9}, 57))
	x25, _ := NewX25519FromScalar(keys[2].(*X25519Private).ScalarBytes())
	keys = append(keys, s448, x25)
	for _, k := range keys {
		data, err := MarshalPrivateKeyFile(k)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParsePrivateKeyFile(data)
		if err != nil {
			t.Fatalf("%v: %v\n%s", k.Algorithm(), err, data)
		}
		if !back.(interface{ Equal(PrivateKey) bool }).Equal(k) {
			t.Errorf("%v: key changed in the file round trip", k.Algorithm())
		}
		again, _ := MarshalPrivateKeyFile(back)
		if !bytes.Equal(again, data) {
			t.Errorf("%v: file not stable:\n%s\n%s", k.Algorithm(), data, again)
		}
		pubData, err := MarshalPublicKeyFile(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		pub, err := ParsePublicKeyFile(pubData)
		if err != nil || !pub.Equal(k.Public()) {
			t.Errorf("%v: public file round trip: %v", k.Algorithm(), err)
		}
		if _, err := ParsePrivateKeyFile(pubData); err == nil {
			t.Error("a public key file parsed as a private key file")
		}
	}
}

// TestKeyFileErrors checks that malformed files are rejected with an error
// that names the problem.
func TestKeyFileErrors(t *testing.T) {
	k, _ := DeriveFromSeed("ZAAA-I5DF-ON2D-E", "", Ed448)
	good, _ := MarshalPrivateKeyFile(k)
	other, _ := Generate(Ed448, nil)
	otherFile, _ := MarshalPrivateKeyFile(other)
	seedLine := lineWith(t, good, `"Seed"`)
	cases := []struct {
		name string
		data string
		want string
	}{
		{"empty", "", "does not start with a JSON object"},
		{"array", "[]", "does not start with a JSON object"},
		{"too big", strings.Repeat(" ", MaxKeyFileSize+1), "limit"},
		{"trailing", string(good) + "{}", "data after the object"},
		{"unknown member", strings.Replace(string(good), `"Format"`, `"Extra": "x", "Format"`, 1), `unknown member "Extra"`},
		{"duplicate", strings.Replace(string(good), `"Format"`, `"Seed": "AA", "Format"`, 1), `duplicate member "Seed"`},
		{"non-string", strings.Replace(string(good), `"Format": "mesh-private-key/1"`, `"Format": 1`, 1), "not a string"},
		{"format", strings.Replace(string(good), "mesh-private-key/1", "mesh-private-key/2", 1), `"Format"`},
		{"algorithm", strings.Replace(string(good), `"Ed448"`, `"ed448"`, 1), `"Algorithm"`},
		{"missing", strings.Replace(string(good), `"Fingerprint"`, `"Prefix"`, 1), `lacks member "Fingerprint"`},
		{"padded", strings.Replace(string(good), seedLine, seedLine+"=", 1), "not unpadded base64url"},
		{"wrong public", strings.Replace(string(good), lineWith(t, good, `"Seed"`), lineWith(t, otherFile, `"Seed"`), 1), `"Public" does not match`},
		{"wrong fingerprint", strings.Replace(string(good), k.Public().Fingerprint(), other.Public().Fingerprint(), 1), `"Fingerprint"`},
		{"seed and scalar", strings.Replace(string(good), `"Format"`, `"Scalar": "AA", "Format"`, 1), "exactly one"},
		{"prefix on X448", `{"Format":"mesh-private-key/1","Algorithm":"X448","Fingerprint":"","Public":"","Scalar":"AA","Prefix":"AA"}`, `"Prefix"`},
		{"truncated", string(good[:len(good)/2]), "bad JSON"},
	}
	for _, c := range cases {
		_, err := ParsePrivateKeyFile([]byte(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// lineWith returns the value part of the line of data that contains key.
func lineWith(t *testing.T, data []byte, key string) string {
	t.Helper()
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, key) {
			v := strings.TrimSuffix(strings.TrimSpace(l[strings.Index(l, ":")+1:]), ",")
			return strings.Trim(v, `"`)
		}
	}
	t.Fatalf("no %s in %s", key, data)
	return ""
}
