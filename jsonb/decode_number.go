package jsonb

import (
	"math"
	"reflect"
	"strconv"
)

// intValue returns the sign and magnitude of an integer token: an A0–AB
// integer of any width or a JSON text number in integer syntax (jsonbcd.md
// §4.3). Floats are rejected.
func (d *decoder) intValue(t Token) (neg bool, mag uint64, err error) {
	switch t.Kind {
	case Int:
		return t.Neg, t.Mag, nil
	case Number:
		neg, mag, ok, isInt := parseIntText(t.Str)
		if !isInt {
			return false, 0, d.errAt(t, "number %s is not an integer", t.Str)
		}
		if !ok {
			return false, 0, d.errAt(t, "integer %s out of range", t.Str)
		}
		return neg, mag, nil
	case Float:
		return false, 0, d.errAt(t, "binary64 float where an integer is expected")
	}
	return false, 0, d.mismatch(t, "integer")
}

// parseIntText parses a valid JSON number in integer syntax. isInt is false
// when it has a fraction or exponent; ok is false when the magnitude does
// not fit in 64 bits.
func parseIntText(s string) (neg bool, mag uint64, ok, isInt bool) {
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	for i := range len(s) {
		c := s[i]
		if c < '0' || c > '9' {
			return neg, 0, false, false
		}
		if mag > (math.MaxUint64-uint64(c-'0'))/10 {
			return neg, 0, false, true
		}
		mag = mag*10 + uint64(c-'0')
	}
	return neg, mag, true, true
}

// integer decodes into any int or uint kind, checking the range.
func (d *decoder) integer(t Token, v reflect.Value) error {
	neg, mag, err := d.intValue(t)
	if err != nil {
		return err
	}
	bits := uint(v.Type().Bits())
	text := strconv.FormatUint(mag, 10)
	if neg {
		text = "-" + text
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		limit := uint64(1) << (bits - 1)
		if neg && mag > limit || !neg && mag >= limit {
			return d.errAt(t, "integer %s out of range for %v", text, v.Type())
		}
		if neg {
			v.SetInt(int64(-mag))
		} else {
			v.SetInt(int64(mag))
		}
		return nil
	}
	if neg && mag != 0 || bits < 64 && mag >= uint64(1)<<bits {
		return d.errAt(t, "integer %s out of range for %v", text, v.Type())
	}
	v.SetUint(mag)
	return nil
}

// float decodes an integer, a text number or a 0x92 binary64 float.
func (d *decoder) float(t Token, v reflect.Value) error {
	var f float64
	switch t.Kind {
	case Int:
		f = float64(t.Mag)
		if t.Neg {
			f = -f
		}
	case Float:
		f = t.Float
	case Number:
		var err error
		if f, err = strconv.ParseFloat(t.Str, 64); err != nil {
			return d.errAt(t, "number %s out of range", t.Str)
		}
	default:
		return d.mismatch(t, "number")
	}
	if v.Kind() == reflect.Float32 && math.Abs(f) > math.MaxFloat32 {
		return d.errAt(t, "number %v out of range for float32", f)
	}
	v.SetFloat(f)
	return nil
}
