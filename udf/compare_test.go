package udf

import (
	"errors"
	"strings"
	"testing"
)

func TestEqualAndHasPrefix(t *testing.T) {
	full := "MDDK-7N6A-727A-JZNO-STRX-XKS7-DJAF-XI6O-ZSLU-2VOA"
	tests := []struct {
		name       string
		a, b       string
		equal      bool
		prefix     bool // HasPrefix(a, b, 0)
		prefix28ch bool // HasPrefix(a, b, 28)
	}{
		{"same", full, full, true, true, true},
		{"case and dashes", full, strings.ToLower(strings.ReplaceAll(full, "-", "")), true, true, true},
		{"140-bit prefix", full, "MDDK-7N6A-727A-JZNO-STRX-XKS7-DJAF", false, true, true},
		{"100-bit prefix", full, "mddk7n6a727ajznostrx", false, true, false},
		{"95-bit prefix", full, "MDDK-7N6A-727A-JZNO-STR", false, false, false},
		{"changed last character", full, "MDDK-7N6A-727A-JZNO-STRY", false, false, false},
		{"longer candidate", "MDDK-7N6A-727A-JZNO-STRX", full, false, false, false},
		{"invalid character", full, "MDDK-7N6A-727A-JZNO-STR1", false, false, false},
	}
	for _, tc := range tests {
		if got := Equal(tc.a, tc.b); got != tc.equal {
			t.Errorf("%s: Equal = %v", tc.name, got)
		}
		if got := HasPrefix(tc.a, tc.b, 0); got != tc.prefix {
			t.Errorf("%s: HasPrefix = %v", tc.name, got)
		}
		if got := HasPrefix(tc.a, tc.b, 28); got != tc.prefix28ch {
			t.Errorf("%s: HasPrefix(28) = %v", tc.name, got)
		}
	}
}

func TestMatches(t *testing.T) {
	bin := DigestBinary([]byte("data"), "text/plain", SHA2_512)
	fp := Present(bin, DefaultBits)
	typ := Type(bin[0])
	if err := Matches(fp, typ, bin[1:], 100); err != nil {
		t.Errorf("genuine fingerprint: %v", err)
	}
	other := DigestBinary([]byte("other"), "text/plain", SHA2_512)
	if err := Matches(fp, typ, other[1:], 100); !errors.Is(err, ErrMismatch) {
		t.Errorf("other value: %v", err)
	}
	if err := Matches(fp, typ, bin[1:10], 100); err == nil {
		t.Error("value longer than expected accepted")
	}
	if err := Matches(fp, TypeNonce, bin[1:], 100); err == nil {
		t.Error("wrong type accepted")
	}
	if err := Matches(fp, typ, bin[1:], 136); err == nil {
		t.Error("136 bits demanded of a 128-bit value accepted")
	}
}
