package shamir

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/udf"
)

type vectors struct {
	Split []struct {
		ID           string   `json:"id"`
		Secret       string   `json:"secret"`
		SecretUDF    string   `json:"secret_udf"`
		N            int      `json:"n"`
		A0           string   `json:"a0"`
		Coefficients []string `json:"coefficients"`
		Y            []string `json:"y"`
		ShareBytes   []string `json:"share_bytes"`
		Shares       []string `json:"shares"`
	} `json:"split"`
	Recover []struct {
		ID        string   `json:"id"`
		K         int      `json:"k"`
		Secret    string   `json:"secret"`
		SecretUDF string   `json:"secret_udf"`
		Shares    []string `json:"shares"`
	} `json:"recover"`
	Escrow []struct {
		ID     string   `json:"id"`
		K      int      `json:"k"`
		Seed   string   `json:"seed"`
		Secret string   `json:"secret"`
		Shares []string `json:"shares"`
	} `json:"escrow"`
	BadRecover []struct {
		ID     string   `json:"id"`
		Escrow bool     `json:"escrow"`
		Shares []string `json:"shares"`
		Check  string   `json:"check"`
	} `json:"bad_recover"`
	BadSplit []struct {
		ID        string `json:"id"`
		SecretLen int    `json:"secret_len"`
		K         int    `json:"k"`
		N         int    `json:"n"`
		Check     string `json:"check"`
	} `json:"bad_split"`
	BadEscrow []struct {
		ID    string `json:"id"`
		Seed  string `json:"seed"`
		Check string `json:"check"`
	} `json:"bad_escrow"`
}

func loadVectors(t testing.TB) vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustInt(t testing.TB, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("bad integer %q in vector", s)
	}
	return n
}

// subsets calls f with every subset of shares of size k, by index.
func subsets(n, k int, f func([]int)) {
	var rec func(start int, cur []int)
	rec = func(start int, cur []int) {
		if len(cur) == k {
			f(cur)
			return
		}
		for i := start; i < n; i++ {
			rec(i+1, append(cur, i))
		}
	}
	rec(0, nil)
}

