package service

import (
	"strings"
	"testing"
)

// TestAccountCacheKey: finding 3 of the security review. Names are cached
// case-insensitively, profile UDFs exactly and apart from names.
func TestAccountCacheKey(t *testing.T) {
	const u = "MBXX-ABCD-EFGH-IJKL-MNOP-QRST-UVWX"
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"Alice@Example.com", "alice@example.com", true},
		{u, u, true},
		{u, strings.ToLower(u), false},
		{strings.ToLower(u), "n:" + strings.ToLower(u), false},
	} {
		if got := accountCacheKey(tc.a) == accountCacheKey(tc.b); got != tc.same {
			t.Errorf("accountCacheKey(%q) == accountCacheKey(%q): %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
