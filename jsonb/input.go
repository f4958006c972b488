package jsonb

import (
	"bufio"
	"errors"
	"io"
)

// input is the byte source under a Reader. It counts the offset of every
// byte consumed, enforces Limits.MaxBytes, and can copy consumed bytes into
// a capture buffer (used to keep a value's encoding as Raw).
type input struct {
	br   *bufio.Reader
	off  int64 // offset of the next unconsumed byte
	max  int64 // Limits.MaxBytes
	size int64 // total input size when known, else -1

	capArmed bool // start capturing at the next token start
	capOn    bool
	cap      []byte
}

// remaining returns how many more bytes may be consumed: what is left of
// the input when its size is known, bounded by MaxBytes.
func (in *input) remaining() int64 {
	n := in.max - in.off
	if in.size >= 0 && in.size-in.off < n {
		n = in.size - in.off
	}
	return n
}

// checkDeclared rejects a declared length (of a string, name or binary
// piece starting at tokOff) that the rest of the input cannot hold, before
// anything is allocated for it.
func (in *input) checkDeclared(n uint64, tokOff int64, what string) error {
	rem := in.remaining()
	if n <= uint64(rem) {
		return nil
	}
	if in.size >= 0 && in.size-in.off <= in.max-in.off {
		return syntaxErr(tokOff, "%s length %d exceeds the %d bytes of input left", what, n, rem)
	}
	return limitErr(tokOff, "%s length %d exceeds MaxBytes (%d)", what, n, in.max)
}

// tokenStart marks the first byte of a token: an armed capture begins here.
func (in *input) tokenStart() {
	if in.capArmed {
		in.capArmed = false
		in.capOn = true
	}
}

// peekByte returns the next byte without consuming it.
func (in *input) peekByte() (byte, error) {
	b, err := in.br.Peek(1)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		return 0, &Error{Offset: in.off, Msg: "read error", Err: err}
	}
	return b[0], nil
}

// readByte consumes one byte; the end of input is an error here.
func (in *input) readByte() (byte, error) {
	if in.off >= in.max {
		return 0, limitErr(in.off, "input exceeds MaxBytes (%d)", in.max)
	}
	c, err := in.br.ReadByte()
	if err != nil {
		return 0, in.readErr(err)
	}
	in.off++
	if in.capOn {
		in.cap = append(in.cap, c)
	}
	return c, nil
}

// unreadByte pushes back the byte just read by readByte.
func (in *input) unreadByte() {
	// bufio guarantees UnreadByte succeeds directly after ReadByte.
	_ = in.br.UnreadByte()
	in.off--
	if in.capOn {
		in.cap = in.cap[:len(in.cap)-1]
	}
}

// readFull consumes exactly len(p) bytes.
func (in *input) readFull(p []byte) error {
	if int64(len(p)) > in.max-in.off {
		return limitErr(in.off, "input exceeds MaxBytes (%d)", in.max)
	}
	n, err := io.ReadFull(in.br, p)
	in.consumed(p[:n])
	if err != nil {
		return in.readErr(err)
	}
	return nil
}

// read consumes up to len(p) bytes, at least one unless p is empty.
func (in *input) read(p []byte) (int, error) {
	if rem := in.max - in.off; int64(len(p)) > rem {
		if rem <= 0 {
			return 0, limitErr(in.off, "input exceeds MaxBytes (%d)", in.max)
		}
		p = p[:rem]
	}
	n, err := in.br.Read(p)
	in.consumed(p[:n])
	if n == 0 && err != nil {
		return 0, in.readErr(err)
	}
	return n, nil
}

func (in *input) consumed(p []byte) {
	in.off += int64(len(p))
	if in.capOn {
		in.cap = append(in.cap, p...)
	}
}

// readBE reads a big-endian unsigned integer of width 1, 2, 4 or 8 bytes.
func (in *input) readBE(width int) (uint64, error) {
	var buf [8]byte
	if err := in.readFull(buf[:width]); err != nil {
		return 0, err
	}
	var v uint64
	for _, c := range buf[:width] {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

func (in *input) readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return syntaxErr(in.off, "unexpected end of input")
	}
	return &Error{Offset: in.off, Msg: "read error", Err: err}
}

// skipSpace consumes whitespace and returns the next byte without consuming
// it. [REF] skips space, TAB, CR, LF, FF and BS between tokens (jsonbcd.md
// §4.1 step 1).
func (in *input) skipSpace() (byte, error) {
	for {
		c, err := in.peekByte()
		if err != nil {
			return 0, err
		}
		if !isSpace(c) {
			return c, nil
		}
		if _, err := in.readByte(); err != nil {
			return 0, err
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\b'
}

// appendPlain appends the run of buffered bytes that need no attention
// inside a string literal (no '"', '\' or control character), up to
// limit bytes, and consumes them.
func (in *input) appendPlain(buf []byte, limit int) []byte {
	n := in.br.Buffered()
	if n == 0 {
		if _, err := in.br.Peek(1); err != nil {
			return buf
		}
		n = in.br.Buffered()
	}
	n = int(min(int64(n), int64(limit), in.max-in.off))
	p, _ := in.br.Peek(n)
	i := 0
	for i < len(p) && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\' {
		i++
	}
	buf = append(buf, p[:i]...)
	in.consumed(p[:i])
	// Discard of buffered bytes cannot fail.
	_, _ = in.br.Discard(i)
	return buf
}