// TestVectors runs udf.md §11 group E and the negative vectors.
func TestVectors(t *testing.T) {
	v := loadVectors(t)
	for _, tc := range v.Split {
		t.Run(tc.ID, func(t *testing.T) {
			secret := mustHex(t, tc.Secret)
			if raw, err := udf.Decode(tc.SecretUDF); err != nil || !cmp.Equal(raw, secret) {
				t.Errorf("secret UDF decodes to %X, %v", raw, err)
			}
			if tc.A0 != "" && mustInt(t, tc.A0).Cmp(new(big.Int).SetBytes(secret)) != 0 {
				t.Errorf("a0 is not the secret")
			}
			coefficients := make([]*big.Int, len(tc.Coefficients))
			for i, c := range tc.Coefficients {
				coefficients[i] = mustInt(t, c)
			}
			shares, err := TestingOnlySplit(secret, tc.N, coefficients)
			if err != nil {
				t.Fatal(err)
			}
			for i, y := range tc.Y {
				if got := new(big.Int).SetBytes(shares[i].Value()); got.Cmp(mustInt(t, y)) != 0 {
					t.Errorf("f(%d) = %v, want %s", i+1, got, y)
				}
			}
			for i, b := range tc.ShareBytes {
				got := append([]byte{shares[i].firstByte()}, shares[i].Value()...)
				if diff := cmp.Diff(mustHex(t, b), got); diff != "" {
					t.Errorf("share %d bytes (-want +got):\n%s", i+1, diff)
				}
			}
			for i, s := range tc.Shares {
				if got := shares[i].UDF(); got != s {
					t.Errorf("share %d = %q, want %q", i+1, got, s)
				}
			}
			k := len(coefficients) + 1
			subsets(len(tc.Shares), k, func(idx []int) {
				picked := make([]string, len(idx))
				for i, j := range idx {
					picked[i] = tc.Shares[j]
				}
				got, err := RecoverUDF(picked...)
				if err != nil || !cmp.Equal(got, secret) {
					t.Errorf("recover from %v: %X, %v", idx, got, err)
				}
			})
			if got, err := RecoverUDF(tc.Shares...); err != nil || !cmp.Equal(got, secret) {
				t.Errorf("recover from all shares: %X, %v", got, err)
			}
		})
	}
	for _, tc := range v.Recover {
		t.Run(tc.ID, func(t *testing.T) {
			secret := mustHex(t, tc.Secret)
			if got := udf.Present(secret, 8*len(secret)); got != tc.SecretUDF {
				t.Errorf("raw secret presentation %q, want %q", got, tc.SecretUDF)
			}
			subsets(len(tc.Shares), tc.K, func(idx []int) {
				picked := make([]string, len(idx))
				for i, j := range idx {
					picked[len(idx)-1-i] = tc.Shares[j] // reversed order: order must not matter
				}
				got, err := RecoverUDF(picked...)
				if err != nil || !cmp.Equal(got, secret) {
					t.Errorf("recover from %v: %X, %v", idx, got, err)
				}
			})
		})
	}
	for _, tc := range v.Escrow {
		t.Run(tc.ID, func(t *testing.T) {
			subsets(len(tc.Shares), tc.K, func(idx []int) {
				var shares []Share
				for _, j := range idx {
					s, err := ParseShare(tc.Shares[j])
					if err != nil {
						t.Fatal(err)
					}
					shares = append(shares, s)
				}
				secret, err := Recover(shares)
				if err != nil || !cmp.Equal(secret, mustHex(t, tc.Secret)) {
					t.Errorf("recover from %v: %X, %v", idx, secret, err)
				}
				seed, err := RecoverSeed(shares)
				if err != nil || seed != tc.Seed {
					t.Errorf("RecoverSeed from %v = %q, %v; want %q", idx, seed, err, tc.Seed)
				}
			})
		})
	}
	for _, tc := range v.BadRecover {
		t.Run("bad/"+tc.ID, func(t *testing.T) {
			var err error
			if tc.Escrow {
				var shares []Share
				for _, s := range tc.Shares {
					p, perr := ParseShare(s)
					if perr != nil {
						t.Fatal(perr)
					}
					shares = append(shares, p)
				}
				_, err = RecoverSeed(shares)
			} else {
				_, err = RecoverUDF(tc.Shares...)
			}
			if err == nil || !strings.Contains(err.Error(), tc.Check) {
				t.Errorf("error %v, want one containing %q", err, tc.Check)
			}
			if tc.Check == "shares are inconsistent" && !errors.Is(err, ErrInconsistent) {
				t.Errorf("error %v is not ErrInconsistent", err)
			}
		})
	}
	for _, tc := range v.BadSplit {
		t.Run("bad-split/"+tc.ID, func(t *testing.T) {
			_, err := Split(make([]byte, tc.SecretLen), tc.K, tc.N, rand.Reader)
			if err == nil || !strings.Contains(err.Error(), tc.Check) {
				t.Errorf("error %v, want one containing %q", err, tc.Check)
			}
		})
	}
	for _, tc := range v.BadEscrow {
		t.Run("bad-escrow/"+tc.ID, func(t *testing.T) {
			_, err := EscrowSeed(tc.Seed, 2, 3, rand.Reader)
			if err == nil || !strings.Contains(err.Error(), tc.Check) {
				t.Errorf("error %v, want one containing %q", err, tc.Check)
			}
		})
	}
}

// TestSplitRecover round-trips random secrets of every length and several
// thresholds, with the recovery checked on every k-subset for small n.
func TestSplitRecover(t *testing.T) {
	for _, l := range []int{1, 2, 15, 16, 32, 35, 63, 64} {
		for _, kn := range [][2]int{{1, 1}, {1, 3}, {2, 3}, {3, 5}, {5, 5}, {15, 15}} {
			secret := make([]byte, l)
			rand.Read(secret)
			shares, err := Split(secret, kn[0], kn[1], rand.Reader)
			if err != nil {
				t.Fatalf("L=%d k=%d n=%d: %v", l, kn[0], kn[1], err)
			}
			if kn[1] > 5 {
				if got, err := Recover(shares); err != nil || !cmp.Equal(got, secret) {
					t.Fatalf("L=%d k=%d n=%d: %X, %v", l, kn[0], kn[1], got, err)
				}
				continue
			}
			subsets(len(shares), kn[0], func(idx []int) {
				var picked []Share
				for _, j := range idx {
					picked = append(picked, shares[j])
				}
				if got, err := Recover(picked); err != nil || !cmp.Equal(got, secret) {
					t.Fatalf("L=%d k=%d n=%d subset %v: %X, %v", l, kn[0], kn[1], idx, got, err)
				}
			})
		}
	}
}

// countingReader yields a fixed sequence of bytes, then zeros.
type countingReader struct{ data []byte }

func (r *countingReader) Read(p []byte) (int, error) {
	n := copy(p, r.data)
	r.data = r.data[n:]
	clear(p[n:])
	return len(p), nil
}

