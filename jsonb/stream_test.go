package jsonb

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"runtime"
	"testing"
)

// writeChunked writes {"Body": <n chunks of size bytes>} through a
// streaming Writer.
func writeChunked(w io.Writer, enc Encoding, n, size int) error {
	jw := NewWriter(w, enc)
	chunk := make([]byte, size)
	jw.BeginObject()
	jw.Name("Body")
	for i := range n {
		for j := range chunk {
			chunk[j] = byte(i + j)
		}
		if err := jw.BinaryChunk(chunk); err != nil {
			return err
		}
	}
	jw.Binary(nil)
	jw.EndObject()
	return jw.Flush()
}

func expectedChunked(n, size int) []byte {
	h := sha256.New()
	chunk := make([]byte, size)
	for i := range n {
		for j := range chunk {
			chunk[j] = byte(i + j)
		}
		h.Write(chunk)
	}
	return h.Sum(nil)
}

// readBody streams the Body member through BinaryReader into SHA-256.
func readBody(t testing.TB, src io.Reader, l Limits) []byte {
	r := NewReader(src, l)
	for _, want := range []TokenKind{BeginObj, Name, Binary} {
		tok, err := r.Next()
		if err != nil || tok.Kind != want {
			t.Fatalf("token %v, %v; want %v", tok.Kind, err, want)
		}
	}
	br, err := r.BinaryReader()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, br); err != nil {
		t.Fatal(err)
	}
	if tok, err := r.Next(); err != nil || tok.Kind != EndObj {
		t.Fatalf("token %v, %v; want '}'", tok.Kind, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("after value: %v", err)
	}
	return h.Sum(nil)
}

func TestStreamChunkedBinaryConstantMemory(t *testing.T) {
	const n, size = 64, 1 << 20 // 64 MiB
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeChunked(pw, JSONB, n, size)) }()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got := readBody(t, pr, Limits{MaxBytes: 1 << 30})
	runtime.ReadMemStats(&after)
	if want := expectedChunked(n, size); !bytes.Equal(got, want) {
		t.Fatal("streamed body differs")
	}
	// The writer goroutine allocates one 1 MiB chunk buffer and the
	// Writer's buffer grows to hold one chunk; the reader must add only
	// its fixed buffers, never the 64 MiB value.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("allocated %d bytes while streaming 64 MiB", grew)
	}
}

func TestChunkedBinaryMatchesWhole(t *testing.T) {
	for _, enc := range []Encoding{JSON, JSONB, JSONRef} {
		var buf bytes.Buffer
		if err := writeChunked(&buf, enc, 5, 1000); err != nil {
			t.Fatal(err)
		}
		var v struct{ Body []byte }
		if err := Unmarshal(buf.Bytes(), &v); err != nil {
			t.Fatalf("%v: %v", enc, err)
		}
		sum := sha256.Sum256(v.Body)
		if !bytes.Equal(sum[:], expectedChunked(5, 1000)) {
			t.Errorf("%v: body differs", enc)
		}
		if enc == JSONB {
			continue
		}
		whole, err := MarshalEncoding(v, enc)
		if err != nil || !bytes.Equal(whole, buf.Bytes()) {
			t.Errorf("%v: chunked text differs from whole-value text", enc)
		}
	}
}

func TestBinaryReaderAcrossPeekAndSkip(t *testing.T) {
	in := []byte("[\x8c\x02ab\x8c\x00\x88\x01c, \x88\x02de \"s\"]")
	r := newBytesReader(in, DefaultLimits)
	r.Next()
	if tok, _ := r.Peek(); tok.Kind != Binary || !tok.Chunked || tok.Len != 2 {
		t.Fatalf("peek %+v", tok)
	}
	if _, err := r.BinaryReader(); err == nil {
		t.Error("BinaryReader allowed while token only peeked")
	}
	r.Next()
	b, err := r.ReadBinary()
	if err != nil || string(b) != "abc" {
		t.Fatalf("ReadBinary %q %v", b, err)
	}
	r.Next() // second binary, left unread: Next skips it
	if tok, err := r.Next(); err != nil || tok.Kind != String || tok.Str != "s" {
		t.Fatalf("after skipped binary: %+v %v", tok, err)
	}
}

