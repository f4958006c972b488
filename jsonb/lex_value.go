package jsonb

import (
	"fmt"
	"io"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/mathmesh/mesh/internal/tagwidth"
)

// lexValue reads the token that starts a value; c is its first byte.
func (r *Reader) lexValue(c byte) (Token, error) {
	r.in.tokenStart()
	off := r.in.off
	t := Token{Offset: off}
	var err error
	switch {
	case c == '{' || c == '[':
		t.Kind = BeginObj
		if c == '[' {
			t.Kind = BeginArr
		}
		return t, r.push(c == '{')
	case c == '"':
		t.Kind = String
		t.Str, err = r.lexTextString(r.lim.MaxStringBytes)
	case c == '-' || isDigit(c):
		t.Kind = Number
		t.Str, err = r.lexNumber()
	case c == 't' || c == 'f' || c == 'n':
		t.Kind, err = r.lexLiteral()
	case c >= 0x80:
		// A Binary value is complete once its bytes are consumed, but
		// the parser state can advance now.
		t, err = r.lexBinaryValue(c)
	case c == ':' || c == ',' || c == '}' || c == ']':
		return t, syntaxErr(off, "unexpected '%c' where a value is expected", c)
	default:
		return t, syntaxErr(off, "invalid character %q where a value is expected", c)
	}
	if err != nil {
		return Token{}, err
	}
	r.valueDone()
	return t, nil
}

// lexName reads a member name in one of the forms of jsonbcd.md §4.2:
// B4–B7 tag string (no colon); text string and ':'; 80–87 string with or
// without ':'.
func (r *Reader) lexName(f *frame, c byte) (Token, error) {
	r.in.tokenStart()
	t := Token{Kind: Name, Offset: r.in.off}
	var err error
	switch {
	case c >= tagName && c <= tagName+3:
		t.Str, err = r.lexTagName()
	case c == '"':
		if t.Str, err = r.lexTextString(r.lim.MaxStringBytes); err == nil {
			err = r.expectColon(t.Str, true)
		}
	case c >= tagStringTerm && c <= tagStringChunk+3:
		if t.Str, err = r.lexBString(); err == nil {
			err = r.expectColon(t.Str, false)
		}
	default:
		return Token{}, syntaxErr(t.Offset, "expected member name, found %s", describeByte(c))
	}
	if err != nil {
		return Token{}, err
	}
	f.count++
	if f.count > r.lim.MaxMembers {
		return Token{}, limitErr(t.Offset, "object has more than MaxMembers (%d) members", r.lim.MaxMembers)
	}
	if !f.addName(t.Str) {
		return Token{}, syntaxErr(t.Offset, "duplicate member name %q", t.Str)
	}
	f.state = stValue
	return t, nil
}

// expectColon consumes the ':' after a string member name; it is required
// after a text string and optional after an 80–87 string.
func (r *Reader) expectColon(name string, required bool) error {
	c, err := r.in.skipSpace()
	switch {
	case err == io.EOF:
		return syntaxErr(r.in.off, "unexpected end of input after member name %q", name)
	case err != nil:
		return err
	case c == ':':
		_, err = r.in.readByte()
		return err
	case required:
		return syntaxErr(r.in.off, "expected ':' after member name %q, found %s", name, describeByte(c))
	}
	return nil
}

