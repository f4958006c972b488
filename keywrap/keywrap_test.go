package keywrap

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

type vector struct {
	ID      string `json:"id"`
	KEK     string `json:"kek"`
	Key     string `json:"key"`
	Wrapped string `json:"wrapped"`
	Fail    string `json:"fail"`
}

func loadVectors(tb testing.TB) []vector {
	tb.Helper()
	data, err := os.ReadFile("testdata/rfc3394.json")
	if err != nil {
		tb.Fatal(err)
	}
	var file struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		tb.Fatal(err)
	}
	return file.Vectors
}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestRFC3394Vectors runs RFC 3394 §4 and the negative vectors. A negative
// vector names the check that must reject it: "integrity" (ErrIntegrity),
// "length" (wrapped-key length) or "kek" (key-encryption key length).
func TestRFC3394Vectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			kek, wrapped := unhex(t, v.KEK), unhex(t, v.Wrapped)
			got, err := Unwrap(kek, wrapped)
			switch v.Fail {
			case "":
				if err != nil {
					t.Fatalf("Unwrap: %v", err)
				}
				key := unhex(t, v.Key)
				if !bytes.Equal(got, key) {
					t.Fatalf("Unwrap = %X, want %X", got, key)
				}
				w, err := Wrap(kek, key)
				if err != nil {
					t.Fatalf("Wrap: %v", err)
				}
				if !bytes.Equal(w, wrapped) {
					t.Fatalf("Wrap = %X, want %X", w, wrapped)
				}
			case "integrity":
				if !errors.Is(err, ErrIntegrity) || got != nil {
					t.Fatalf("Unwrap = %X, %v; want ErrIntegrity", got, err)
				}
			case "length":
				if err == nil || !strings.Contains(err.Error(), "wrapped key is") {
					t.Fatalf("Unwrap error = %v, want a length error", err)
				}
			case "kek":
				if err == nil || !strings.Contains(err.Error(), "key-encryption key is") {
					t.Fatalf("Unwrap error = %v, want a kek length error", err)
				}
			default:
				t.Fatalf("unknown failure kind %q", v.Fail)
			}
		})
	}
}

func TestWrapRejectsBadKeyLength(t *testing.T) {
	kek := make([]byte, 16)
	for _, n := range []int{0, 8, 17, MaxKeyLen + 8} {
		_, err := Wrap(kek, make([]byte, n))
		if want := fmt.Sprintf("keywrap: key to wrap is %d bytes", n); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Wrap of a %d-byte key: error %v, want one starting %q", n, err, want)
		}
	}
	_, err := Wrap(make([]byte, 15), make([]byte, 16))
	if want := "keywrap: key-encryption key is 15 bytes"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Wrap with a 15-byte kek: error %v, want one starting %q", err, want)
	}
}

// FuzzUnwrap checks that Unwrap never panics and that whatever it accepts
// wraps back to the identical bytes.
func FuzzUnwrap(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(unhex(f, v.KEK), unhex(f, v.Wrapped))
	}
	f.Fuzz(func(t *testing.T, kek, wrapped []byte) {
		key, err := Unwrap(kek, wrapped)
		if err != nil {
			if key != nil {
				t.Fatal("key returned with an error")
			}
			return
		}
		again, err := Wrap(kek, key)
		if err != nil {
			t.Fatalf("Wrap of an unwrapped key: %v", err)
		}
		if !bytes.Equal(again, wrapped) {
			t.Fatalf("Wrap(Unwrap(x)) = %X, want %X", again, wrapped)
		}
	})
}

func BenchmarkWrap32(b *testing.B) {
	kek, key := make([]byte, 32), make([]byte, 32)
	for b.Loop() {
		if _, err := Wrap(kek, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnwrap32(b *testing.B) {
	kek := make([]byte, 32)
	w, err := Wrap(kek, make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Unwrap(kek, w); err != nil {
			b.Fatal(err)
		}
	}
}
