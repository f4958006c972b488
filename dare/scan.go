package dare

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// scanner reads the envelope framing of dare.md §2.1 from a stream: the
// outer array (optionally tagged {"DareEnvelope": [...]}), the raw bytes of
// the header and trailer objects, and the body as a JSON-B data item or a
// base64url JSON string. It does not interpret the objects (package jsonb
// does); it only finds their extent, enforcing MaxHeaderSize and
// MaxTrailerSize. Offsets in errors are byte offsets from the start.
type scanner struct {
	r   *bufio.Reader
	off int64
}

func newScanner(r io.Reader) *scanner {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &scanner{r: br}
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("dare: byte offset %d: %s", s.off, fmt.Sprintf(format, args...))
}

// eofError turns io.EOF into a truncation error naming what was read.
func (s *scanner) eofError(err error, what string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return s.errorf("envelope truncated in %s", what)
	}
	return fmt.Errorf("dare: reading %s: %w", what, err)
}

func (s *scanner) peek() (byte, error) {
	b, err := s.r.Peek(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (s *scanner) readByte() (byte, error) {
	c, err := s.r.ReadByte()
	if err == nil {
		s.off++
	}
	return c, err
}

// isSpace is JSON whitespace plus the FF and BS that [REF] skips
// (jsonbcd.md §4.1).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\b'
}

// separator skips whitespace and at most one comma, returning the bytes
// skipped (checked against our canonical framing for authenticated
// envelopes). JSON-B needs no commas (jsonbcd.md §4.2).
func (s *scanner) separator(what string) (string, error) {
	var skipped []byte
	comma := false
	for len(skipped) <= maxEnvelopePrefix {
		c, err := s.peek()
		if err != nil {
			return "", s.eofError(err, what)
		}
		if isSpace(c) || (c == ',' && !comma) {
			comma = comma || c == ','
			skipped = append(skipped, c)
			s.readByte()
			continue
		}
		return string(skipped), nil
	}
	return "", s.errorf("more than %d separator bytes before %s", maxEnvelopePrefix, what)
}

// expect consumes c or fails naming what was expected.
func (s *scanner) expect(c byte, what string) error {
	got, err := s.readByte()
	if err != nil {
		return s.eofError(err, what)
	}
	if got != c {
		s.off--
		return s.errorf("found %s, want %q (%s)", describe(got), c, what)
	}
	return nil
}

func describe(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// readN reads exactly n bytes (n already checked against a limit).
func (s *scanner) readN(dst []byte, n int, what string) ([]byte, error) {
	start := len(dst)
	dst = append(dst, make([]byte, n)...)
	m, err := io.ReadFull(s.r, dst[start:])
	s.off += int64(m)
	if err != nil {
		return nil, s.eofError(err, what)
	}
	return dst, nil
}

// readLength reads a big-endian length of 1 << (tag & 3) bytes, appending
// the bytes read to raw.
func (s *scanner) readLength(raw []byte, tag byte, what string) ([]byte, uint64, error) {
	w := 1 << (tag & 3)
	raw, err := s.readN(raw, w, what)
	if err != nil {
		return nil, 0, err
	}
	var buf [8]byte
	copy(buf[8-w:], raw[len(raw)-w:])
	return raw, binary.BigEndian.Uint64(buf[:]), nil
}

// readObject returns the raw bytes of one JSON or JSON-B object, at most
// limit bytes long (dare.md §2.2; jsonbcd.md §3 token lengths).
func (s *scanner) readObject(limit int, what string) ([]byte, error) {
	start := s.off
	c, err := s.peek()
	if err != nil {
		return nil, s.eofError(err, what)
	}
	if c != '{' {
		return nil, s.errorf("found %s, want '{' starting the %s", describe(c), what)
	}
	var raw []byte
	depth := 0
	for {
		if len(raw) > limit {
			return nil, fmt.Errorf("dare: byte offset %d: %s exceeds %d bytes", start, what, limit)
		}
		c, err := s.readByte()
		if err != nil {
			return nil, s.eofError(err, what)
		}
		raw = append(raw, c)
		switch {
		case c == '{' || c == '[':
			depth++
			if depth > 64 {
				return nil, s.errorf("%s nests deeper than 64 levels", what)
			}
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return raw, nil
			}
		case c == '"':
			if raw, err = s.readString(raw, limit, what); err != nil {
				return nil, err
			}
		case c >= 0x80:
			if raw, err = s.readToken(raw, c, limit, what); err != nil {
				return nil, err
			}
		}
	}
}

// readString consumes a JSON string after its opening quote.
func (s *scanner) readString(raw []byte, limit int, what string) ([]byte, error) {
	for len(raw) <= limit {
		c, err := s.readByte()
		if err != nil {
			return nil, s.eofError(err, what)
		}
		raw = append(raw, c)
		switch c {
		case '"':
			return raw, nil
		case '\\':
			c, err = s.readByte()
			if err != nil {
				return nil, s.eofError(err, what)
			}
			raw = append(raw, c)
		}
	}
	return nil, s.errorf("%s exceeds %d bytes", what, limit)
}

// readToken consumes the operand of a JSON-B token (jsonbcd.md §3).
func (s *scanner) readToken(raw []byte, tag byte, limit int, what string) ([]byte, error) {
	var err error
	switch {
	case tag <= 0x8f || (tag >= 0xb4 && tag <= 0xb7): // strings, data, names
		var n uint64
		if raw, n, err = s.readLength(raw, tag, what); err != nil {
			return nil, err
		}
		if n > uint64(limit-len(raw)) || int(n) < 0 {
			return nil, s.errorf("JSON-B item of %d bytes in the %s exceeds its %d-byte limit", n, what, limit)
		}
		return s.readN(raw, int(n), what)
	case tag >= 0xa0 && tag <= 0xa3, tag >= 0xa8 && tag <= 0xab:
		return s.readN(raw, 1<<(tag&3), what)
	case tag == 0x92:
		return s.readN(raw, 8, what)
	case tag >= 0xb0 && tag <= 0xb2:
		return raw, nil
	}
	s.off--
	return nil, s.errorf("unsupported JSON-B tag 0x%02x in the %s", tag, what)
}

// maxItemLength bounds a declared body length (it must fit an int64).
const maxItemLength = math.MaxInt64
