package jsonb

import (
	"bytes"
	"crypto/sha512"
	"os"
	"strings"
	"testing"
)

type refTrailer struct {
	PayloadDigest []byte `json:",omitempty"`
	TreeDigest    []byte `json:",omitempty"`
}

type refPolicy struct{}

type refHeader struct {
	Policy          *refPolicy        `json:"policy,omitempty"`
	ContentMetaData []byte            `json:",omitempty"`
	SequenceInfo    *testSequenceInfo `json:",omitempty"`
}

// TestRefLayout is jsonbcd.md §12 J-6: the [REF] JSON text layout must be
// reproduced byte for byte from the decoded values.
func TestRefLayout(t *testing.T) {
	tests := []struct {
		file string
		size int
		new  func() any
	}{
		{"ref_trailer_frame0.txt", 222, func() any { return new(refTrailer) }},
		{"ref_header_v15_frame0.txt", 139, func() any { return new(refHeader) }},
		{"ref_header_v15_frame1.txt", 66, func() any { return new(refHeader) }},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			want, err := os.ReadFile("testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) != tc.size {
				t.Fatalf("test data is %d bytes, want %d", len(want), tc.size)
			}
			v := tc.new()
			if err := Unmarshal(want, v); err != nil {
				t.Fatal(err)
			}
			got, err := MarshalRef(v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("MarshalRef:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestRefTrailerDigest checks the wrapped base64 decodes to the right
// bytes: frame 0 of host.dare has PayloadDigest = SHA-512("") (dare.md V-18).
func TestRefTrailerDigest(t *testing.T) {
	data, err := os.ReadFile("testdata/ref_trailer_frame0.txt")
	if err != nil {
		t.Fatal(err)
	}
	var tr refTrailer
	if err := Unmarshal(data, &tr); err != nil {
		t.Fatal(err)
	}
	empty := sha512.Sum512(nil)
	if !bytes.Equal(tr.PayloadDigest, empty[:]) {
		t.Errorf("PayloadDigest = %x, want SHA-512(\"\")", tr.PayloadDigest)
	}
	if len(tr.TreeDigest) != 64 {
		t.Errorf("TreeDigest is %d bytes, want 64", len(tr.TreeDigest))
	}
}

// TestRefColumnFromLastName checks the col₀ rule of jsonbcd.md §6.1 for a
// binary array element: the column comes from the last member name written
// at any depth ("ContentMetaData", col₀ = 20), so the first line of the
// body holds 63 − 20 = 43 characters and later lines 62.
func TestRefColumnFromLastName(t *testing.T) {
	type hdr struct {
		ContentMetaData []byte
	}
	type profile struct {
		EnvelopedProfileService []any
	}
	body := bytes.Repeat([]byte{0xA5}, 150) // 200 base64 characters
	out, err := MarshalRef(profile{[]any{hdr{[]byte("{}")}, body}})
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(out), "\"e30\"},\n    \"")
	if !ok {
		t.Fatalf("unexpected layout:\n%s", out)
	}
	lines := strings.Split(strings.TrimSuffix(after, "\"]}"), "\n  ")
	want := []int{43, 62, 62, 33}
	if len(lines) != len(want) {
		t.Fatalf("body lines %q", lines)
	}
	for i, l := range lines {
		if len(l) != want[i] {
			t.Errorf("line %d has %d characters, want %d", i, len(l), want[i])
		}
	}
	var back profile
	if err := Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
}

// TestRefTagged checks the tagged layout `{` LF `"Tag": {` … `}}`
// (jsonbcd.md §6.1) and the array layout.
func TestRefTagged(t *testing.T) {
	type inner struct {
		A int
		L []string
	}
	got, err := MarshalTagged("Tag", inner{A: 1, L: []string{"x", "y"}}, JSONRef)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"Tag\": {\n    \"A\": 1,\n    \"L\": [\"x\",\n      \"y\"]}}"
	if string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
