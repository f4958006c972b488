package udf

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSeedVectors runs the seed encodings of udf.md §11 D5 to D8, the seed
// parse of D2 and E5, the documentation derivation D9 to D12 and the
// negative seed vectors.
func TestSeedVectors(t *testing.T) {
	var v struct {
		Encode []struct {
			ID     string `json:"id"`
			Alg    AlgID  `json:"alg"`
			Seed   string `json:"seed"`
			Expect string `json:"expect"`
			Hex    string `json:"hex"`
		} `json:"encode"`
		Parse []struct {
			ID    string `json:"id"`
			Input string `json:"input"`
			Alg   AlgID  `json:"alg"`
			IKM   string `json:"ikm"`
		} `json:"parse"`
		DraftOKM []struct {
			ID   string `json:"id"`
			Seed string `json:"seed"`
			OKM  string `json:"okm"`
		} `json:"draft_okm"`
		Bad []struct {
			ID    string `json:"id"`
			Input string `json:"input"`
			Check string `json:"check"`
		} `json:"bad"`
	}
	loadVectors(t, "seed.json", &v)
	for _, tc := range v.Encode {
		t.Run(tc.ID, func(t *testing.T) {
			if got := Seed(tc.Alg, []byte(tc.Seed)); got != tc.Expect {
				t.Errorf("Seed = %q, want %q", got, tc.Expect)
			}
			if tc.Hex != "" {
				raw, err := Decode(tc.Expect)
				if err != nil || !cmp.Equal(raw, mustHex(t, tc.Hex)) {
					t.Errorf("Decode = %X, %v; want %s", raw, err, tc.Hex)
				}
			}
			alg, ikm, err := ParseSeed(tc.Expect)
			if err != nil || alg != tc.Alg || string(ikm[2:]) != tc.Seed {
				t.Errorf("ParseSeed = %v %X %v", alg, ikm, err)
			}
		})
	}
	for _, tc := range v.Parse {
		t.Run(tc.ID, func(t *testing.T) {
			alg, ikm, err := ParseSeed(tc.Input)
			if err != nil {
				t.Fatal(err)
			}
			if alg != tc.Alg {
				t.Errorf("alg %v, want %v", alg, tc.Alg)
			}
			if diff := cmp.Diff(mustHex(t, tc.IKM), ikm); diff != "" {
				t.Errorf("ikm (-want +got):\n%s", diff)
			}
			if got := Seed(alg, ikm[2:]); got != tc.Input {
				t.Errorf("Seed round trip = %q", got)
			}
		})
	}
	for _, tc := range v.DraftOKM {
		t.Run(tc.ID, func(t *testing.T) {
			okm, err := DraftDocumentOKM(tc.Seed)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(mustHex(t, tc.OKM), okm); diff != "" {
				t.Errorf("okm (-want +got):\n%s", diff)
			}
		})
	}
	checks := map[string]string{
		"type": "seed has type", "truncated": "truncated seed", "algorithm": "unknown algorithm",
		"invalid_char": "invalid character", "draft_alg": "draft example derivation needs",
	}
	for _, tc := range v.Bad {
		t.Run("bad/"+tc.ID, func(t *testing.T) {
			want, ok := checks[tc.Check]
			if !ok {
				t.Fatalf("unknown check %q", tc.Check)
			}
			_, _, err := ParseSeed(tc.Input)
			if tc.Check == "draft_alg" {
				_, err = DraftDocumentOKM(tc.Input)
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want %q", err, want)
			}
		})
	}
}
