package keys

import (
	"crypto/hkdf"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/udf"
)

// udfVectors is testdata/udf_vectors.json: the key vectors of udf.md §11.
type udfVectors struct {
	Comment      string
	Fingerprints []struct {
		ID, Alg, Public, SPKI, Fingerprint string
	}
	Seeds []struct {
		ID, Seed, KeyName, Alg, Op, OKM, Public, Fingerprint string
	}
	Intermediates []struct {
		ID, Seed, BDS, PRK, KeyName, Info string
	}
}

func loadJSON(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func mustAlg(t testing.TB, s string) Algorithm {
	t.Helper()
	a, err := ParseAlgorithm(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestUDFVectors runs every key vector of udf.md §11 (C3, C5, D1, D2,
// D5 to D8) and the key ids of dare.md §15 V-4 and V-5.
func TestUDFVectors(t *testing.T) {
	var v udfVectors
	loadJSON(t, "udf_vectors.json", &v)
	if len(v.Fingerprints) == 0 || len(v.Seeds) == 0 || len(v.Intermediates) == 0 {
		t.Fatal("empty vector file")
	}
	for _, c := range v.Fingerprints {
		t.Run(c.ID, func(t *testing.T) {
			alg := mustAlg(t, c.Alg)
			pub, err := ParsePublicKey(alg, unhex(t, c.Public))
			if err != nil {
				t.Fatal(err)
			}
			if c.SPKI != "" {
				if got := strings.ToUpper(hex.EncodeToString(spki(alg, pub.Bytes()))); got != c.SPKI {
					t.Errorf("spki = %s, want %s", got, c.SPKI)
				}
			}
			if got := pub.Fingerprint(); got != c.Fingerprint {
				t.Errorf("fingerprint = %s, want %s", got, c.Fingerprint)
			}
			if got := udf.Present(pub.UDFBytes(), udf.DefaultBits); got != c.Fingerprint {
				t.Errorf("UDFBytes presents as %s, want %s", got, c.Fingerprint)
			}
		})
	}
	for _, c := range v.Seeds {
		t.Run(c.ID, func(t *testing.T) {
			alg := mustAlg(t, c.Alg)
			if c.Op != "" {
				seedAlg, _, err := udf.ParseSeed(c.Seed)
				if err != nil {
					t.Fatal(err)
				}
				if got := DefaultAlgorithm(seedAlg, Operation(c.Op)); got != alg {
					t.Errorf("DefaultAlgorithm(%v, %s) = %v, want %v", seedAlg, c.Op, got, alg)
				}
			}
			if c.OKM != "" {
				_, bds, err := udf.ParseSeed(c.Seed)
				if err != nil {
					t.Fatal(err)
				}
				okm, err := seedOKM(bds, c.KeyName, alg.okmSize())
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.ToUpper(hex.EncodeToString(okm)); got != c.OKM {
					t.Errorf("okm = %s, want %s", got, c.OKM)
				}
			}
			priv, err := DeriveFromSeed(c.Seed, c.KeyName, alg)
			if err != nil {
				t.Fatal(err)
			}
			pub := priv.Public()
			if c.Public != "" {
				if got := strings.ToUpper(hex.EncodeToString(pub.Bytes())); got != c.Public {
					t.Errorf("public = %s, want %s", got, c.Public)
				}
			}
			if got := pub.Fingerprint(); got != c.Fingerprint {
				t.Errorf("fingerprint = %s, want %s", got, c.Fingerprint)
			}
			// The published encoding must also pass validation.
			parsed, err := ParsePublicKey(alg, pub.Bytes())
			if err != nil {
				t.Fatalf("derived public key does not parse: %v", err)
			}
			if !parsed.Equal(pub) {
				t.Error("parsed public key differs from the derived one")
			}
		})
	}
	for _, c := range v.Intermediates {
		t.Run(c.ID, func(t *testing.T) {
			_, bds, err := udf.ParseSeed(c.Seed)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.ToUpper(hex.EncodeToString(bds)); got != c.BDS {
				t.Errorf("bds = %s, want %s", got, c.BDS)
			}
			prk, err := hkdf.Extract(sha512.New, bds, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.ToUpper(hex.EncodeToString(prk)); got != c.PRK {
				t.Errorf("prk = %s, want %s", got, c.PRK)
			}
			info := append(append([]byte{}, bds[:2]...), c.KeyName...)
			if got := strings.ToUpper(hex.EncodeToString(info)); got != c.Info {
				t.Errorf("info = %s, want %s", got, c.Info)
			}
		})
	}
}
