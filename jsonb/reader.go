package jsonb

import (
	"bufio"
	"bytes"
	"io"
)

// Reader parses a JSON or JSON-B document into Tokens (jsonbcd.md §4, §7).
// Separators are optional, as in [REF] (jsonbcd.md §4.2); the reader checks
// that objects and arrays nest properly, that member names are unique, and
// that nothing but whitespace follows the top-level value.
type Reader struct {
	in    input
	lim   Limits
	stack []frame

	topState   uint8
	topCount   int64 // top-level values completed
	concatened bool

	peeked        bool
	peekTok       Token
	peekRaw       []byte
	peekInCapture bool
	peekMark      readerMark

	bin     binState
	err     error
	scratch []byte
}

// Parser states within a container.
const (
	stStart uint8 = iota // just after '{' or '['
	stValue              // object: a member name was read, its value is next
	stAfter              // a value was read
	stComma              // a ',' was read
)

// Top-level states.
const (
	topStart uint8 = iota
	topInside
	topDone
)

type frame struct {
	obj     bool
	state   uint8
	count   int
	names   []string
	nameSet map[string]struct{}
}

// NewReader returns a Reader over r. Bytes beyond l.MaxBytes are never read.
func NewReader(r io.Reader, l Limits) *Reader {
	rd := &Reader{lim: l.withDefaults()}
	rd.in = input{br: bufio.NewReaderSize(r, readerBufferSize), max: rd.lim.MaxBytes, size: -1}
	return rd
}

// newBytesReader returns a Reader over data, whose size bounds every
// declared length.
func newBytesReader(data []byte, l Limits) *Reader {
	rd := &Reader{lim: l.withDefaults()}
	size := min(max(len(data), 16), readerBufferSize)
	rd.in = input{br: bufio.NewReaderSize(bytes.NewReader(data), size), max: rd.lim.MaxBytes, size: int64(len(data))}
	return rd
}

// AllowConcatenated lets the document be a sequence of top-level values
// with nothing between them, such as an EDS (dare.md §6) or a Gen-B
// signature manifest (dare.md §7.3). Next returns io.EOF at the end of the
// input between two values.
func (r *Reader) AllowConcatenated() { r.concatened = true }

// More reports whether another member or element follows in the current
// object or array, consuming a separating ',' if there is one.
func (r *Reader) More() (bool, error) {
	if r.peeked {
		return r.peekTok.Kind != EndObj && r.peekTok.Kind != EndArr, nil
	}
	if r.err != nil {
		return false, r.err
	}
	if len(r.stack) == 0 {
		return false, syntaxErr(r.in.off, "More called outside an object or array")
	}
	if r.bin.pending {
		if err := r.drainBinary(); err != nil {
			return false, err
		}
	}
	f := &r.stack[len(r.stack)-1]
	c, err := r.in.skipSpace()
	if err == nil && c == ',' && f.state == stAfter {
		if _, err = r.in.readByte(); err == nil {
			f.state = stComma
			c, err = r.in.skipSpace()
		}
	}
	if err == io.EOF {
		err = syntaxErr(r.in.off, "unexpected end of input inside %s", r.containerName())
	}
	if err != nil {
		r.err = err
		return false, err
	}
	return c != '}' && c != ']', nil
}

// Offset returns the offset of the next unread byte.
func (r *Reader) Offset() int64 { return r.in.off }

// Depth returns the number of open objects and arrays.
func (r *Reader) Depth() int { return len(r.stack) }

// Next returns the next token. After the last top-level value it returns
// io.EOF. If the previous token was Binary, its unread bytes are skipped.
// An error is sticky: every later call returns it again.
func (r *Reader) Next() (Token, error) {
	if r.peeked {
		r.peeked = false
		return r.peekTok, nil
	}
	if r.err != nil {
		return Token{}, r.err
	}
	t, err := r.next()
	if err != nil && err != io.EOF {
		r.err = err
	}
	return t, err
}

// Peek returns the next token without consuming it. When it is Binary the
// value's bytes are not consumed either.
func (r *Reader) Peek() (Token, error) {
	if r.peeked {
		return r.peekTok, nil
	}
	if r.err != nil {
		return Token{}, r.err
	}
	r.peekMark = r.currentMark()
	nested := r.in.capOn || r.in.capArmed
	if !nested {
		r.in.cap = r.in.cap[:0]
		r.in.capArmed = true
	}
	t, err := r.next()
	if !nested {
		r.peekRaw = append(r.peekRaw[:0], r.in.cap...)
		r.in.capOn, r.in.capArmed = false, false
	}
	if err != nil {
		if err != io.EOF {
			r.err = err
		}
		return t, err
	}
	r.peeked, r.peekTok, r.peekInCapture = true, t, nested
	return t, nil
}

// next runs the parser until it has one token.
func (r *Reader) next() (Token, error) {
	if r.bin.pending {
		if err := r.drainBinary(); err != nil {
			return Token{}, err
		}
	}
	for {
		c, err := r.in.skipSpace()
		if len(r.stack) == 0 {
			t, again, err := r.topStep(c, err)
			if again {
				continue
			}
			return t, err
		}
		if err == io.EOF {
			return Token{}, syntaxErr(r.in.off, "unexpected end of input inside %s", r.containerName())
		}
		if err != nil {
			return Token{}, err
		}
		f := &r.stack[len(r.stack)-1]
		var t Token
		var again bool
		if f.obj {
			t, again, err = r.objectStep(f, c)
		} else {
			t, again, err = r.arrayStep(f, c)
		}
		if !again {
			return t, err
		}
	}
}

