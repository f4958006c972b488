package jsonb

import (
	"math"
	"strconv"
)

// anyFrom decodes the value starting with t into the generic form:
// map[string]any, []any, string, int64 (uint64 above MaxInt64), float64,
// bool, nil, and []byte for binary tokens. JSON text strings stay strings
// even when they hold base64.
func (d *decoder) anyFrom(t Token) (any, error) {
	switch t.Kind {
	case String:
		return t.Str, nil
	case Binary:
		return d.r.ReadBinary()
	case Int:
		if t.Neg {
			if t.Mag > 1<<63 {
				return nil, d.errAt(t, "integer %s out of range for int64", t.intText())
			}
			return int64(-t.Mag), nil
		}
		if t.Mag > math.MaxInt64 {
			return t.Mag, nil
		}
		return int64(t.Mag), nil
	case Number:
		return d.numberAny(t)
	case Float:
		return t.Float, nil
	case True:
		return true, nil
	case False:
		return false, nil
	case Null:
		return nil, nil
	case BeginObj:
		return d.objectAny()
	case BeginArr:
		return d.arrayAny()
	}
	return nil, d.errAt(t, "unexpected %v where a value is expected", t.Kind)
}

// numberAny decodes a text number: integer syntax gives int64 (uint64 when
// above MaxInt64), anything else or a larger integer gives float64.
func (d *decoder) numberAny(t Token) (any, error) {
	neg, mag, ok, isInt := parseIntText(t.Str)
	if isInt && ok {
		switch {
		case neg && mag <= 1<<63:
			return int64(-mag), nil
		case !neg && mag <= math.MaxInt64:
			return int64(mag), nil
		case !neg:
			return mag, nil
		}
	}
	f, err := strconv.ParseFloat(t.Str, 64)
	if err != nil {
		return nil, d.errAt(t, "number %s out of range", t.Str)
	}
	return f, nil
}

func (d *decoder) objectAny() (any, error) {
	m := map[string]any{}
	for {
		n, err := d.next()
		if err != nil {
			return nil, err
		}
		if n.Kind == EndObj {
			return m, nil
		}
		d.path.push(n.Str)
		t, err := d.next()
		if err != nil {
			return nil, err
		}
		x, err := d.anyFrom(t)
		if err != nil {
			return nil, err
		}
		d.path.pop()
		m[n.Str] = x
	}
}

func (d *decoder) arrayAny() (any, error) {
	a := []any{}
	d.path.pushIndex(0)
	for i := 0; ; i++ {
		d.path.setIndex(i)
		t, err := d.next()
		if err != nil {
			return nil, err
		}
		if t.Kind == EndArr {
			d.path.pop()
			return a, nil
		}
		x, err := d.anyFrom(t)
		if err != nil {
			return nil, err
		}
		a = append(a, x)
	}
}
