package jsonb

import "encoding/base64"

// refWrapColumn is the column after which [REF] wraps base64 text
// (jsonbcd.md §6.1: BaseConvert outputMax = 63).
const refWrapColumn = 63

// b64Writer encodes binary data as base64url without padding, possibly
// across several calls (chunked binary values). In JSONRef mode it applies
// the [REF] wrapping rule of jsonbcd.md §6.1: for each output character
// col += 1; if col > 63, emit LF and two spaces and set col = 2; then emit.
type b64Writer struct {
	carry [3]byte
	n     int // bytes held in carry
	wrap  bool
	col   int
}

func (b *b64Writer) reset(wrap bool, col int) { *b = b64Writer{wrap: wrap, col: col} }

// write appends the encoding of every complete 3-byte group of p (after
// any carried bytes) to dst and keeps the rest.
func (b *b64Writer) write(dst, p []byte) []byte {
	for b.n > 0 && b.n < 3 && len(p) > 0 {
		b.carry[b.n] = p[0]
		b.n++
		p = p[1:]
	}
	if b.n > 0 && b.n < 3 {
		return dst // p was used up filling the carry
	}
	if b.n == 3 {
		dst = b.emit(dst, b.carry[:])
		b.n = 0
	}
	full := len(p) / 3 * 3
	dst = b.emit(dst, p[:full])
	b.n = copy(b.carry[:], p[full:])
	return dst
}

// finish appends the encoding of the carried bytes, without padding.
func (b *b64Writer) finish(dst []byte) []byte {
	dst = b.emit(dst, b.carry[:b.n])
	b.n = 0
	return dst
}

func (b *b64Writer) emit(dst, p []byte) []byte {
	if !b.wrap {
		return base64.RawURLEncoding.AppendEncode(dst, p)
	}
	for len(p) > 0 {
		var g [4]byte
		k := min(len(p), 3)
		base64.RawURLEncoding.Encode(g[:], p[:k])
		for _, c := range g[:base64.RawURLEncoding.EncodedLen(k)] {
			b.col++
			if b.col > refWrapColumn {
				dst = append(dst, '\n', ' ', ' ')
				b.col = 2
			}
			dst = append(dst, c)
		}
		p = p[k:]
	}
	return dst
}
