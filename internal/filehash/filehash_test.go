package filehash

import (
	"bytes"
	"crypto/sha3"
	"crypto/sha512"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestCopyMatchesDirectHash(t *testing.T) {
	for _, size := range []int{0, 1, BufferSize - 1, BufferSize, BufferSize + 1, 3*BufferSize + 17} {
		data := bytes.Repeat([]byte("mesh"), size/4+1)[:size]
		want := sha512.Sum512(data)
		h := sha512.New()
		n, err := Copy(h, bytes.NewReader(data))
		if err != nil || n != int64(size) {
			t.Fatalf("size %d: n=%d err=%v", size, n, err)
		}
		if !bytes.Equal(h.Sum(nil), want[:]) {
			t.Fatalf("size %d: digest differs", size)
		}
	}
}

func TestSumFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	data := bytes.Repeat([]byte{7}, 2*BufferSize+5)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	got, n, err := SumFile(p, sha3.New512())
	if err != nil || n != int64(len(data)) {
		t.Fatal(n, err)
	}
	want := sha3.Sum512(data)
	if !bytes.Equal(got, want[:]) {
		t.Fatal("sha3 digest differs")
	}
	if _, _, err := SumFile(filepath.Join(t.TempDir(), "missing"), sha512.New()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

type failingReader struct{ after int }

var errBoom = errors.New("boom")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errBoom
	}
	n := min(len(p), f.after)
	f.after -= n
	return n, nil
}

func TestCopyReportsReadError(t *testing.T) {
	_, err := Copy(io.Discard, &failingReader{after: BufferSize + 3})
	if !errors.Is(err, errBoom) {
		t.Fatalf("got %v", err)
	}
}

func BenchmarkSumSHA512(b *testing.B) {
	data := make([]byte, 64<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		h := sha512.New()
		if _, err := Copy(h, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
