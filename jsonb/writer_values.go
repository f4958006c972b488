package jsonb

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// DateTimeLayout is the Mesh DateTime text form (jsonbcd.md §4.3, §6.1).
// It has one-second resolution: fractions of a second are dropped on write.
const DateTimeLayout = "2006-01-02T15:04:05Z"

// String writes a string, which must be valid UTF-8.
func (w *Writer) String(s string) error {
	if err := checkUTF8(s, "string"); err != nil {
		return w.fail(err)
	}
	if err := w.beforeValue(); err != nil {
		return err
	}
	w.textNum = false
	switch w.enc {
	case JSONB:
		w.buf = appendTagged(w.buf, tagStringTerm, uint64(len(s)))
		w.buf = append(w.buf, s...)
	case JSON:
		w.buf = appendQuoted(w.buf, s)
	case JSONRef:
		w.buf = appendRefQuoted(w.buf, s)
	}
	return w.afterValue()
}

// Int writes a signed integer.
func (w *Writer) Int(v int64) error {
	if v < 0 {
		return w.integer(true, uint64(-v))
	}
	return w.integer(false, uint64(v))
}

// Uint writes an unsigned integer.
func (w *Writer) Uint(v uint64) error { return w.integer(false, v) }

// integer writes A0+w / A8+w and the magnitude in the smallest width in
// JSON-B (jsonbcd.md §4.3), else decimal text.
func (w *Writer) integer(neg bool, mag uint64) error {
	if err := w.beforeValue(); err != nil {
		return err
	}
	if w.enc == JSONB {
		w.textNum = false
		tag := byte(tagPosInt)
		if neg {
			tag = tagNegInt
		}
		w.buf = appendTagged(w.buf, tag, mag)
		return w.afterValue()
	}
	if neg {
		w.buf = append(w.buf, '-')
	}
	w.buf = strconv.AppendUint(w.buf, mag, 10)
	return w.afterValue()
}

// Float writes a float64 as decimal text in every encoding, as [REF] does
// (jsonbcd.md §4.3). The text always holds '.' or an exponent, so it reads
// back as a float. NaN and infinities are errors.
func (w *Writer) Float(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return w.fail(encodeErr("cannot encode %v", f))
	}
	return w.number(formatFloat(f))
}

func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	for i := 0; i < len(s); i++ {
		if s[i] == '.' || s[i] == 'e' {
			return s
		}
	}
	return s + ".0"
}

// number writes the text of a JSON number. In JSON-B two text numbers in a
// row would run together, so a ',' separates them.
func (w *Writer) number(text string) error {
	if !validNumber([]byte(text)) {
		return w.fail(encodeErr("invalid number %q", text))
	}
	sep := w.enc == JSONB && w.textNum
	if err := w.beforeValue(); err != nil {
		return err
	}
	if sep {
		w.buf = append(w.buf, ',')
	}
	w.buf = append(w.buf, text...)
	w.textNum = w.enc == JSONB
	return w.afterValue()
}

// Bool writes true or false.
func (w *Writer) Bool(v bool) error {
	if err := w.beforeValue(); err != nil {
		return err
	}
	w.textNum = false
	switch {
	case w.enc == JSONB && v:
		w.buf = append(w.buf, tagTrue)
	case w.enc == JSONB:
		w.buf = append(w.buf, tagFalse)
	case v:
		w.buf = append(w.buf, "true"...)
	default:
		w.buf = append(w.buf, "false"...)
	}
	return w.afterValue()
}

// Null writes null.
func (w *Writer) Null() error {
	if err := w.beforeValue(); err != nil {
		return err
	}
	w.textNum = false
	if w.enc == JSONB {
		w.buf = append(w.buf, tagNull)
	} else {
		w.buf = append(w.buf, "null"...)
	}
	return w.afterValue()
}

// DateTime writes t in UTC as "yyyy-MM-ddTHH:mm:ssZ", a JSON text string
// even in JSON-B (jsonbcd.md §4.3).
func (w *Writer) DateTime(t time.Time) error {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return w.fail(encodeErr("DateTime year %d outside 0000-9999", y))
	}
	if err := w.beforeValue(); err != nil {
		return err
	}
	w.textNum = false
	w.buf = append(w.buf, '"')
	w.buf = t.AppendFormat(w.buf, DateTimeLayout)
	w.buf = append(w.buf, '"')
	return w.afterValue()
}

// Binary writes a binary value: 88+w in JSON-B, base64url text otherwise.
// After BinaryChunk calls it writes the final piece (the data-term) and
// ends the value.
func (w *Writer) Binary(p []byte) error {
	if !w.chunking {
		if err := w.beforeValue(); err != nil {
			return err
		}
		w.openBinary()
	}
	w.chunking = false
	if w.enc == JSONB {
		w.buf = appendTagged(w.buf, tagDataTerm, uint64(len(p)))
		w.buf = append(w.buf, p...)
	} else {
		w.buf = w.b64.write(w.buf, p)
		w.buf = w.b64.finish(w.buf)
		w.buf = append(w.buf, '"')
	}
	return w.afterValue()
}

// BinaryChunk writes one non-final piece of a binary value of unknown
// length: an 8C+w data-chunk in JSON-B (jsonbcd.md §4.3). End the value
// with Binary, which may be given an empty final piece.
func (w *Writer) BinaryChunk(p []byte) error {
	if w.err != nil {
		return w.err
	}
	if !w.chunking {
		if err := w.beforeValue(); err != nil {
			return err
		}
		w.openBinary()
		w.chunking = true
	}
	if w.enc == JSONB {
		w.buf = appendTagged(w.buf, tagDataChunk, uint64(len(p)))
		w.buf = append(w.buf, p...)
	} else {
		w.buf = w.b64.write(w.buf, p)
	}
	return w.maybeFlush()
}

func (w *Writer) openBinary() {
	w.textNum = false
	if w.enc != JSONB {
		w.buf = append(w.buf, '"')
		w.b64.reset(w.enc == JSONRef, w.nameCol)
	}
}

func checkUTF8(s, what string) error {
	if !utf8.ValidString(s) {
		return encodeErr("invalid UTF-8 in %s", what)
	}
	return nil
}

// bytes returns the output of a Writer made by newBufWriter.
func (w *Writer) bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	if !w.done {
		return nil, encodeErr("incomplete value: %d open objects or arrays", len(w.stack))
	}
	return w.buf, nil
}
