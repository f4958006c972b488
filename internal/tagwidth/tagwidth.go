// Package tagwidth holds the length-field rule shared by the JSON-B tags
// (jsonbcd.md §4.3), DARE data items (dare.md §4) and DARE sequence frame
// and record tags (dare.md §8.1): the low two bits of a tag select a 1-, 2-,
// 4- or 8-byte big-endian length, and the canonical encoding uses the
// shortest width that holds the value. Packages jsonb, dare and sequence
// all call it, so the rule exists once.
package tagwidth

// Code returns the width code (0..3) of the shortest length field that
// holds n: < 0x100 → 1 byte, < 0x10000 → 2, < 2³² → 4, else 8.
func Code(n uint64) byte {
	switch {
	case n < 1<<8:
		return 0
	case n < 1<<16:
		return 1
	case n < 1<<32:
		return 2
	}
	return 3
}

// Bytes returns the number of length bytes selected by the low two bits of
// tag: 1, 2, 4 or 8.
func Bytes(tag byte) int { return 1 << (tag & 3) }
