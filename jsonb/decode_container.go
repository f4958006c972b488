package jsonb

import (
	"reflect"
)

// slice decodes an array into a slice, reusing no old elements.
func (d *decoder) slice(t Token, v reflect.Value) error {
	if t.Kind != BeginArr {
		return d.mismatch(t, "array")
	}
	s := reflect.MakeSlice(v.Type(), 0, 0)
	d.path.pushIndex(0)
	for i := 0; ; i++ {
		more, err := d.r.More()
		if err != nil {
			return err
		}
		if !more {
			break
		}
		d.path.setIndex(i)
		s = reflect.Append(s, reflect.Zero(v.Type().Elem()))
		if err := d.value(s.Index(i)); err != nil {
			return err
		}
	}
	d.path.pop()
	if _, err := d.next(); err != nil {
		return err
	}
	v.Set(s)
	return nil
}

// array decodes an array into a Go array of exactly the same length.
func (d *decoder) array(t Token, v reflect.Value) error {
	if t.Kind != BeginArr {
		return d.mismatch(t, "array")
	}
	d.path.pushIndex(0)
	i := 0
	for ; ; i++ {
		more, err := d.r.More()
		if err != nil {
			return err
		}
		if !more {
			break
		}
		if i >= v.Len() {
			return d.errAt(t, "array longer than %v", v.Type())
		}
		d.path.setIndex(i)
		if err := d.value(v.Index(i)); err != nil {
			return err
		}
	}
	d.path.pop()
	if i != v.Len() {
		return d.errAt(t, "array of %d elements for %v", i, v.Type())
	}
	_, err := d.next()
	return err
}

// mapValue decodes an object into a map with string keys.
func (d *decoder) mapValue(t Token, v reflect.Value) error {
	if t.Kind != BeginObj {
		return d.mismatch(t, "object")
	}
	if v.Type().Key().Kind() != reflect.String {
		return d.errAt(t, "unsupported map key type %v", v.Type().Key())
	}
	m := reflect.MakeMap(v.Type())
	for {
		n, err := d.next()
		if err != nil {
			return err
		}
		if n.Kind == EndObj {
			break
		}
		d.path.push(n.Str)
		elem := reflect.New(v.Type().Elem()).Elem()
		if err := d.value(elem); err != nil {
			return err
		}
		d.path.pop()
		m.SetMapIndex(reflect.ValueOf(n.Str).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
	return nil
}

// structValue decodes an object into a struct. Members with no matching
// field are skipped (jsonbcd.md §7); the Reader rejects duplicates.
func (d *decoder) structValue(t Token, v reflect.Value) error {
	if t.Kind != BeginObj {
		return d.mismatch(t, "object")
	}
	si := cachedStruct(v.Type())
	for {
		n, err := d.next()
		if err != nil {
			return err
		}
		if n.Kind == EndObj {
			return nil
		}
		i, ok := si.byName[n.Str]
		if !ok {
			if err := d.r.Skip(); err != nil {
				return err
			}
			continue
		}
		d.path.push(n.Str)
		fv, err := d.fieldForSet(v, si.fields[i].index, n)
		if err != nil {
			return err
		}
		if err := d.value(fv); err != nil {
			return err
		}
		d.path.pop()
	}
}

// fieldForSet follows index, allocating nil embedded pointers.
func (d *decoder) fieldForSet(v reflect.Value, index []int, n Token) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return v, d.errAt(n, "cannot set embedded pointer to unexported struct type %v", v.Type().Elem())
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, nil
}
