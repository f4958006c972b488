package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// run executes one meshman command line in process.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestShareRecoverRoundTrip splits secrets with `key share` and recovers them
// from every quorum-sized subset of the printed shares with `key recover`.
func TestShareRecoverRoundTrip(t *testing.T) {
	for _, secret := range []string{
		"",
		"RCZE-QEJR-4N5J-4EXF-JSWH-6EAN-RU",
		"ZAAQ-FI4A-4IAI-5VMW-AI23-MCSS-FR6K-EYP2-V7SK-XPOX-IK62-3IYG-4NYD-PD7R",
	} {
		args := []string{"key", "share", "--quorum", "3", "--shares", "5", "--json"}
		if secret != "" {
			args = append(args, secret)
		}
		out, errs, code := run(t, args...)
		if code != 0 {
			t.Fatalf("key share: %s", errs)
		}
		var res ShareResult
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		if secret != "" && res.Key != secret {
			t.Fatalf("key share printed key %s, want %s", res.Key, secret)
		}
		if len(res.Shares) != 5 {
			t.Fatalf("%d shares", len(res.Shares))
		}
		for a := 0; a < 5; a++ {
			for b := a + 1; b < 5; b++ {
				for c := b + 1; c < 5; c++ {
					got, errs, code := run(t, "key", "recover", res.Shares[c], res.Shares[a], res.Shares[b])
					if code != 0 {
						t.Fatalf("recover {%d,%d,%d}: %s", a, b, c, errs)
					}
					if strings.TrimSpace(got) != res.Key {
						t.Fatalf("recover {%d,%d,%d} = %s, want %s", a, b, c, got, res.Key)
					}
				}
			}
		}
	}
}
