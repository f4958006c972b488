package jsonb

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// vector is one entry of testdata/vectors.json (jsonbcd.md §12 and our
// negative cases). want uses {"$int": "n"}, {"$float": "x"} and
// {"$bytes": "hex"} for values JSON cannot type; error names the message
// the failing check must produce.
type vector struct {
	ID        string `json:"id"`
	Hex       string `json:"hex"`
	Want      any    `json:"want"`
	Canonical bool   `json:"canonical"`
	Struct    string `json:"struct"`
	Seq       bool   `json:"seq"`
	Error     string `json:"error"`
	Check     string `json:"check"`
}

type testSequenceInfo struct {
	DataEncoding  string `json:",omitempty"`
	ContainerType string `json:",omitempty"`
	Index         int64
}

type testFields struct {
	U8  uint8
	I8  int8
	I   int
	I64 int64
	S   string
	T   time.Time
	B   []byte
	A4  [4]byte
}

type testRecipient struct {
	Wmk []byte `json:"wmk"`
}

type testEnvelope struct {
	Header struct {
		Recipients []testRecipient `json:"recipients"`
	}
}

var vectorStructs = map[string]func() any{
	"SequenceInfo": func() any { return new(testSequenceInfo) },
	"Fields":       func() any { return new(testFields) },
	"Envelope":     func() any { return new(testEnvelope) },
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	data, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var vs []vector
	if err := dec.Decode(&vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

// expected converts a want value from the vector file to what decoding
// into any yields.
func expected(t *testing.T, x any) any {
	t.Helper()
	switch x := x.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = expected(t, e)
		}
		return out
	case map[string]any:
		if s, ok := x["$int"].(string); ok {
			n, ok := new(big.Int).SetString(s, 10)
			if !ok {
				t.Fatalf("bad $int %q", s)
			}
			if n.IsInt64() {
				return n.Int64()
			}
			return n.Uint64()
		}
		if s, ok := x["$float"].(string); ok {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		if s, ok := x["$bytes"].(string); ok {
			b, err := hex.DecodeString(s)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		out := map[string]any{}
		for k, e := range x {
			out[k] = expected(t, e)
		}
		return out
	}
	return x
}

// decodeVector decodes data into any, or into a list of values for a
// concatenated sequence.
func decodeVector(data []byte, seq bool) (any, error) {
	if !seq {
		var v any
		err := Unmarshal(data, &v)
		return v, err
	}
	r := newBytesReader(data, DefaultLimits)
	r.AllowConcatenated()
	var out []any
	for {
		if _, err := r.Peek(); err == io.EOF {
			return out, nil
		}
		var v any
		if err := r.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

func TestVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			data, err := hex.DecodeString(strings.ReplaceAll(v.Hex, " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			var target any
			var got any
			if v.Struct != "" {
				target = vectorStructs[v.Struct]()
				err = Unmarshal(data, target)
			} else {
				got, err = decodeVector(data, v.Seq)
			}
			if v.Error != "" {
				if err == nil {
					t.Fatalf("check %q: no error, want %q", v.Check, v.Error)
				}
				if !strings.Contains(err.Error(), v.Error) {
					t.Fatalf("check %q: error %q, want it to contain %q", v.Check, err, v.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Struct != "" {
				got, err = decodeVector(data, v.Seq)
				if err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(expected(t, v.Want), got); diff != "" {
				t.Errorf("value (-want +got):\n%s", diff)
			}
			if v.Canonical {
				checkCanonical(t, data, target, got, v.Seq)
			}
		})
	}
}

// checkCanonical checks that our JSON-B writer reproduces data.
func checkCanonical(t *testing.T, data []byte, target, got any, seq bool) {
	t.Helper()
	var out []byte
	switch {
	case target != nil:
		b, err := MarshalB(target)
		if err != nil {
			t.Fatal(err)
		}
		out = b
	case seq:
		for _, item := range got.([]any) {
			b, err := MarshalB(item)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b...)
		}
	default:
		b, err := MarshalB(got)
		if err != nil {
			t.Fatal(err)
		}
		out = b
	}
	if !bytes.Equal(out, data) {
		t.Errorf("MarshalB = %x\nwant       %x", out, data)
	}
}

func TestVectorErrorsAreTyped(t *testing.T) {
	var v any
	err := Unmarshal([]byte{0xC0, 0x20}, &v)
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("JSON-C tag: %v does not wrap ErrUnsupported", err)
	}
	err = Unmarshal(bytes.Repeat([]byte("["), 100), &v)
	if !errors.Is(err, ErrLimit) {
		t.Errorf("depth bomb: %v does not wrap ErrLimit", err)
	}
	var je *Error
	if !errors.As(err, &je) || je.Offset != 64 {
		t.Errorf("depth bomb: error %v, want *Error at offset 64", err)
	}
}
