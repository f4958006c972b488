package jsonb

import (
	"errors"
	"io"
	"reflect"
	"time"
)

// Unmarshaler is implemented by types that read themselves, such as
// polymorphic (tagged) Mesh objects. UnmarshalJSONB must read exactly one
// value.
type Unmarshaler interface {
	UnmarshalJSONB(r *Reader) error
}

// Unmarshal parses one JSON, JSON-B or mixed value from data into v, which
// must be a non-nil pointer, under DefaultLimits. Only whitespace may
// follow the value.
func Unmarshal(data []byte, v any) error { return UnmarshalLimits(data, v, DefaultLimits) }

// UnmarshalLimits is Unmarshal with explicit limits.
func UnmarshalLimits(data []byte, v any, l Limits) error {
	l = l.withDefaults()
	if int64(len(data)) > l.MaxBytes {
		return limitErr(0, "input of %d bytes exceeds MaxBytes (%d)", len(data), l.MaxBytes)
	}
	r := newBytesReader(data, l)
	if err := r.Decode(v); err != nil {
		return err
	}
	if _, err := r.Next(); err != io.EOF {
		if err == nil {
			err = syntaxErr(r.in.off, "internal error: token after top-level value")
		}
		return err
	}
	return nil
}

// Decode reads the next value into v, which must be a non-nil pointer.
func (r *Reader) Decode(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("jsonb: Decode needs a non-nil pointer")
	}
	d := decoder{r: r}
	err := d.value(rv.Elem())
	if je, ok := err.(*Error); ok && !je.hasPath {
		je.Path, je.hasPath = d.path.String(), true
	}
	return err
}

type decoder struct {
	r    *Reader
	path pathStack
}

// next returns the next token; the end of input is an error here.
func (d *decoder) next() (Token, error) {
	t, err := d.r.Next()
	if err == io.EOF {
		return t, syntaxErr(d.r.in.off, "unexpected end of input")
	}
	return t, err
}

// value decodes the next value into the settable v.
func (d *decoder) value(v reflect.Value) error {
	if v.CanAddr() && v.Kind() != reflect.Pointer && reflect.PointerTo(v.Type()).Implements(unmarshalerType) {
		return d.hook(v.Addr().Interface().(Unmarshaler))
	}
	switch {
	case v.Kind() == reflect.Pointer:
		t, err := d.r.Peek()
		if err == io.EOF {
			return syntaxErr(d.r.in.off, "unexpected end of input")
		}
		if err != nil {
			return err
		}
		if t.Kind == Null {
			_, err := d.r.Next()
			v.SetZero()
			return err
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if v.Type().Implements(unmarshalerType) {
			return d.hook(v.Interface().(Unmarshaler))
		}
		return d.value(v.Elem())
	case v.Type() == rawType:
		b, err := d.r.captureValue()
		if err == nil {
			v.SetBytes(b)
		}
		return err
	}
	t, err := d.next()
	if err != nil {
		return err
	}
	return d.fromToken(t, v)
}

// hook calls an Unmarshaler and checks that it read exactly one value.
func (d *decoder) hook(u Unmarshaler) error {
	before := d.r.mark()
	if err := u.UnmarshalJSONB(d.r); err != nil {
		return err
	}
	if !d.r.readOneValue(before) {
		return &Error{Offset: d.r.in.off, Msg: "UnmarshalJSONB did not read exactly one value"}
	}
	return nil
}

// fromToken decodes the value that starts with t into v.
func (d *decoder) fromToken(t Token, v reflect.Value) error {
	if t.Kind == Null {
		switch v.Kind() {
		case reflect.Interface, reflect.Map, reflect.Slice:
			v.SetZero()
		}
		return nil
	}
	if v.Type() == timeType {
		return d.dateTime(t, v)
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.NumMethod() != 0 {
			return d.errAt(t, "cannot decode into interface type %v", v.Type())
		}
		x, err := d.anyFrom(t)
		if err != nil {
			return err
		}
		if x == nil {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(x))
		}
		return nil
	case reflect.Bool:
		if t.Kind != True && t.Kind != False {
			return d.mismatch(t, "boolean")
		}
		v.SetBool(t.Kind == True)
		return nil
	case reflect.String:
		if t.Kind != String {
			return d.mismatch(t, "string")
		}
		v.SetString(t.Str)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return d.integer(t, v)
	case reflect.Float32, reflect.Float64:
		return d.float(t, v)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return d.bytes(t, v)
		}
		return d.slice(t, v)
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return d.bytes(t, v)
		}
		return d.array(t, v)
	case reflect.Map:
		return d.mapValue(t, v)
	case reflect.Struct:
		return d.structValue(t, v)
	}
	return d.errAt(t, "unsupported type %v", v.Type())
}

func (d *decoder) dateTime(t Token, v reflect.Value) error {
	if t.Kind != String {
		return d.mismatch(t, "DateTime string")
	}
	tm, err := time.Parse(time.RFC3339Nano, t.Str)
	if err != nil {
		return d.errAt(t, "invalid DateTime %q", t.Str)
	}
	v.Set(reflect.ValueOf(tm.UTC()))
	return nil
}

// bytes decodes a binary token, or a base64/base64url text string
// (jsonbcd.md §4.3, §6.2), into a []byte or [N]byte.
func (d *decoder) bytes(t Token, v reflect.Value) error {
	var b []byte
	var err error
	switch t.Kind {
	case Binary:
		b, err = d.r.ReadBinary()
	case String:
		b, err = decodeBase64Text(t.Str)
		if err != nil {
			return d.errAt(t, "%v", err)
		}
	default:
		return d.mismatch(t, "binary")
	}
	if err != nil {
		return err
	}
	if v.Kind() == reflect.Array {
		if len(b) != v.Len() {
			return d.errAt(t, "binary value of %d bytes for %v", len(b), v.Type())
		}
		reflect.Copy(v, reflect.ValueOf(b))
		return nil
	}
	v.SetBytes(b)
	return nil
}

func (d *decoder) mismatch(t Token, want string) error {
	return d.errAt(t, "expected %s, found %v", want, t.Kind)
}

// errAt returns an error at token t, naming the current field path.
func (d *decoder) errAt(t Token, format string, args ...any) error {
	e := syntaxErr(t.Offset, format, args...)
	e.Path, e.hasPath = d.path.String(), true
	return e
}