func describeByte(c byte) string {
	if c >= 0x20 && c < 0x7F {
		return "'" + string(rune(c)) + "'"
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// lexTagName reads a B4–B7 member name: length then UTF-8 bytes.
func (r *Reader) lexTagName() (string, error) {
	off := r.in.off
	tag, err := r.in.readByte()
	if err != nil {
		return "", err
	}
	n, err := r.in.readBE(tagwidth.Bytes(tag))
	if err != nil {
		return "", err
	}
	b, err := r.readCounted(n, off, "member name", r.lim.MaxStringBytes, nil)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", syntaxErr(off, "invalid UTF-8 in member name")
	}
	return string(b), nil
}

// lexBString reads an 80–83 string, or 84–87 chunks ending with one
// ([B21] §4: b-string = *(string-chunk) string-term).
func (r *Reader) lexBString() (string, error) {
	off := r.in.off
	buf := r.scratch[:0]
	defer func() { r.scratch = buf[:0] }()
	for {
		tag, err := r.in.readByte()
		if err != nil {
			return "", err
		}
		if tag < tagStringTerm || tag > tagStringChunk+3 {
			return "", syntaxErr(r.in.off-1, "string chunk not followed by a string chunk or string-term (found %s)", describeByte(tag))
		}
		n, err := r.in.readBE(tagwidth.Bytes(tag))
		if err != nil {
			return "", err
		}
		if buf, err = r.readCounted(n, off, "string", r.lim.MaxStringBytes-len(buf), buf); err != nil {
			return "", err
		}
		if tag < tagStringChunk {
			break
		}
	}
	if !utf8.Valid(buf) {
		return "", syntaxErr(off, "invalid UTF-8 in string")
	}
	return string(buf), nil
}

// readCounted appends n input bytes to buf after checking n against the
// limit and the input left. When the input size is unknown (a stream), a
// declared length is not proof that the bytes exist, so memory grows in
// steps of at most initialBinaryAlloc as the bytes actually arrive, as
// ReadBinary does: a few header bytes cannot make the reader allocate
// MaxStringBytes.
func (r *Reader) readCounted(n uint64, off int64, what string, limit int, buf []byte) ([]byte, error) {
	if n > uint64(limit) {
		return nil, limitErr(off, "%s longer than MaxStringBytes (%d)", what, r.lim.MaxStringBytes)
	}
	if err := r.in.checkDeclared(n, off, what); err != nil {
		return nil, err
	}
	step := int(n)
	if r.in.size < 0 {
		step = min(step, initialBinaryAlloc)
	}
	for left := int(n); left > 0; {
		k := min(left, step)
		l := len(buf)
		buf = slices.Grow(buf, k)[:l+k]
		if err := r.in.readFull(buf[l:]); err != nil {
			return nil, err
		}
		left -= k
	}
	return buf, nil
}

// lexBinaryValue reads a value token starting with a byte >= 0x80
// (jsonbcd.md §3). Binary data is left pending for BinaryReader.
func (r *Reader) lexBinaryValue(c byte) (Token, error) {
	off := r.in.off
	t := Token{Offset: off}
	switch {
	case c <= tagStringChunk+3:
		s, err := r.lexBString()
		t.Kind, t.Str = String, s
		return t, err
	case c <= tagDataChunk+3:
		return r.lexBinaryStart(off)
	case c == tagBinary64:
		return r.lexFloat(off)
	case c >= tagPosInt && c <= tagPosInt+3 || c >= tagNegInt && c <= tagNegInt+3:
		return r.lexInt(off)
	case c == tagTrue || c == tagFalse || c == tagNull:
		_, err := r.in.readByte()
		t.Kind = [...]TokenKind{True, False, Null}[c-tagTrue]
		return t, err
	case c >= tagName && c <= tagName+3:
		return t, syntaxErr(off, "member name tag 0x%02x where a value is expected", c)
	case c >= 0x90 && c <= 0x98, c >= 0xA4 && c <= 0xA7, c >= 0xAC && c <= 0xAF, c >= 0xC0 && c <= 0xD0:
		return t, &Error{Offset: off, Msg: fmt.Sprintf("unsupported JSON-C/JSON-D tag 0x%02x", c), Err: ErrUnsupported}
	case c >= tagFrameFirst:
		return t, syntaxErr(off, "frame tag 0x%02x is not a JSON value", c)
	}
	return t, syntaxErr(off, "unknown tag 0x%02x", c)
}

func (r *Reader) lexInt(off int64) (Token, error) {
	tag, err := r.in.readByte()
	if err != nil {
		return Token{}, err
	}
	mag, err := r.in.readBE(tagwidth.Bytes(tag))
	if err != nil {
		return Token{}, err
	}
	return Token{Kind: Int, Offset: off, Neg: tag >= tagNegInt, Mag: mag}, nil
}

// lexFloat reads 0x92 + 8 bytes IEEE 754 binary64, big-endian ([B21] §4).
// NaN and infinities are rejected: no Mesh value holds them and JSON text
// cannot carry them.
func (r *Reader) lexFloat(off int64) (Token, error) {
	if _, err := r.in.readByte(); err != nil {
		return Token{}, err
	}
	bits, err := r.in.readBE(8)
	if err != nil {
		return Token{}, err
	}
	f := math.Float64frombits(bits)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Token{}, syntaxErr(off, "binary64 NaN or infinity is not a JSON value")
	}
	return Token{Kind: Float, Offset: off, Float: f}, nil
}
