package udf

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type codecVectors struct {
	Parse []struct {
		ID    string `json:"id"`
		Input string `json:"input"`
		Type  byte   `json:"type"`
		BDS   string `json:"bds"`
	} `json:"parse"`
	Present []struct {
		ID     string `json:"id"`
		Hex    string `json:"hex"`
		Bits   int    `json:"bits"`
		Expect string `json:"expect"`
	} `json:"present"`
	Bad []struct {
		ID       string `json:"id"`
		Input    string `json:"input"`
		Check    string `json:"check"`
		Char     string `json:"char"`
		Position int    `json:"position"`
	} `json:"bad"`
}

// checkCodecError reports whether err is the failure named by check.
func checkCodecError(t *testing.T, err error, check, char string, pos int) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", check)
	}
	switch check {
	case "invalid_char":
		var ice *InvalidCharError
		if !errors.As(err, &ice) {
			t.Fatalf("error %q is not an InvalidCharError", err)
		}
		if string(ice.Char) != char || ice.Position != pos {
			t.Errorf("got char %q at %d, want %q at %d", ice.Char, ice.Position, char, pos)
		}
	case "empty":
		if !errors.Is(err, ErrEmpty) {
			t.Errorf("error %q, want ErrEmpty", err)
		}
	case "bad_length":
		if !strings.Contains(err.Error(), "bad length") {
			t.Errorf("error %q, want a bad length error", err)
		}
	case "too_long":
		if !strings.Contains(err.Error(), "too long") {
			t.Errorf("error %q, want a too long error", err)
		}
	default:
		t.Fatalf("unknown check %q in vector", check)
	}
	if !strings.HasPrefix(err.Error(), "udf: ") {
		t.Errorf("error %q lacks the package prefix", err)
	}
}

func TestCodecVectors(t *testing.T) {
	var v codecVectors
	loadVectors(t, "codec.json", &v)
	for _, tc := range v.Parse {
		t.Run("parse/"+tc.ID, func(t *testing.T) {
			typ, bds, err := Parse(tc.Input)
			if err != nil {
				t.Fatal(err)
			}
			if byte(typ) != tc.Type {
				t.Errorf("type %d, want %d", typ, tc.Type)
			}
			if diff := cmp.Diff(mustHex(t, tc.BDS), bds); diff != "" {
				t.Errorf("bds (-want +got):\n%s", diff)
			}
			raw, err := Decode(tc.Input)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(append([]byte{tc.Type}, mustHex(t, tc.BDS)...), raw); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range v.Present {
		t.Run("present/"+tc.ID, func(t *testing.T) {
			if got := Present(mustHex(t, tc.Hex), tc.Bits); got != tc.Expect {
				t.Errorf("Present = %q, want %q", got, tc.Expect)
			}
		})
	}
	for _, tc := range v.Bad {
		t.Run("bad/"+tc.ID, func(t *testing.T) {
			in := tc.Input
			if in == "@LONG" {
				in = strings.Repeat("A", MaxStringLength+1)
			}
			_, _, err := Parse(in)
			checkCodecError(t, err, tc.Check, tc.Char, tc.Position)
			if tc.Check != "bad_length" { // Decode accepts a single byte
				_, err = Decode(in)
				checkCodecError(t, err, tc.Check, tc.Char, tc.Position)
				_, err = Canonical(in)
				checkCodecError(t, err, tc.Check, tc.Char, tc.Position)
			}
		})
	}
}

// TestPresentPrefix checks that a shorter presentation is a prefix of a
// longer one at every precision, and that Present emits ceil(bits/5)
// characters capped by the buffer (udf.md §2.1).
func TestPresentPrefix(t *testing.T) {
	bin := make([]byte, 64)
	if _, err := rand.Read(bin); err != nil {
		t.Fatal(err)
	}
	full := strings.ReplaceAll(Present(bin, 512), "-", "")
	if len(full) != 103 {
		t.Fatalf("full presentation has %d characters, want 103", len(full))
	}
	for bits := 1; bits <= 600; bits++ {
		got := Present(bin, bits)
		s := strings.ReplaceAll(got, "-", "")
		want := min((bits+4)/5, 103)
		if len(s) != want {
			t.Fatalf("bits %d: %d characters, want %d", bits, len(s), want)
		}
		if !strings.HasPrefix(full, s) {
			t.Fatalf("bits %d: %q is not a prefix of the full presentation", bits, got)
		}
		if c, err := Canonical(got); err != nil || c != got {
			t.Fatalf("bits %d: presentation %q is not canonical (%q, %v)", bits, got, c, err)
		}
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	for n := 1; n <= 80; n++ {
		bin := make([]byte, n)
		if _, err := rand.Read(bin); err != nil {
			t.Fatal(err)
		}
		got, err := Decode(Present(bin, 8*n))
		if err != nil {
			t.Fatalf("length %d: %v", n, err)
		}
		if diff := cmp.Diff(bin, got); diff != "" {
			t.Fatalf("length %d (-want +got):\n%s", n, diff)
		}
	}
}

func TestCanonical(t *testing.T) {
	got, err := Canonical("-mddk7-n6a727ajznostrxxks7djaf-")
	if err != nil {
		t.Fatal(err)
	}
	if want := "MDDK-7N6A-727A-JZNO-STRX-XKS7-DJAF"; got != want {
		t.Errorf("Canonical = %q, want %q", got, want)
	}
}

// FuzzParse checks that Parse never panics and that Parse followed by
// Present at full precision reproduces the canonical input on every
// character that whole bytes determine, and re-parses to the same bytes.
func FuzzParse(f *testing.F) {
	var v codecVectors
	loadVectors(f, "codec.json", &v)
	for _, tc := range v.Parse {
		f.Add(tc.Input)
	}
	for _, tc := range v.Bad {
		f.Add(tc.Input)
	}
	for _, tc := range v.Present {
		f.Add(tc.Expect)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, bds, err := Parse(s)
		if err != nil {
			return
		}
		bin := append([]byte{byte(typ)}, bds...)
		out := Present(bin, 8*len(bin))
		canon, err := Canonical(s)
		if err != nil {
			t.Fatalf("Parse accepted %q but Canonical failed: %v", s, err)
		}
		determined := 8 * len(bin) / 5 // characters made only of whole-byte bits
		o := strings.ReplaceAll(out, "-", "")
		c := strings.ReplaceAll(canon, "-", "")
		if o[:determined] != c[:determined] {
			t.Fatalf("Present(Parse(%q)) = %q, canonical %q", s, out, canon)
		}
		if len(c) == len(o) && (5*len(c))%8 == 0 && out != canon {
			t.Fatalf("exact-length input %q: Present gives %q, canonical %q", s, out, canon)
		}
		t2, b2, err := Parse(out)
		if err != nil || t2 != typ || !cmp.Equal(b2, bds) {
			t.Fatalf("re-parse of %q: %v %x %v, want %v %x", out, t2, b2, err, typ, bds)
		}
	})
}

var sinkString string

func BenchmarkPresent(b *testing.B) {
	bin := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		sinkString = Present(bin, DefaultBits)
	}
}

func BenchmarkPresentFull(b *testing.B) {
	bin := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		sinkString = Present(bin, 512)
	}
}

func BenchmarkParse(b *testing.B) {
	s := "MDDK-7N6A-727A-JZNO-STRX-XKS7-DJAF"
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}