func (r *Reader) containerName() string {
	if r.stack[len(r.stack)-1].obj {
		return "object"
	}
	return "array"
}

// topStep handles the top level: an optional BOM, one value, then only
// whitespace (or more values when concatenation is allowed).
func (r *Reader) topStep(c byte, err error) (Token, bool, error) {
	if err != nil && err != io.EOF {
		return Token{}, false, err
	}
	switch r.topState {
	case topDone:
		if err == io.EOF {
			return Token{}, false, io.EOF
		}
		if !r.concatened {
			return Token{}, false, syntaxErr(r.in.off, "trailing data after top-level value (byte 0x%02x)", c)
		}
		r.topState = topStart
		return Token{}, true, nil
	case topStart:
		if err == io.EOF {
			if r.concatened {
				return Token{}, false, io.EOF
			}
			return Token{}, false, syntaxErr(r.in.off, "unexpected end of input: no value")
		}
		if r.in.off == 0 && c == 0xEF {
			if err := r.skipBOM(); err != nil {
				return Token{}, false, err
			}
			return Token{}, true, nil
		}
		r.topState = topInside
		t, err := r.lexValue(c)
		return t, false, err
	}
	return Token{}, false, syntaxErr(r.in.off, "internal error: top-level state %d", r.topState)
}

// skipBOM consumes a UTF-8 byte order mark at the start of the document
// (jsonbcd.md §4.1 step 2).
func (r *Reader) skipBOM() error {
	var bom [3]byte
	if err := r.in.readFull(bom[:]); err != nil {
		return err
	}
	if bom != [3]byte{0xEF, 0xBB, 0xBF} {
		return syntaxErr(0, "invalid byte 0xef at start of input")
	}
	return nil
}

func (r *Reader) objectStep(f *frame, c byte) (Token, bool, error) {
	switch {
	case c == ',':
		if f.state != stAfter {
			return Token{}, false, syntaxErr(r.in.off, "unexpected ',' in object")
		}
		_, err := r.in.readByte()
		f.state = stComma
		return Token{}, err == nil, err
	case c == '}':
		if f.state == stValue {
			return Token{}, false, syntaxErr(r.in.off, "missing member value before '}'")
		}
		if f.state == stComma {
			return Token{}, false, syntaxErr(r.in.off, "trailing ',' before '}'")
		}
		return r.closeContainer(EndObj)
	case f.state == stValue:
		t, err := r.lexValue(c)
		return t, false, err
	}
	t, err := r.lexName(f, c)
	return t, false, err
}

func (r *Reader) arrayStep(f *frame, c byte) (Token, bool, error) {
	switch {
	case c == ',':
		if f.state != stAfter {
			return Token{}, false, syntaxErr(r.in.off, "unexpected ',' in array")
		}
		_, err := r.in.readByte()
		f.state = stComma
		return Token{}, err == nil, err
	case c == ']':
		if f.state == stComma {
			return Token{}, false, syntaxErr(r.in.off, "trailing ',' before ']'")
		}
		return r.closeContainer(EndArr)
	}
	f.count++
	if f.count > r.lim.MaxMembers {
		return Token{}, false, limitErr(r.in.off, "array has more than MaxMembers (%d) elements", r.lim.MaxMembers)
	}
	t, err := r.lexValue(c)
	return t, false, err
}

func (r *Reader) closeContainer(k TokenKind) (Token, bool, error) {
	r.in.tokenStart()
	t := Token{Kind: k, Offset: r.in.off}
	if _, err := r.in.readByte(); err != nil {
		return Token{}, false, err
	}
	r.stack = r.stack[:len(r.stack)-1]
	r.valueDone()
	return t, false, nil
}

// valueDone moves the enclosing container (or the top level) past a value.
func (r *Reader) valueDone() {
	if len(r.stack) == 0 {
		r.topState = topDone
		r.topCount++
		return
	}
	r.stack[len(r.stack)-1].state = stAfter
}

// push opens an object or array.
func (r *Reader) push(obj bool) error {
	if len(r.stack) >= r.lim.MaxDepth {
		return limitErr(r.in.off, "nesting deeper than MaxDepth (%d)", r.lim.MaxDepth)
	}
	if len(r.stack) < cap(r.stack) {
		r.stack = r.stack[:len(r.stack)+1]
		f := &r.stack[len(r.stack)-1]
		*f = frame{obj: obj, names: f.names[:0]}
	} else {
		r.stack = append(r.stack, frame{obj: obj})
	}
	_, err := r.in.readByte()
	return err
}

// addName records a member name, rejecting duplicates.
func (f *frame) addName(s string) bool {
	if f.nameSet != nil {
		if _, dup := f.nameSet[s]; dup {
			return false
		}
		f.nameSet[s] = struct{}{}
		return true
	}
	for _, n := range f.names {
		if n == s {
			return false
		}
	}
	f.names = append(f.names, s)
	if len(f.names) > smallObjectNames {
		f.nameSet = make(map[string]struct{}, 2*len(f.names))
		for _, n := range f.names {
			f.nameSet[n] = struct{}{}
		}
	}
	return true
}
