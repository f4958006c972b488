package jsonb

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/mathmesh/mesh/internal/tagwidth"
)

func addSeeds(f *testing.F) {
	data, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		f.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(data, &vs); err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		if b, err := hex.DecodeString(v.Hex); err == nil {
			f.Add(b)
		}
	}
	for _, name := range []string{"ref_trailer_frame0.txt", "ref_header_v15_frame0.txt", "ref_header_v15_frame1.txt"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzUnmarshalAny: decoding never panics; decode → MarshalB → decode →
// MarshalB is stable; MarshalB reproduces canonical JSON-B input; Marshal
// output is strict JSON.
func FuzzUnmarshalAny(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if err := Unmarshal(data, &v); err != nil {
			return
		}
		b1, err := MarshalB(v)
		if err != nil {
			t.Fatalf("MarshalB of decoded value: %v", err)
		}
		var v2 any
		if err := Unmarshal(b1, &v2); err != nil {
			t.Fatalf("decoding MarshalB output %x: %v", b1, err)
		}
		b2, err := MarshalB(v2)
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("MarshalB not stable:\n%x\n%x (%v)", b1, b2, err)
		}
		if isCanonicalB(data) && !bytes.Equal(b1, data) {
			t.Fatalf("canonical input %x re-encoded as %x", data, b1)
		}
		js, err := Marshal(v)
		if err != nil || !json.Valid(js) {
			t.Fatalf("Marshal gave invalid JSON %q (%v)", js, err)
		}
	})
}

// isCanonicalB is a spec-shaped check (jsonbcd.md §4.3, §7) that data is
// exactly what MarshalB writes for a value decoded into any: B4 names in
// sorted order, smallest widths, 80 strings, 88 binary, A0/A8 integers,
// B0/B1/B2, no separators, no whitespace, no text tokens.
func isCanonicalB(data []byte) bool {
	rest, ok := canonicalValue(data, 0)
	return ok && len(rest) == 0
}

func canonicalLen(b []byte) (n uint64, rest []byte, ok bool) {
	if len(b) == 0 {
		return 0, nil, false
	}
	w := 1 << (b[0] & 3)
	if len(b) < 1+w {
		return 0, nil, false
	}
	for _, c := range b[1 : 1+w] {
		n = n<<8 | uint64(c)
	}
	return n, b[1+w:], tagwidth.Code(n) == b[0]&3
}

func canonicalBytes(b []byte) (body, rest []byte, ok bool) {
	n, rest, ok := canonicalLen(b)
	if !ok || n > uint64(len(rest)) {
		return nil, nil, false
	}
	return rest[:n], rest[n:], true
}

func canonicalValue(b []byte, depth int) ([]byte, bool) {
	if len(b) == 0 || depth >= DefaultLimits.MaxDepth {
		return nil, false
	}
	switch c := b[0]; {
	case c == '{':
		b = b[1:]
		prev := ""
		for i := 0; len(b) > 0 && b[0] != '}'; i++ {
			if b[0] < tagName || b[0] > tagName+3 {
				return nil, false
			}
			name, rest, ok := canonicalBytes(b)
			if !ok || !utf8.Valid(name) || i > 0 && string(name) <= prev {
				return nil, false
			}
			prev = string(name)
			if b, ok = canonicalValue(rest, depth+1); !ok {
				return nil, false
			}
		}
		if len(b) == 0 {
			return nil, false
		}
		return b[1:], true
	case c == '[':
		b = b[1:]
		for len(b) > 0 && b[0] != ']' {
			var ok bool
			if b, ok = canonicalValue(b, depth+1); !ok {
				return nil, false
			}
		}
		if len(b) == 0 {
			return nil, false
		}
		return b[1:], true
	case c >= tagStringTerm && c <= tagStringTerm+3:
		s, rest, ok := canonicalBytes(b)
		return rest, ok && utf8.Valid(s)
	case c >= tagDataTerm && c <= tagDataTerm+3:
		_, rest, ok := canonicalBytes(b)
		return rest, ok
	case c >= tagPosInt && c <= tagPosInt+3:
		_, rest, ok := canonicalLen(b)
		return rest, ok
	case c >= tagNegInt && c <= tagNegInt+3:
		n, rest, ok := canonicalLen(b)
		return rest, ok && n != 0 && n <= 1<<63
	case c == tagTrue || c == tagFalse || c == tagNull:
		return b[1:], true
	}
	return nil, false
}

// FuzzReader: the token stream never panics and stays within the limits,
// whatever the caller does with binary values.
func FuzzReader(f *testing.F) {
	addSeeds(f)
	l := Limits{MaxBytes: 4096, MaxDepth: 8, MaxStringBytes: 64, MaxMembers: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), l)
		if len(data) > 0 && data[0]&1 == 1 {
			r.AllowConcatenated()
		}
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatal("more tokens than input bytes")
			}
			tok, err := r.Next()
			if err != nil {
				if err != io.EOF {
					if _, again := r.Next(); again != err {
						t.Fatalf("error not sticky: %v then %v", err, again)
					}
				}
				break
			}
			if r.Depth() > l.MaxDepth || len(tok.Str) > l.MaxStringBytes || r.Offset() > l.MaxBytes {
				t.Fatalf("limits exceeded: depth %d, string %d, offset %d", r.Depth(), len(tok.Str), r.Offset())
			}
			if tok.Kind == Binary {
				switch i % 3 {
				case 0:
					if br, err := r.BinaryReader(); err == nil {
						io.Copy(io.Discard, br)
					}
				case 1:
					if b, err := r.ReadBinary(); err == nil && int64(len(b)) > l.MaxBytes {
						t.Fatal("binary larger than MaxBytes")
					}
				}
			}
		}
	})
}
