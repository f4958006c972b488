package jsonb

import (
	"cmp"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Marshaler is implemented by types that write themselves, such as
// polymorphic (tagged) Mesh objects. MarshalJSONB must write exactly one
// value.
type Marshaler interface {
	MarshalJSONB(w *Writer) error
}

var (
	marshalerType   = reflect.TypeFor[Marshaler]()
	unmarshalerType = reflect.TypeFor[Unmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
	rawType         = reflect.TypeFor[Raw]()
)

// Marshal returns v as compact strict JSON text (RFC 8259).
func Marshal(v any) ([]byte, error) { return MarshalEncoding(v, JSON) }

// MarshalB returns v in JSON-B as [REF] writes it (jsonbcd.md §7).
func MarshalB(v any) ([]byte, error) { return MarshalEncoding(v, JSONB) }

// MarshalRef returns v in the [REF] JSON text layout (jsonbcd.md §6.1), to
// rebuild reference bytes exactly (dare.md V-15, V-18).
func MarshalRef(v any) ([]byte, error) { return MarshalEncoding(v, JSONRef) }

// MarshalEncoding returns v in the given encoding.
func MarshalEncoding(v any, enc Encoding) ([]byte, error) {
	w := newBufWriter(enc)
	if err := w.Value(v); err != nil {
		return nil, err
	}
	return w.bytes()
}

// MarshalTagged returns {"tag": v} in the given encoding, the form of a
// tagged Mesh object (jsonbcd.md §4.3, §6.1).
func MarshalTagged(tag string, v any, enc Encoding) ([]byte, error) {
	w := newBufWriter(enc)
	if err := w.BeginObject(); err != nil {
		return nil, err
	}
	if err := w.name(tag, 0); err != nil {
		return nil, err
	}
	if err := w.Value(v); err != nil {
		return nil, err
	}
	if err := w.EndObject(); err != nil {
		return nil, err
	}
	return w.bytes()
}

// Value writes v, mapping Go values as described in the package doc.
func (w *Writer) Value(v any) error {
	e := encoder{w: w}
	if err := e.value(reflect.ValueOf(v)); err != nil {
		if je, ok := err.(*Error); ok && je.Path == "" {
			je.Path = e.path.String()
		}
		return w.fail(err)
	}
	return nil
}

type encoder struct {
	w    *Writer
	path pathStack
}

func (e *encoder) value(v reflect.Value) error {
	if !v.IsValid() {
		return e.w.Null()
	}
	t := v.Type()
	if (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) && v.IsNil() {
		return e.w.Null()
	}
	if t.Implements(marshalerType) {
		return e.hook(v.Interface().(Marshaler))
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(marshalerType) {
		if !v.CanAddr() {
			c := reflect.New(t)
			c.Elem().Set(v)
			v = c.Elem()
		}
		return e.hook(v.Addr().Interface().(Marshaler))
	}
	switch t {
	case rawType:
		return e.w.writeRaw(v.Bytes())
	case timeType:
		return e.w.DateTime(v.Interface().(time.Time))
	}
	return e.kind(v)
}

func (e *encoder) kind(v reflect.Value) error {
	w := e.w
	switch v.Kind() {
	case reflect.Bool:
		return w.Bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return w.Int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return w.Uint(v.Uint())
	case reflect.Float32:
		return e.float(v.Float(), 32)
	case reflect.Float64:
		return e.float(v.Float(), 64)
	case reflect.String:
		if err := checkUTF8(v.String(), "string"); err != nil {
			return e.errf("invalid UTF-8 in string")
		}
		return w.String(v.String())
	case reflect.Pointer, reflect.Interface:
		return e.value(v.Elem())
	case reflect.Struct:
		return e.structValue(v)
	case reflect.Map:
		return e.mapValue(v)
	case reflect.Slice:
		if v.IsNil() {
			return w.Null()
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return w.Binary(v.Bytes())
		}
		return e.array(v)
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return w.Binary(b)
		}
		return e.array(v)
	}
	return e.errf("unsupported type %v", v.Type())
}

func (e *encoder) float(f float64, bits int) error {
	if err := e.w.err; err != nil {
		return err
	}
	s := strconv.FormatFloat(f, 'g', -1, bits)
	if strings.ContainsAny(s, "NI") {
		return e.errf("cannot encode %s", s)
	}
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return e.w.number(s)
}

// hook calls a Marshaler and checks that it wrote exactly one value.
func (e *encoder) hook(m Marshaler) error {
	before := e.w.mark()
	if err := m.MarshalJSONB(e.w); err != nil {
		return err
	}
	if !e.w.wroteOneValue(before) {
		return e.errf("MarshalJSONB of %T did not write exactly one value", m)
	}
	return nil
}

func (e *encoder) structValue(v reflect.Value) error {
	si := cachedStruct(v.Type())
	if err := e.w.BeginObject(); err != nil {
		return err
	}
	for i := range si.fields {
		f := &si.fields[i]
		fv, ok := fieldByIndex(v, f.index)
		if !ok || f.omitEmpty && isEmpty(fv) {
			continue
		}
		if err := e.w.Name(f.name); err != nil {
			return err
		}
		e.path.push(f.name)
		if err := e.value(fv); err != nil {
			return err
		}
		e.path.pop()
	}
	return e.w.EndObject()
}

// fieldByIndex follows index; ok is false when it crosses a nil embedded
// pointer.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Struct:
		return v.Type() == timeType && v.Interface().(time.Time).IsZero()
	}
	return false
}

// mapValue writes a map with string keys, sorted.
func (e *encoder) mapValue(v reflect.Value) error {
	if v.Type().Key().Kind() != reflect.String {
		return e.errf("unsupported map key type %v", v.Type().Key())
	}
	if v.IsNil() {
		return e.w.Null()
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) })
	if err := e.w.BeginObject(); err != nil {
		return err
	}
	for _, k := range keys {
		if err := e.w.Name(k.String()); err != nil {
			return err
		}
		e.path.push(k.String())
		if err := e.value(v.MapIndex(k)); err != nil {
			return err
		}
		e.path.pop()
	}
	return e.w.EndObject()
}

func (e *encoder) array(v reflect.Value) error {
	if err := e.w.BeginArray(); err != nil {
		return err
	}
	for i := range v.Len() {
		e.path.pushIndex(i)
		if err := e.value(v.Index(i)); err != nil {
			return err
		}
		e.path.pop()
	}
	return e.w.EndArray()
}

func (e *encoder) errf(format string, args ...any) error {
	err := encodeErr(format, args...)
	err.Path = e.path.String()
	return err
}
