package jsonb

import "github.com/mathmesh/mesh/internal/tagwidth"

// Tag bytes (jsonbcd.md §3; [B21] §4 Tables 1 and 2). The low two bits of
// the length-prefixed and integer families select the width: 00 = 1 byte,
// 01 = 2, 10 = 4, 11 = 8.
const (
	tagStringTerm  = 0x80 // 80–83 string-term: length + UTF-8
	tagStringChunk = 0x84 // 84–87 string-chunk: more follows
	tagDataTerm    = 0x88 // 88–8B data-term: length + bytes
	tagDataChunk   = 0x8C // 8C–8F data-chunk: more follows
	tagBinary64    = 0x92 // IEEE 754 binary64, big-endian
	tagPosInt      = 0xA0 // A0–A3 positive integer magnitude
	tagNegInt      = 0xA8 // A8–AB negative integer magnitude
	tagTrue        = 0xB0
	tagFalse       = 0xB1
	tagNull        = 0xB2
	tagName        = 0xB4 // B4–B7 member name, not in [B21] (jsonbcd.md §4.2 form 1)
	tagFrameFirst  = 0xF0 // F0–FF frame and record codes, never values (§8)
)

// appendTagged appends tag|width followed by n in the smallest width.
func appendTagged(b []byte, tag byte, n uint64) []byte {
	w := tagwidth.Code(n)
	b = append(b, tag|w)
	for i := (1 << w) - 1; i >= 0; i-- {
		b = append(b, byte(n>>(8*uint(i))))
	}
	return b
}
