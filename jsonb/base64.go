package jsonb

import "fmt"

// b64Value maps both the base64url and the standard alphabet to 6-bit
// values, as the [REF] decode table does (jsonbcd.md §6.2); 0xFF marks
// every other byte.
var b64Value = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 0xFF
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range len(std) {
		t[std[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

// decodeBase64Text decodes binary data carried in a JSON text string:
// base64url or base64, padded or not. Whitespace (the [REF] wrapping) is
// ignored anywhere; '=' only as trailing padding. Trailing bits that are
// not zero are rejected, so each value has one encoding.
func decodeBase64Text(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)*3/4)
	var acc uint32
	n, pad := 0, false
	for i := range len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			continue
		case c == '=':
			pad = true
			continue
		}
		v := b64Value[c]
		if v == 0xFF {
			return nil, fmt.Errorf("invalid base64 character %q at position %d", c, i)
		}
		if pad {
			return nil, fmt.Errorf("base64 data after '=' at position %d", i)
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 1:
		return nil, fmt.Errorf("truncated base64: %d characters", len(s))
	case 2:
		if acc&0xF != 0 {
			return nil, fmt.Errorf("non-canonical base64: trailing bits set")
		}
		out = append(out, byte(acc>>4))
	case 3:
		if acc&0x3 != 0 {
			return nil, fmt.Errorf("non-canonical base64: trailing bits set")
		}
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return out, nil
}
