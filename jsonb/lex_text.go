package jsonb

import (
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// lexTextString reads a JSON text string; the opening quote is next. A raw
// LF (or CR LF) inside the literal, with the spaces after it, is [REF]
// base64 wrapping and is removed (jsonbcd.md §6.2). Other raw control
// characters are errors, as in RFC 8259.
func (r *Reader) lexTextString(maxLen int) (string, error) {
	in := &r.in
	start := in.off
	if _, err := in.readByte(); err != nil {
		return "", err
	}
	buf := r.scratch[:0]
	defer func() { r.scratch = buf[:0] }()
	for {
		buf = in.appendPlain(buf, maxLen+1-len(buf))
		if len(buf) > maxLen {
			return "", limitErr(start, "string longer than MaxStringBytes (%d)", maxLen)
		}
		c, err := in.readByte()
		if err != nil {
			return "", err
		}
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				return "", syntaxErr(start, "invalid UTF-8 in string")
			}
			return string(buf), nil
		case c == '\\':
			if buf, err = r.lexEscape(buf); err != nil {
				return "", err
			}
		case c == '\r' || c == '\n':
			if err := r.skipWrap(c); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", syntaxErr(in.off-1, "raw control character 0x%02x in string", c)
		default:
			buf = append(buf, c)
		}
	}
}

// skipWrap consumes the rest of a [REF] line wrap: an optional LF after CR,
// then spaces.
func (r *Reader) skipWrap(c byte) error {
	in := &r.in
	if c == '\r' {
		n, err := in.readByte()
		if err != nil {
			return err
		}
		if n != '\n' {
			return syntaxErr(in.off-2, "raw CR in string not followed by LF")
		}
	}
	for {
		n, err := in.readByte()
		if err != nil {
			return err
		}
		if n != ' ' {
			in.unreadByte()
			return nil
		}
	}
}

// lexEscape decodes one escape sequence; the backslash has been read.
func (r *Reader) lexEscape(buf []byte) ([]byte, error) {
	in := &r.in
	at := in.off - 1
	c, err := in.readByte()
	if err != nil {
		return nil, err
	}
	switch c {
	case '"', '\\', '/':
		return append(buf, c), nil
	case 'b':
		return append(buf, '\b'), nil
	case 'f':
		return append(buf, '\f'), nil
	case 'n':
		return append(buf, '\n'), nil
	case 'r':
		return append(buf, '\r'), nil
	case 't':
		return append(buf, '\t'), nil
	case 'u':
	default:
		return nil, syntaxErr(at, "invalid escape '\\%c' in string", c)
	}
	u, err := r.lexHex4(at)
	if err != nil {
		return nil, err
	}
	if utf16.IsSurrogate(rune(u)) {
		if u >= 0xDC00 {
			return nil, syntaxErr(at, "unpaired surrogate \\u%04X in string", u)
		}
		b1, err1 := in.readByte()
		b2, err2 := in.readByte()
		if err1 != nil || err2 != nil || b1 != '\\' || b2 != 'u' {
			return nil, syntaxErr(at, "unpaired surrogate \\u%04X in string", u)
		}
		lo, err := r.lexHex4(at)
		if err != nil {
			return nil, err
		}
		ch := utf16.DecodeRune(rune(u), rune(lo))
		if ch == utf8.RuneError {
			return nil, syntaxErr(at, "unpaired surrogate \\u%04X in string", u)
		}
		return utf8.AppendRune(buf, ch), nil
	}
	return utf8.AppendRune(buf, rune(u)), nil
}

func (r *Reader) lexHex4(at int64) (uint16, error) {
	var u uint16
	for range 4 {
		c, err := r.in.readByte()
		if err != nil {
			return 0, err
		}
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, syntaxErr(at, "invalid \\u escape in string")
		}
		u = u<<4 | uint16(d)
	}
	return u, nil
}

// lexNumber reads a JSON text number (RFC 8259 §6 grammar, [B21] §3).
func (r *Reader) lexNumber() (string, error) {
	in := &r.in
	start := in.off
	// The number text becomes Token.Str, so MaxStringBytes bounds it too.
	limit := min(maxNumberLen, r.lim.MaxStringBytes)
	buf := r.scratch[:0]
	defer func() { r.scratch = buf[:0] }()
	for {
		c, err := in.peekByte()
		if err != nil && err != io.EOF {
			return "", err
		}
		if err != nil || !isNumberByte(c) {
			if err == nil && isIdentByte(c) {
				return "", syntaxErr(in.off, "invalid character %q after number", c)
			}
			break
		}
		if len(buf) >= limit {
			return "", limitErr(start, "number longer than %d characters", limit)
		}
		if _, err := in.readByte(); err != nil {
			return "", err
		}
		buf = append(buf, c)
	}
	if !validNumber(buf) {
		return "", syntaxErr(start, "invalid number %q", buf)
	}
	return string(buf), nil
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// validNumber checks number = [ "-" ] int [ frac ] [ exp ].
func validNumber(s []byte) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i == len(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lexLiteral reads true, false or null.
func (r *Reader) lexLiteral() (TokenKind, error) {
	in := &r.in
	start := in.off
	var buf [maxLiteralLen]byte
	n := 0
	for n < maxLiteralLen {
		c, err := in.peekByte()
		if err != nil || !isIdentByte(c) {
			break
		}
		if _, err := in.readByte(); err != nil {
			return 0, err
		}
		buf[n] = c
		n++
	}
	if c, err := in.peekByte(); err == nil && (isIdentByte(c) || isDigit(c)) {
		return 0, syntaxErr(start, "invalid literal starting %q", buf[:n])
	}
	switch string(buf[:n]) {
	case "true":
		return True, nil
	case "false":
		return False, nil
	case "null":
		return Null, nil
	}
	return 0, syntaxErr(start, "invalid literal %q", buf[:n])
}
