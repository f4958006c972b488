package jsonb

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type rtBase struct {
	BaseField string `json:"base"`
	Shadowed  string
}

type rtInner struct {
	X string
	N int
}

type rtAll struct {
	rtBase
	Shadowed string
	S        string
	Empty    string `json:",omitempty"`
	Skip     string `json:"-"`
	Unicode  string
	B        bool
	I8       int8
	I16      int16
	I32      int32
	I64      int64
	I        int
	U8       uint8
	U16      uint16
	U32      uint32
	U64      uint64
	U        uint
	F32      float32
	F64      float64
	Bin      []byte
	Fixed    [32]byte
	T        time.Time
	P        *int
	PNil     *int
	Sl       []string
	Arr      [2]int
	M        map[string]int
	Any      any
	Nested   rtInner
	NestPtr  *rtInner
	List     []rtInner
	R        Raw
	Key      *tagKey
}

func sampleAll() rtAll {
	seven := 7
	v := rtAll{
		rtBase:   rtBase{BaseField: "base"}, // rtBase.Shadowed is hidden by rtAll.Shadowed
		Shadowed: "outer", S: "text \"quoted\" \\ /\n\t\x01", Unicode: "Grüße, 世界 🚀",
		B: true, I8: -128, I16: -32768, I32: -1 << 31, I64: -1 << 63, I: 1 << 40,
		U8: 255, U16: 65535, U32: 1<<32 - 1, U64: 1<<64 - 1, U: 12345,
		F32: 1.5, F64: -2.25e-10, Bin: []byte{0, 1, 2, 0xFF}, T: time.Date(2022, 1, 12, 15, 5, 15, 0, time.UTC),
		P: &seven, Sl: []string{"a", ""}, Arr: [2]int{-1, 1}, M: map[string]int{"z": 1, "a": 2},
		Any:    map[string]any{"k": []any{int64(1), "s", true, nil, 1.5}},
		Nested: rtInner{"n", 1}, NestPtr: &rtInner{"p", 2}, List: []rtInner{{"a", 1}, {"b", -2}},
		R:   Raw(`"raw"`),
		Key: &tagKey{Crv: "Ed25519", Public: []byte{1, 2, 3}},
	}
	for i := range v.Fixed {
		v.Fixed[i] = byte(i)
	}
	return v
}

func TestRoundTripAllKinds(t *testing.T) {
	in := sampleAll()
	for _, enc := range []Encoding{JSON, JSONB, JSONRef} {
		t.Run(enc.String(), func(t *testing.T) {
			data, err := MarshalEncoding(in, enc)
			if err != nil {
				t.Fatal(err)
			}
			if enc == JSON && !json.Valid(data) {
				t.Fatalf("Marshal output is not valid JSON: %s", data)
			}
			var out rtAll
			if err := Unmarshal(data, &out); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(in, out, cmp.AllowUnexported(rtAll{})); diff != "" {
				t.Errorf("round trip (-in +out):\n%s", diff)
			}
		})
	}
}

