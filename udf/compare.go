package udf

import (
	"crypto/subtle"
	"fmt"
)

// Fingerprint comparison (udf.md §2.3).

// stripped returns the characters of s without dashes, upper-cased, or an
// error if s is not a valid UDF string.
func stripped(s string) ([]byte, error) {
	n, err := countChars(s)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, n)
	for i := 0; i < len(s); i++ {
		if v := decodeTable[s[i]]; v != dashChar {
			out = append(out, alphabet[v])
		}
	}
	return out, nil
}

// Equal reports whether a and b are the same UDF text, ignoring case and
// dashes (udf.md §2.3, [REF] CompareUDF). Invalid strings are never equal.
// The characters are compared in constant time.
func Equal(a, b string) bool {
	x, err := stripped(a)
	if err != nil {
		return false
	}
	y, err := stripped(b)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(x, y) == 1
}

// HasPrefix reports whether prefix is a (possibly shorter) presentation of
// the fingerprint: case and dashes are ignored, prefix must have at least
// max(minChars, MinMatchChars) characters and no more than fingerprint,
// and its characters must equal the leading characters of fingerprint
// (udf.md §2.3, Go rule). Every character of a digest fingerprint is cut
// from the same 512-bit buffer, so a shorter presentation is a prefix of a
// longer one. The compared characters are compared in constant time.
func HasPrefix(fingerprint, prefix string, minChars int) bool {
	f, err := stripped(fingerprint)
	if err != nil {
		return false
	}
	p, err := stripped(prefix)
	if err != nil {
		return false
	}
	if len(p) < max(minChars, MinMatchChars) || len(p) > len(f) {
		return false
	}
	return subtle.ConstantTimeCompare(f[:len(p)], p) == 1
}

// Matches checks a presented value against the binary value it should
// present ([REF] UDF.Matches, udf.md §2.3). It parses value, requires type
// t, requires the BDS to hold at least minBits bits (minBits >=
// MinMatchBits) and no more bytes than expected, and compares every parsed
// BDS byte with the start of expected in constant time. This is stricter
// than [REF], which compares only the first minBits bits; a genuine value
// passes both. It returns nil on a match.
func Matches(value string, t Type, expected []byte, minBits int) error {
	if minBits < MinMatchBits {
		return fmt.Errorf("udf: minimum match of %d bits is below the floor of %d", minBits, MinMatchBits)
	}
	vt, bds, err := Parse(value)
	if err != nil {
		return err
	}
	if vt != t {
		return fmt.Errorf("udf: value has type %d (%v), want %d (%v)", byte(vt), vt, byte(t), t)
	}
	if 8*len(bds) < minBits {
		return fmt.Errorf("udf: value has %d data bits, need at least %d", 8*len(bds), minBits)
	}
	if len(bds) > len(expected) {
		return fmt.Errorf("udf: value has %d data bytes, more than the %d expected", len(bds), len(expected))
	}
	if subtle.ConstantTimeCompare(bds, expected[:len(bds)]) != 1 {
		return ErrMismatch
	}
	return nil
}
