package udf

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// loadVectors decodes testdata/name into v.
func loadVectors(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// mustHex decodes a hex string from a vector file.
func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q in vector: %v", s, err)
	}
	return b
}

// hashAlg maps a vector's algorithm name.
func hashAlg(t testing.TB, name string) HashAlg {
	t.Helper()
	switch name {
	case "SHA2_512":
		return SHA2_512
	case "SHA3_512":
		return SHA3_512
	}
	t.Fatalf("unknown algorithm %q in vector", name)
	return 0
}

// zeroReader is a deterministic io.Reader of zero bytes.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
