package keys

import (
	"bytes"
	"testing"
)

// FuzzParsePublicKey checks that ParsePublicKey never panics and that an
// accepted encoding is canonical: Bytes returns exactly the input, and the
// key parses again to an equal key. It is seeded from the vectors.
func FuzzParsePublicKey(f *testing.F) {
	var v standardVectors
	loadJSON(f, "standard_vectors.json", &v)
	for _, c := range v.InvalidPublic {
		f.Add(byte(mustAlg(f, c.Alg)), unhex(f, c.Public))
	}
	var u udfVectors
	loadJSON(f, "udf_vectors.json", &u)
	for _, c := range u.Seeds {
		if c.Public != "" {
			f.Add(byte(mustAlg(f, c.Alg)), unhex(f, c.Public))
		}
	}
	for _, c := range v.Agreements {
		f.Add(byte(mustAlg(f, c.Alg)), unhex(f, c.PeerPublic))
	}
	f.Fuzz(func(t *testing.T, alg byte, b []byte) {
		a := Algorithm(alg%4 + 1)
		pub, err := ParsePublicKey(a, b)
		if err != nil {
			return
		}
		if !bytes.Equal(pub.Bytes(), b) {
			t.Fatalf("%v: Bytes() = %x, input %x", a, pub.Bytes(), b)
		}
		again, err := ParsePublicKey(a, pub.Bytes())
		if err != nil || !again.Equal(pub) || again.Fingerprint() != pub.Fingerprint() {
			t.Fatalf("%v: re-parse differs: %v", a, err)
		}
	})
}

// FuzzParsePrivateKeyFile checks that the key file reader never panics and
// that an accepted file re-serialises to a file that parses to the same
// key and re-serialises identically.
func FuzzParsePrivateKeyFile(f *testing.F) {
	for _, seed := range []string{"ZAAA-G5DF-ON2D-C", "ZAAA-I5DF-ON2D-E", "ZAAA-C5DF-ON2D-G", "ZAAA-E5DF-ON2D-I"} {
		for _, a := range allAlgorithms {
			k, err := DeriveFromSeed(seed, "", a)
			if err != nil {
				continue
			}
			data, _ := MarshalPrivateKeyFile(k)
			f.Add(data)
			if x, ok := k.(*X448Private); ok {
				s, _ := NewX448FromScalar(x.ScalarBytes())
				data, _ = MarshalPrivateKeyFile(s)
				f.Add(data)
			}
		}
	}
	f.Add([]byte(`{"Format":"mesh-private-key/1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePrivateKeyFile(data)
		if err != nil {
			return
		}
		out, err := MarshalPrivateKeyFile(k)
		if err != nil {
			t.Fatal(err)
		}
		k2, err := ParsePrivateKeyFile(out)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		out2, _ := MarshalPrivateKeyFile(k2)
		if !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}

// FuzzPrivateKeyECDH checks the JSON private key form: no panics, and an
// accepted seed or scalar converts back to the same bytes and curve.
func FuzzPrivateKeyECDH(f *testing.F) {
	for _, crv := range []string{"Ed25519", "Ed448", "X25519", "X448", "Ed25519z", "Ed448z", "X25519z", "X448z"} {
		f.Add(crv, bytes.Repeat([]byte{1}, 32))
		f.Add(crv, bytes.Repeat([]byte{1}, 56))
		f.Add(crv, bytes.Repeat([]byte{1}, 57))
		f.Add(crv, append(bytes.Repeat([]byte{1}, 56), 0))
	}
	f.Fuzz(func(t *testing.T, crv string, private []byte) {
		k, err := (&PrivateKeyECDH{Curve: crv, Private: private}).PrivateKey()
		if err != nil {
			return
		}
		j, err := NewPrivateKeyECDH(k)
		if err != nil {
			t.Fatal(err)
		}
		want := private
		if (crv == "Ed448z" || crv == "X448z") && len(private) == 57 {
			want = private[:56]
		}
		if j.Curve != crv || !bytes.Equal(j.Private, want) {
			t.Fatalf("%s %x became %s %x", crv, private, j.Curve, j.Private)
		}
	})
}
