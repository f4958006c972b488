package udf

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The codec of udf.md §2. It is written here rather than taken from
// encoding/base32, whose NoPadding decoder silently drops trailing
// characters when the length is 1, 3 or 6 mod 8 (udf.md §2.2).

// DefaultBits is the default presentation precision (udf.md §2.1): 28
// characters in 7 groups.
const DefaultBits = 140

// alphabet is the RFC 4648 §6 Base32 alphabet (udf.md §2.1 step 1).
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

const (
	invalidChar = 0xFF
	dashChar    = 0xFE
	groupSize   = 4 // characters between dashes (udf.md §2.1 step 4)
)

// decodeTable maps an input byte to its 5-bit value, dashChar or invalidChar.
var decodeTable = func() (t [256]byte) {
	for i := range t {
		t[i] = invalidChar
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
		t[alphabet[i]|0x20] = byte(i) // lower case; the digits 2-7 map to themselves
	}
	t['-'] = dashChar
	return t
}()

// ErrEmpty is returned when a UDF string has no Base32 characters.
var ErrEmpty = errors.New("udf: empty string")

// presentedChars returns the number of characters Present emits: ceil(bits/5),
// but never more than the buffer can fill (udf.md §2.1 steps 2 and 3).
func presentedChars(nbytes, bits int) int {
	if bits <= 0 || nbytes <= 0 {
		return 0
	}
	maxChars := (8*nbytes + 4) / 5
	n := (bits + 4) / 5
	return min(n, maxChars)
}

// maxStackPresent is the longest presentation, dashes included, built in
// a stack buffer: a full 64-byte digest is 103 characters and 25 dashes.
const maxStackPresent = 128

// Present returns the Base32 presentation of bin (normally T || BDS) at the
// given precision in bits, type byte included (udf.md §2.1): ceil(bits/5)
// upper-case characters, never more than bin can fill, with a dash after
// every 4 characters. Missing low bits of the last character are zero. It
// returns "" when bits <= 0 or bin is empty.
func Present(bin []byte, bits int) string {
	n := presentedChars(len(bin), bits)
	if n == 0 {
		return ""
	}
	size := n + (n-1)/groupSize
	var stack [maxStackPresent]byte
	var out []byte
	if size <= len(stack) {
		out = stack[:size]
	} else {
		out = make([]byte, size)
	}
	var acc uint64 // bit accumulator; only the low nacc bits are meaningful
	var nacc uint
	in, o, group := 0, 0, 0
	for range n {
		if nacc < 5 {
			if in < len(bin) {
				acc = acc<<8 | uint64(bin[in])
				in++
				nacc += 8
			} else { // udf.md §2.1 step 3: pad the last character with zero bits
				acc <<= 5 - nacc
				nacc = 5
			}
		}
		if group == groupSize {
			out[o] = '-'
			o++
			group = 0
		}
		nacc -= 5
		out[o] = alphabet[(acc>>nacc)&31]
		o++
		group++
	}
	return string(out)
}

// InvalidCharError reports a character outside the accepted set
// (A-Z, a-z, 2-7 and '-') of udf.md §2.2.
type InvalidCharError struct {
	Char     rune // the offending character
	Position int  // its byte offset in the input, from 0
}

func (e *InvalidCharError) Error() string {
	return fmt.Sprintf("udf: invalid character %q at position %d", e.Char, e.Position)
}

// countChars validates s (udf.md §2.2, Go rule) and returns the number of
// Base32 characters in it, dashes excluded.
func countChars(s string) (int, error) {
	if len(s) > MaxStringLength {
		return 0, fmt.Errorf("udf: string too long: %d bytes, limit %d", len(s), MaxStringLength)
	}
	n := 0
	for i := 0; i < len(s); i++ {
		switch decodeTable[s[i]] {
		case invalidChar:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return 0, &InvalidCharError{Char: r, Position: i}
		case dashChar:
		default:
			n++
		}
	}
	if n == 0 {
		return 0, ErrEmpty
	}
	return n, nil
}

// Decode returns all whole bytes encoded by the Base32 string s, with no
// type byte split off (udf.md §2.2). It is the inverse of Present for raw
// values such as the Shamir secrets of udf.md §7.4 and the connection
// witness of udf.md §10.
func Decode(s string) ([]byte, error) {
	var buf [maxDecoded]byte
	n, bin, err := decodeStrict(s, &buf)
	if err != nil {
		return nil, err
	}
	if len(bin) == 0 {
		return nil, fmt.Errorf("udf: bad length: %d character(s) encode no whole byte", n)
	}
	out := make([]byte, len(bin))
	copy(out, bin)
	clear(bin)
	return out, nil
}

// maxDecoded is the most bytes a string of MaxStringLength characters can
// decode to.
const maxDecoded = MaxStringLength * 5 / 8

// decodeStrict validates and decodes s in one pass into a stack buffer
// (udf.md §2.2, Go rule) and returns the number of characters and the
// decoded whole bytes, which alias buf.
func decodeStrict(s string, buf *[maxDecoded]byte) (int, []byte, error) {
	if len(s) > MaxStringLength {
		return 0, nil, fmt.Errorf("udf: string too long: %d bytes, limit %d", len(s), MaxStringLength)
	}
	var acc uint
	var nacc uint
	n, o := 0, 0
	for i := 0; i < len(s); i++ {
		v := decodeTable[s[i]]
		switch v {
		case invalidChar:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return 0, nil, &InvalidCharError{Char: r, Position: i}
		case dashChar:
			continue
		}
		n++
		acc = acc<<5 | uint(v)
		nacc += 5
		if nacc >= 8 {
			nacc -= 8
			buf[o] = byte(acc >> nacc)
			o++
		}
	}
	if n == 0 {
		return 0, nil, ErrEmpty
	}
	return n, buf[:o], nil
}

// Parse decodes a UDF string and returns its type byte T and a copy of its
// BDS (udf.md §2.2). Parsing is case-insensitive and dashes may appear
// anywhere; any other character outside A-Z, a-z and 2-7 is an error (an
// *InvalidCharError naming it and its position). Trailing bits that do not
// fill a byte are dropped, so a 28-character string gives T and 16 bytes.
// The string must encode at least two whole bytes (4 characters).
func Parse(s string) (Type, []byte, error) {
	var buf [maxDecoded]byte
	n, bin, err := decodeStrict(s, &buf)
	if err != nil {
		return 0, nil, err
	}
	if len(bin) < 2 {
		return 0, nil, fmt.Errorf("udf: bad length: %d character(s) encode %d whole byte(s), need at least 2 (type and data)", n, len(bin))
	}
	t := Type(bin[0])
	bds := make([]byte, len(bin)-1)
	copy(bds, bin[1:])
	clear(bin) // the decoded value may be key material
	return t, bds, nil
}

// Canonical returns s in canonical form (udf.md §2.1 step 5): upper case,
// with a dash after every 4 characters and no other dashes. Every character
// of s is kept, including trailing bits that do not fill a byte.
func Canonical(s string) (string, error) {
	n, err := countChars(s)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.Grow(n + (n-1)/groupSize)
	i := 0
	for j := 0; j < len(s); j++ {
		v := decodeTable[s[j]]
		if v == dashChar {
			continue
		}
		if i > 0 && i%groupSize == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[v])
		i++
	}
	return sb.String(), nil
}