func TestEmbeddedFlattening(t *testing.T) {
	data, err := Marshal(rtAll{rtBase: rtBase{BaseField: "b", Shadowed: "inner"}, Shadowed: "outer"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !strings.HasPrefix(s, `{"base":"b","Shadowed":"outer","S":""`) || strings.Contains(s, "inner") || strings.Contains(s, "Skip") || strings.Contains(s, "Empty") {
		t.Errorf("unexpected member layout: %s", s)
	}
}

// tagKey is a polymorphic value written as a tagged object through the
// Marshaler and Unmarshaler hooks.
type tagKey struct {
	Crv    string `json:"crv"`
	Public []byte
}

func (k *tagKey) MarshalJSONB(w *Writer) error {
	if err := w.BeginObject(); err != nil {
		return err
	}
	if err := w.Name("PublicKeyECDH"); err != nil {
		return err
	}
	type plain tagKey
	if err := w.Value((*plain)(k)); err != nil {
		return err
	}
	return w.EndObject()
}

func (k *tagKey) UnmarshalJSONB(r *Reader) error {
	if t, err := r.Next(); err != nil || t.Kind != BeginObj {
		return errors.New("tagKey: expected object")
	}
	t, err := r.Next()
	if err != nil || t.Kind != Name || t.Str != "PublicKeyECDH" {
		return errors.New("tagKey: expected PublicKeyECDH tag")
	}
	type plain tagKey
	if err := r.Decode((*plain)(k)); err != nil {
		return err
	}
	if t, err := r.Next(); err != nil || t.Kind != EndObj {
		return errors.New("tagKey: expected end of object")
	}
	return nil
}

type twoValues struct{}

func (twoValues) MarshalJSONB(w *Writer) error {
	if err := w.Int(1); err != nil {
		return err
	}
	return w.Int(2)
}

type readsNothing struct{}

func (*readsNothing) UnmarshalJSONB(*Reader) error { return nil }

func TestHooksMustHandleOneValue(t *testing.T) {
	if _, err := Marshal([]any{twoValues{}}); err == nil {
		t.Error("Marshaler writing two values: no error")
	}
	var v struct{ X readsNothing }
	err := Unmarshal([]byte(`{"X":1}`), &v)
	if err == nil || !strings.Contains(err.Error(), "did not read exactly one value") {
		t.Errorf("Unmarshaler reading nothing: %v", err)
	}
}

func TestTagged(t *testing.T) {
	for _, enc := range []Encoding{JSON, JSONB, JSONRef} {
		data, err := MarshalTagged("SequenceInfo", testSequenceInfo{DataEncoding: "JSON", Index: 3}, enc)
		if err != nil {
			t.Fatal(err)
		}
		tag, inner, err := ReadTag(data)
		if err != nil {
			t.Fatalf("%v: %v", enc, err)
		}
		var si testSequenceInfo
		if err := Unmarshal(inner, &si); err != nil {
			t.Fatal(err)
		}
		if tag != "SequenceInfo" || si.DataEncoding != "JSON" || si.Index != 3 {
			t.Errorf("%v: tag %q value %+v", enc, tag, si)
		}
	}
	want := []byte("\x7b\xb4\x03Tag\x7b\xb4\x05Index\xa0\x01\x7d\x7d")
	got, err := MarshalTagged("Tag", struct{ Index int }{1}, JSONB)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("JSON-B tagged = %x, %v; want %x", got, err, want)
	}
	for _, bad := range []string{`{"A":1,"B":2}`, `{}`, `[1]`, `{"A":1} x`, `{"A":`} {
		if _, _, err := ReadTag([]byte(bad)); err == nil {
			t.Errorf("ReadTag(%q): no error", bad)
		}
	}
}

func TestRawKeepsBytes(t *testing.T) {
	var v struct {
		A Raw
		B Raw
	}
	in := []byte("{\"A\" : [1, \x88\x01\xff ,{\"x\":null}], \"B\":\x80\x01z}")
	if err := Unmarshal(in, &v); err != nil {
		t.Fatal(err)
	}
	if string(v.A) != "[1, \x88\x01\xff ,{\"x\":null}]" || string(v.B) != "\x80\x01z" {
		t.Fatalf("captured %q %q", v.A, v.B)
	}
	js, err := Marshal(v)
	if err != nil || string(js) != `{"A":[1,"_w",{"x":null}],"B":"z"}` {
		t.Errorf("Marshal re-encodes Raw: %s, %v", js, err)
	}
	jb, err := MarshalB(v)
	want := "{\xb4\x01A[1, \x88\x01\xff ,{\"x\":null}]\xb4\x01B\x80\x01z}"
	if err != nil || string(jb) != want {
		t.Errorf("MarshalB writes Raw verbatim: %q, %v", jb, err)
	}
	if _, err := Marshal(struct{ R Raw }{Raw("1 2")}); err == nil {
		t.Error("Raw holding two values: no error")
	}
}

func TestEncodeErrors(t *testing.T) {
	type cyc struct{ Next *cyc }
	c := &cyc{}
	c.Next = c
	bad := []any{
		struct{ S string }{"\xff"},
		struct{ F float64 }{1 / zero()},
		map[int]int{1: 1},
		c,
		struct{ T time.Time }{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		make(chan int),
	}
	for _, v := range bad {
		if _, err := MarshalB(v); err == nil {
			t.Errorf("MarshalB(%T): no error", v)
		}
	}
	_, err := Marshal(struct{ A struct{ S string } }{struct{ S string }{"\xff"}})
	if err == nil || !strings.Contains(err.Error(), "field A.S") {
		t.Errorf("error does not name the field: %v", err)
	}
}

func zero() float64 { return 0 }

func TestDateTimeForms(t *testing.T) {
	var v struct{ T time.Time }
	for in, want := range map[string]string{
		`{"T":"2022-01-12T15:05:15Z"}`:            "2022-01-12T15:05:15Z",
		`{"T":"2022-01-12T15:05:15.75Z"}`:         "2022-01-12T15:05:15.75Z",
		`{"T":"2022-01-12T16:05:15+01:00"}`:       "2022-01-12T15:05:15Z",
		"{\xb4\x01T\x80\x142022-01-12T15:05:15Z}": "2022-01-12T15:05:15Z",
	} {
		if err := Unmarshal([]byte(in), &v); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got := v.T.Format(time.RFC3339Nano); got != want || v.T.Location() != time.UTC {
			t.Errorf("%q: got %s", in, got)
		}
	}
	out, _ := MarshalB(struct{ T time.Time }{time.Date(2022, 1, 12, 16, 5, 15, 5e8, time.FixedZone("x", 3600))})
	if string(out) != "{\xb4\x01T\"2022-01-12T15:05:15Z\"}" {
		t.Errorf("DateTime in JSON-B: %q", out)
	}
}

func TestBase64Alphabets(t *testing.T) {
	var v struct{ B []byte }
	for _, in := range []string{`{"B":"-_-_"}`, `{"B":"+/+/"}`, `{"B":"+/-_"}`, "{\"B\":\"+/\n  -_\"}", `{"B":"+/-_"}`} {
		if err := Unmarshal([]byte(in), &v); err != nil || !bytes.Equal(v.B, []byte{0xFB, 0xFF, 0xBF, 0xFB, 0xFF, 0xBF}[:3*len(v.B)/3]) {
			t.Errorf("%q: %x %v", in, v.B, err)
		}
	}
	for in, want := range map[string][]byte{`{"B":"YQ=="}`: []byte("a"), `{"B":"YWI="}`: []byte("ab"), `{"B":""}`: {}} {
		if err := Unmarshal([]byte(in), &v); err != nil || !bytes.Equal(v.B, want) {
			t.Errorf("%q: %q %v", in, v.B, err)
		}
	}
	if err := Unmarshal([]byte(`{"B":"YQ==YQ"}`), &v); err == nil {
		t.Error("data after padding accepted")
	}
}

func TestUnknownMembersSkipped(t *testing.T) {
	var v struct{ Keep int }
	in := "{\"x\":{\"y\":[1,{\"z\":\x8c\x01a\x88\x00}]},\xb4\x04Keep\xa0\x05,\"w\":null}"
	if err := Unmarshal([]byte(in), &v); err != nil || v.Keep != 5 {
		t.Errorf("got %+v, %v", v, err)
	}
	if err := Unmarshal([]byte(`{"x":[`+strings.Repeat("[", 80)+`]}`), &v); !errors.Is(err, ErrLimit) {
		t.Errorf("deep unknown member: %v", err)
	}
}

func TestLimits(t *testing.T) {
	var v any
	l := Limits{MaxStringBytes: 4, MaxMembers: 2, MaxBytes: 64, MaxDepth: 2}
	for in, want := range map[string]string{
		`"hello"`:                           "MaxStringBytes",
		"\x80\x05hello":                     "MaxStringBytes",
		"\x84\x03hel\x80\x02lo":             "MaxStringBytes",
		`{"a":1,"b":2,"c":3}`:               "MaxMembers",
		`[1,2,3]`:                           "MaxMembers",
		`[[[1]]]`:                           "MaxDepth",
		`[` + strings.Repeat(" ", 70) + `]`: "MaxBytes",
	} {
		err := UnmarshalLimits([]byte(in), &v, l)
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %s limit", in, err, want)
		}
	}
}
