package dare

import (
	"encoding/base64"
	"io"

	"github.com/mathmesh/mesh/internal/tagwidth"
)

// dataItemReader streams the content of a JSON-B data item: one data-term
// (0x88-0x8B) or a run of data-chunks (0x8C-0x8F) ending with a data-term
// (dare.md §2.1, jsonbcd.md §4.3). Lengths are checked against what
// actually follows: a length that lies is a truncation error.
type dataItemReader struct {
	s         *scanner
	left      uint64 // bytes left in the current item
	last      bool   // the current item is the terminal one
	started   bool
	canonical bool // shortest length widths; chunks as our writer makes them
	chunked   bool // at least one data-chunk (0x8C-0x8F)
	short     bool // a chunk shorter than streamChunkSize was seen
}

func newDataItemReader(s *scanner) *dataItemReader {
	return &dataItemReader{s: s, canonical: true}
}

func (d *dataItemReader) next() error {
	tag, err := d.s.readByte()
	if err != nil {
		return d.s.eofError(err, "body")
	}
	if tag < 0x88 || tag > 0x8f {
		d.s.off--
		return d.s.errorf("found %s, want a JSON-B data item (0x88-0x8f) in the body", describe(tag))
	}
	_, n, err := d.s.readLength(nil, tag, "body length")
	if err != nil {
		return err
	}
	if n > maxItemLength {
		return d.s.errorf("body item declares %d bytes, more than any file can hold", n)
	}
	if w := tag & 3; w != tagwidth.Code(n) {
		d.canonical = false
	}
	d.left, d.last, d.started = n, tag <= 0x8b, true
	// Canonical chunking (docs/dare.md §2.3): chunks of exactly
	// streamChunkSize bytes, then at most one shorter non-empty chunk,
	// then the empty data-term 88 00.
	switch {
	case !d.last && (d.short || n == 0 || n > streamChunkSize):
		d.canonical = false
	case !d.last:
		d.chunked = true
		d.short = n < streamChunkSize
	case d.chunked && n != 0:
		d.canonical = false
	}
	return nil
}

func (d *dataItemReader) Read(p []byte) (int, error) {
	if !d.started {
		if err := d.next(); err != nil {
			return 0, err
		}
	}
	for d.left == 0 {
		if d.last {
			return 0, io.EOF
		}
		if err := d.next(); err != nil {
			return 0, err
		}
	}
	if uint64(len(p)) > d.left {
		p = p[:d.left]
	}
	n, err := d.s.r.Read(p)
	d.s.off += int64(n)
	d.left -= uint64(n)
	if err == io.EOF {
		if d.left > 0 {
			return n, d.s.errorf("envelope truncated in the body: %d more bytes declared", d.left)
		}
		err = nil
	}
	return n, err
}

// base64Reader streams the body of the JSON form: a base64url string
// (dare.md §2.1). Tolerant mode follows jsonbcd.md §6.2 (whitespace and
// '=' ignored, +/ accepted); strict mode, for authenticated envelopes,
// rejects anything but the unpadded base64url alphabet and non-zero
// trailing bits, so that no byte of the text can change unnoticed.
type base64Reader struct {
	s         *scanner
	strict    bool
	quad      [4]byte
	nq        int
	out       [3]byte
	nout      int
	done      bool
	canonical bool
}

func newBase64Reader(s *scanner, strict bool) *base64Reader {
	return &base64Reader{s: s, strict: strict, canonical: true}
}

var b64val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := 0; i < 64; i++ {
		t[url[i]] = byte(i)
	}
	t['+'], t['/'] = 62, 63
	return t
}()

func (b *base64Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if b.nout > 0 {
			c := copy(p[n:], b.out[:b.nout])
			copy(b.out[:], b.out[c:b.nout])
			b.nout -= c
			n += c
			continue
		}
		if b.done {
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		if err := b.fill(); err != nil {
			return n, err
		}
		if n > 0 && b.nout == 0 && !b.done {
			return n, nil
		}
	}
	return n, nil
}

// fill decodes the next quantum of up to four characters.
func (b *base64Reader) fill() error {
	for b.nq < 4 {
		c, err := b.s.readByte()
		if err != nil {
			return b.s.eofError(err, "base64 body")
		}
		if c == '"' {
			b.done = true
			return b.flush()
		}
		v := b64val[c]
		if v == 0xff || c == '+' || c == '/' {
			if isSpace(c) || c == '=' || c == '+' || c == '/' {
				b.canonical = false
				if b.strict {
					return b.s.errorf("non-canonical base64 character %s in the body of an authenticated envelope", describe(c))
				}
				if v == 0xff {
					continue
				}
			} else {
				b.s.off--
				return b.s.errorf("invalid base64 character %s in the body", describe(c))
			}
		}
		b.quad[b.nq] = v
		b.nq++
	}
	return b.flush()
}

// flush decodes the buffered quantum into out.
func (b *base64Reader) flush() error {
	if b.nq == 0 {
		return nil
	}
	if b.nq == 1 {
		return b.s.errorf("base64 body ends with a single character")
	}
	q := b.quad
	for i := b.nq; i < 4; i++ {
		q[i] = 0
	}
	v := uint32(q[0])<<18 | uint32(q[1])<<12 | uint32(q[2])<<6 | uint32(q[3])
	b.out = [3]byte{byte(v >> 16), byte(v >> 8), byte(v)}
	b.nout = b.nq - 1
	if b.nq < 4 && v&(1<<(8*(3-b.nout))-1) != 0 {
		b.canonical = false
		if b.strict {
			return b.s.errorf("base64 body has non-zero trailing bits")
		}
	}
	b.nq = 0
	return nil
}

// b64 is the unpadded base64url encoding used for JSON binary values.
var b64 = base64.RawURLEncoding
