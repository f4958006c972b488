package jsonb

import (
	"errors"
	"fmt"
	"io"
)

// Encoding selects what a Writer produces.
type Encoding int

const (
	// JSON is compact strict JSON text (RFC 8259) with no wrapping.
	JSON Encoding = iota
	// JSONB is JSON-B as [REF] writes it (jsonbcd.md §4, §7): B4 member
	// names, no separators, 80 strings and 88 binary with byte lengths,
	// A0/A8 integers in the smallest width, B0/B1/B2, DateTime as a JSON
	// text string and floats as decimal text.
	JSONB
	// JSONRef is the [REF] JSON text layout (jsonbcd.md §6.1): LF and two
	// spaces of indent per level, base64url wrapped inside strings. Use it
	// only to reproduce bytes written by [REF].
	JSONRef
)

func (e Encoding) String() string {
	switch e {
	case JSON:
		return "JSON"
	case JSONB:
		return "JSON-B"
	case JSONRef:
		return "JSON-REF"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// Writer writes one JSON, JSON-B or JSON-REF value as a stream of tokens.
// It places separators itself and reports misuse (a value without a member
// name, unbalanced ends, a second top-level value) as an error. Errors are
// sticky. Call Flush when done.
type Writer struct {
	out   io.Writer
	buf   []byte
	enc   Encoding
	stack []wframe
	done  bool // the top-level value is complete
	err   error

	indent  int  // JSONRef: nesting level
	nameCol int  // JSONRef: base64 start column from the last member name
	textNum bool // JSONB: the last token written was a text number

	chunking bool // a chunked binary value is open
	b64      b64Writer
}

type wframe struct {
	obj     bool
	n       int  // members or elements written
	hasName bool // object: a name was written, its value is next
}

// NewWriter returns a Writer that writes enc to w.
func NewWriter(w io.Writer, enc Encoding) *Writer {
	return &Writer{out: w, enc: enc}
}

// newBufWriter returns a Writer that only accumulates into its buffer.
func newBufWriter(enc Encoding) *Writer { return &Writer{enc: enc} }

// Flush writes buffered output and checks that the value is complete.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if !w.done {
		return w.fail(encodeErr("incomplete value: %d open objects or arrays", len(w.stack)))
	}
	return w.flushBuf()
}

func (w *Writer) flushBuf() error {
	if w.out == nil || len(w.buf) == 0 {
		return nil
	}
	_, err := w.out.Write(w.buf)
	w.buf = w.buf[:0]
	if err != nil {
		return w.fail(&Error{Offset: -1, Msg: "write error", Err: err})
	}
	return nil
}

// maybeFlush hands a full buffer to the underlying writer.
func (w *Writer) maybeFlush() error {
	if w.out != nil && len(w.buf) >= writerFlushSize {
		return w.flushBuf()
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// beforeValue checks that a value may be written here and writes the
// separator in front of it.
func (w *Writer) beforeValue() error {
	if w.err != nil {
		return w.err
	}
	if w.chunking {
		return w.fail(errors.New("jsonb: value written inside a chunked binary value"))
	}
	if len(w.stack) == 0 {
		if w.done {
			return w.fail(errors.New("jsonb: second top-level value"))
		}
		return nil
	}
	f := &w.stack[len(w.stack)-1]
	if f.obj {
		if !f.hasName {
			return w.fail(errors.New("jsonb: object member value without a name"))
		}
		return nil
	}
	if f.n > 0 {
		switch w.enc {
		case JSON:
			w.buf = append(w.buf, ',')
		case JSONRef:
			w.buf = append(w.buf, ',')
			w.newLine()
		}
	}
	f.n++
	return nil
}

// afterValue records that a complete value was written.
func (w *Writer) afterValue() error {
	if len(w.stack) == 0 {
		w.done = true
		return w.flushBuf()
	}
	f := &w.stack[len(w.stack)-1]
	if f.obj {
		f.hasName = false
	}
	return w.maybeFlush()
}

// newLine writes the [REF] line break: LF then two spaces per level.
func (w *Writer) newLine() {
	w.buf = append(w.buf, '\n')
	for range w.indent {
		w.buf = append(w.buf, ' ', ' ')
	}
}

// BeginObject starts an object.
func (w *Writer) BeginObject() error { return w.begin(true) }

// BeginArray starts an array.
func (w *Writer) BeginArray() error { return w.begin(false) }

func (w *Writer) begin(obj bool) error {
	if err := w.beforeValue(); err != nil {
		return err
	}
	if len(w.stack) >= DefaultLimits.MaxDepth {
		return w.fail(encodeErr("nesting deeper than MaxDepth (%d)", DefaultLimits.MaxDepth))
	}
	w.textNum = false
	w.stack = append(w.stack, wframe{obj: obj})
	if obj {
		w.buf = append(w.buf, '{')
	} else {
		w.buf = append(w.buf, '[')
	}
	w.indent++
	return nil
}

// EndObject ends the innermost object.
func (w *Writer) EndObject() error { return w.end(true) }

// EndArray ends the innermost array.
func (w *Writer) EndArray() error { return w.end(false) }

func (w *Writer) end(obj bool) error {
	if w.err != nil {
		return w.err
	}
	if w.chunking {
		return w.fail(errors.New("jsonb: container ended inside a chunked binary value"))
	}
	if len(w.stack) == 0 || w.stack[len(w.stack)-1].obj != obj {
		return w.fail(errors.New("jsonb: unbalanced end of object or array"))
	}
	if obj && w.stack[len(w.stack)-1].hasName {
		return w.fail(errors.New("jsonb: object ended after a member name with no value"))
	}
	w.stack = w.stack[:len(w.stack)-1]
	w.textNum = false
	if obj {
		w.buf = append(w.buf, '}')
	} else {
		w.buf = append(w.buf, ']')
	}
	w.indent--
	return w.afterValue()
}

// Name writes a member name; the member's value comes next.
func (w *Writer) Name(name string) error { return w.name(name, 1) }

// name writes a member name. col is the [REF] "indent" argument of
// WriteToken: 1 for members, 0 for the tag of a tagged object; the base64
// column of a following binary value starts at col + 4 + len(name)
// (jsonbcd.md §6.1).
func (w *Writer) name(name string, col int) error {
	if w.err != nil {
		return w.err
	}
	if len(w.stack) == 0 || !w.stack[len(w.stack)-1].obj || w.stack[len(w.stack)-1].hasName {
		return w.fail(fmt.Errorf("jsonb: member name %q outside object member position", name))
	}
	if err := checkUTF8(name, "member name"); err != nil {
		return w.fail(err)
	}
	f := &w.stack[len(w.stack)-1]
	w.textNum = false
	switch w.enc {
	case JSONB:
		w.buf = appendTagged(w.buf, tagName, uint64(len(name)))
		w.buf = append(w.buf, name...)
	case JSON:
		if f.n > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = appendQuoted(w.buf, name)
		w.buf = append(w.buf, ':')
	case JSONRef:
		if f.n > 0 {
			w.buf = append(w.buf, ',')
		}
		w.newLine()
		w.buf = appendRefQuoted(w.buf, name)
		w.buf = append(w.buf, ':', ' ')
		w.nameCol = col + 4 + len(name)
	}
	f.n++
	f.hasName = true
	return nil
}