func TestWriterMisuse(t *testing.T) {
	cases := map[string]func(w *Writer) error{
		"value without name": func(w *Writer) error { w.BeginObject(); return w.Int(1) },
		"name in array":      func(w *Writer) error { w.BeginArray(); return w.Name("a") },
		"unbalanced":         func(w *Writer) error { w.BeginArray(); return w.EndObject() },
		"two top values":     func(w *Writer) error { w.Int(1); return w.Int(2) },
		"value in chunking":  func(w *Writer) error { w.BeginArray(); w.BinaryChunk([]byte{1}); return w.Int(1) },
		"incomplete":         func(w *Writer) error { w.BeginArray(); return w.Flush() },
		"name without value": func(w *Writer) error { w.BeginObject(); w.Name("a"); return w.EndObject() },
	}
	for name, f := range cases {
		if err := f(NewWriter(io.Discard, JSONB)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestSkipAndMore(t *testing.T) {
	r := newBytesReader([]byte("{\xb4\x01a[1,{\"b\":2}] \"c\":3}"), DefaultLimits)
	r.Next()
	if more, err := r.More(); !more || err != nil {
		t.Fatalf("More = %v, %v", more, err)
	}
	if err := r.Skip(); err != nil { // skips name a and its value
		t.Fatal(err)
	}
	tok, err := r.Next()
	if err != nil || tok.Kind != Name || tok.Str != "c" {
		t.Fatalf("after Skip: %+v %v", tok, err)
	}
	r.Next()
	if more, err := r.More(); more || err != nil {
		t.Fatalf("More at end = %v, %v", more, err)
	}
	if err := r.Skip(); err == nil {
		t.Error("Skip before '}' succeeded")
	}
}

// onlyReader hides every method but Read, so the Reader cannot learn the
// input size, as with a network stream.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestStreamDeclaredLengthNotTrusted checks that on a stream a string or
// member name whose declared length the input never delivers fails with an
// error without the reader first allocating the declared size: a few
// header bytes must not make it allocate up to MaxStringBytes (16 MiB). A
// genuine long string, read in several steps, still decodes.
func TestStreamDeclaredLengthNotTrusted(t *testing.T) {
	const declared = 15 << 20
	hdr := binary.BigEndian.AppendUint32(nil, declared)
	for _, tc := range []struct {
		name string
		doc  []byte
	}{
		{"string", append(append([]byte{tagStringTerm + 2}, hdr...), "abc"...)},
		{"member name", append(append([]byte{'{', tagName + 2}, hdr...), "abc"...)},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewReader(onlyReader{bytes.NewReader(tc.doc)}, Limits{})
		var err error
		for err == nil {
			_, err = r.Next()
		}
		runtime.ReadMemStats(&after)
		if err == io.EOF {
			t.Errorf("%s: truncated %d-byte value read without error", tc.name, declared)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a value declared as %d bytes but %d present", tc.name, grew, declared, 3)
		}
	}

	long := bytes.Repeat([]byte("0123456789abcdef"), 3*initialBinaryAlloc/16+5)
	doc := binary.BigEndian.AppendUint32([]byte{tagStringTerm + 2}, uint32(len(long)))
	doc = append(doc, long...)
	tok, err := NewReader(onlyReader{bytes.NewReader(doc)}, Limits{}).Next()
	if err != nil || tok.Kind != String || tok.Str != string(long) {
		t.Fatalf("long streamed string: kind %v, %d bytes, %v; want String of %d bytes", tok.Kind, len(tok.Str), err, len(long))
	}
}
