package jsonb

import (
	"io"
)

// Raw is a value kept as its encoded bytes. Decoding into a Raw copies the
// value's bytes exactly as they appear in the input, JSON or JSON-B.
//
// Writing a Raw: a JSON-B Writer writes the bytes verbatim, since every
// JSON and JSON-B value is valid inside JSON-B; a JSON or JSON-REF Writer
// re-encodes the value token by token, so binary tokens become base64url
// strings and the output stays strict. Either way the bytes must hold
// exactly one well-formed value; an empty Raw is written as null.
type Raw []byte

// writeRaw writes raw as described on Raw.
func (w *Writer) writeRaw(raw []byte) error {
	if len(raw) == 0 {
		return w.Null()
	}
	r := newBytesReader(raw, DefaultLimits)
	if w.enc != JSONB {
		return w.copyValue(r)
	}
	if err := r.Skip(); err != nil {
		return w.fail(err)
	}
	if _, err := r.Next(); err != io.EOF {
		return w.fail(syntaxErr(r.in.off, "raw value holds more than one value"))
	}
	bare := raw[0] == '-' || isDigit(raw[0])
	sep := w.textNum && bare
	if err := w.beforeValue(); err != nil {
		return err
	}
	if sep {
		w.buf = append(w.buf, ',')
	}
	w.buf = append(w.buf, raw...)
	w.textNum = bare
	return w.afterValue()
}

// copyValue re-encodes one value from r through w.
func (w *Writer) copyValue(r *Reader) error {
	for {
		t, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return w.fail(err)
		}
		if err := w.copyToken(r, t); err != nil {
			return err
		}
	}
}

func (w *Writer) copyToken(r *Reader, t Token) error {
	switch t.Kind {
	case BeginObj:
		return w.BeginObject()
	case EndObj:
		return w.EndObject()
	case BeginArr:
		return w.BeginArray()
	case EndArr:
		return w.EndArray()
	case Name:
		return w.Name(t.Str)
	case String:
		return w.String(t.Str)
	case Binary:
		b, err := r.ReadBinary()
		if err != nil {
			return w.fail(err)
		}
		return w.Binary(b)
	case Int:
		return w.integer(t.Neg, t.Mag)
	case Number:
		return w.number(t.Str)
	case Float:
		return w.Float(t.Float)
	case True, False:
		return w.Bool(t.Kind == True)
	}
	return w.Null()
}

// ReadTag splits a tagged object {"Tag": value} (jsonbcd.md §4.3) into
// its tag and the value's bytes.
func ReadTag(data []byte) (tag string, inner Raw, err error) {
	if int64(len(data)) > DefaultLimits.MaxBytes {
		return "", nil, limitErr(0, "input of %d bytes exceeds MaxBytes (%d)", len(data), DefaultLimits.MaxBytes)
	}
	r := newBytesReader(data, DefaultLimits)
	t, err := r.Next()
	if err != nil {
		return "", nil, tagEOF(err, r)
	}
	if t.Kind != BeginObj {
		return "", nil, syntaxErr(t.Offset, "tagged object: expected '{', found %v", t.Kind)
	}
	n, err := r.Next()
	if err != nil {
		return "", nil, tagEOF(err, r)
	}
	if n.Kind != Name {
		return "", nil, syntaxErr(n.Offset, "tagged object: expected a tag, found %v", n.Kind)
	}
	inner, err = r.captureValue()
	if err != nil {
		return "", nil, err
	}
	e, err := r.Next()
	if err != nil {
		return "", nil, tagEOF(err, r)
	}
	if e.Kind != EndObj {
		return "", nil, syntaxErr(e.Offset, "tagged object has more than one member")
	}
	if _, err := r.Next(); err != io.EOF {
		return "", nil, tagEOF(err, r)
	}
	return n.Str, inner, nil
}

func tagEOF(err error, r *Reader) error {
	if err == io.EOF {
		return syntaxErr(r.in.off, "unexpected end of input in tagged object")
	}
	if err == nil {
		return syntaxErr(r.in.off, "internal error: token after tagged object")
	}
	return err
}