// TestRedraw checks udf.md §7.2 step 3: coefficients that make a share value
// reach 2^(8L) are redrawn. With L = 1, p = 257 and k = 2, the coefficient
// a1 = 256 and secret 0 give f(1) = 256, which does not fit in one byte.
func TestRedraw(t *testing.T) {
	if _, err := TestingOnlySplit([]byte{0}, 2, []*big.Int{big.NewInt(256)}); err == nil {
		t.Fatal("TestingOnlySplit accepted f(1) = 256")
	}
	// First draw: bytes 01 00 = 256 (accepted, < 257) gives f(1) = 256, so
	// Split must redraw; the next draw, 00 05, gives a1 = 5.
	r := &countingReader{data: []byte{0x01, 0x00, 0x00, 0x05}}
	shares, err := Split([]byte{0}, 2, 2, r)
	if err != nil {
		t.Fatal(err)
	}
	if y := shares[0].Value(); y[0] != 5 {
		t.Errorf("f(1) = %d, want 5 after the redraw", y[0])
	}
	// A reader that only ever yields values >= p exhausts the sampler.
	ff := &repeatReader{b: 0xFF}
	if _, err := Split(make([]byte, 16), 2, 3, ff); err == nil || !strings.Contains(err.Error(), "random source is broken") {
		t.Errorf("constant 0xFF reader: %v", err)
	}
}

type repeatReader struct{ b byte }

func (r *repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.b
	}
	return len(p), nil
}

func TestTestingOnlySplitChecks(t *testing.T) {
	p := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(51))
	for _, tc := range []struct {
		name string
		c    *big.Int
	}{{"p", p}, {"nil", nil}, {"negative", big.NewInt(-1)}} {
		_, err := TestingOnlySplit(make([]byte, 16), 3, []*big.Int{tc.c})
		if want := "shamir: coefficient a1 is not in [0, p)"; err == nil || err.Error() != want {
			t.Errorf("coefficient %s: error %v, want %q", tc.name, err, want)
		}
	}
}

func TestEscrowRoundTrip(t *testing.T) {
	seed, err := udf.NewSeed(rand.Reader, udf.MeshProfileAccount)
	if err != nil {
		t.Fatal(err)
	}
	shares, err := EscrowSeed(seed, 2, 3, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range shares {
		if n := len(strings.ReplaceAll(s.UDF(), "-", "")); n != 60 {
			t.Errorf("escrow share has %d characters, want 60", n)
		}
	}
	got, err := RecoverSeed(shares[1:])
	if err != nil || got != seed {
		t.Errorf("RecoverSeed = %q, %v; want %q", got, err, seed)
	}
}

// TestShareRedaction checks that no formatting verb prints a share value.
func TestShareRedaction(t *testing.T) {
	shares, err := TestingOnlySplit([]byte{0xAB, 0xCD}, 2, []*big.Int{big.NewInt(0)})
	if err != nil {
		t.Fatal(err)
	}
	s := shares[0]
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
		out := fmt.Sprintf(verb, s)
		if strings.Contains(strings.ToLower(out), "abcd") || strings.Contains(out, "171") || !strings.Contains(out, "REDACTED") {
			t.Errorf("%s prints %q", verb, out)
		}
	}
	if got := (Share{}).UDF(); got != "" {
		t.Errorf("zero Share encodes as %q", got)
	}
	if _, err := Recover([]Share{{}}); err == nil || !strings.Contains(err.Error(), "not a valid share") {
		t.Errorf("Recover of the zero Share: %v", err)
	}
	if out := fmt.Sprintf("%v", []Share{s}); !strings.Contains(out, "REDACTED") {
		t.Errorf("slice prints %q", out)
	}
}

// FuzzShareParse checks that ParseShare never panics and that a parsed
// share re-encodes to a string that parses to the same share and matches
// the canonical input on every character whole bytes determine.
func FuzzShareParse(f *testing.F) {
	v := loadVectors(f)
	for _, tc := range v.Split {
		for _, s := range tc.Shares {
			f.Add(s)
		}
	}
	for _, tc := range v.BadRecover {
		for _, s := range tc.Shares {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		share, err := ParseShare(s)
		if err != nil {
			return
		}
		out := share.UDF()
		again, err := ParseShare(out)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", out, err)
		}
		if again.k != share.k || again.x != share.x || !cmp.Equal(again.y, share.y) {
			t.Fatalf("re-parse of %q gives a different share", out)
		}
		canon, err := udf.Canonical(s)
		if err != nil {
			t.Fatalf("ParseShare accepted %q but Canonical failed: %v", s, err)
		}
		determined := 8 * (share.Len() + 2) / 5
		o, c := strings.ReplaceAll(out, "-", ""), strings.ReplaceAll(canon, "-", "")
		if o[:determined] != c[:determined] {
			t.Fatalf("UDF() = %q, canonical input %q", out, canon)
		}
	})
}

func BenchmarkRecover35(b *testing.B) {
	shares, err := Split(make([]byte, 35), 3, 5, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Recover(shares); err != nil {
			b.Fatal(err)
		}
	}
}
