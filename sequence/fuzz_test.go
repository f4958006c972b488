package sequence

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
)

// FuzzOpen feeds arbitrary bytes to the sequence reader as a file: Open,
// Verify, Frame and Backward must never panic, and every failure must be a
// clear error, and Plaintext never returns data with an error. Seeds are
// real sequences of every type, encrypted ones in every mode, the V-15
// file layout and damaged variants.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	for i, typ := range []Type{List, Digest, Chain, Tree, Merkle} {
		p := filepath.Join(dir, typ.String())
		s, err := Create(p, Options{Type: typ, Sync: SyncNone})
		if err != nil {
			f.Fatal(err)
		}
		for j := 0; j < i+1; j++ {
			s.Append(Entry{Payload: payloadFor(j)})
		}
		s.Close()
		b, _ := os.ReadFile(p)
		f.Add(b)
		f.Add(b[:len(b)-3])
	}
	// Encrypted sequences, in every mode, decrypted with ring below.
	priv, err := keys.Generate(keys.X25519, nil)
	if err != nil {
		f.Fatal(err)
	}
	ring := &dare.Keyring{Private: []keys.PrivateKey{priv}}
	for _, mode := range []string{Isolated, Once, Session} {
		p := filepath.Join(dir, mode)
		s, err := Create(p, Options{Sync: SyncNone, Encryption: &Encryption{Mode: mode, Recipients: []keys.PublicKey{priv.Public()}}})
		if err != nil {
			f.Fatal(err)
		}
		for j := 0; j < 3; j++ {
			s.Append(Entry{Payload: payloadFor(j)})
		}
		s.Close()
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte{0xF4, 0x10, 0xF0, 0x07, 'H', 'e', 'a', 'd', 'e', 'r', ' ', 0xF0, 0x05, 'D', 'a', 't', 'a', ' ', 0x10, 0xF4})
	f.Add([]byte{0xF7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.dare")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(p, Options{ReadOnly: true})
		if err != nil {
			var fe *FormatError
			if len(data) > 0 && !errors.As(err, &fe) {
				t.Fatalf("Open error is not a FormatError: %v", err)
			}
			return
		}
		defer s.Close()
		_ = s.Verify()
		for i := int64(0); i < s.Len(); i++ {
			if f, err := s.Frame(i); err == nil {
				_, _ = f.Meta()
				if pt, err := s.Plaintext(f, ring); err != nil && pt != nil {
					t.Fatalf("frame %d: Plaintext returned data with the error %v", i, err)
				}
			}
		}
		n := 0
		if err := s.Backward(func(*Frame) bool { n++; return true }); err == nil && int64(n) != s.Len() {
			t.Fatalf("Backward visited %d frames, Len is %d", n, s.Len())
		}
	})
}

// FuzzSplitRecords: frame content parsing never panics and never returns
// records outside the input.
func FuzzSplitRecords(f *testing.F) {
	f.Add([]byte{0xF0, 0x02, '{', '}', 0xF0, 0x00})
	f.Add([]byte{0xF1, 0x00, 0x01, 'x', 0xF0, 0x00, 0xF0, 0x00, 0xF0})
	f.Fuzz(func(t *testing.T, content []byte) {
		r, err := splitRecords(content, 0)
		if err != nil {
			return
		}
		if len(r.header)+len(r.payload)+len(r.trailer) > len(content) {
			t.Fatal("records longer than the content")
		}
		re := appendFrame(nil, r.header, r.payload)
		if r.count == 3 {
			re = appendFrame(nil, r.header, r.payload, r.trailer)
		}
		if _, _, err := readFrameAt(bytesReaderAt(re), 0, int64(len(re)), 0); err != nil {
			t.Fatalf("re-encoded frame unreadable: %v", err)
		}
	})
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, errors.New("EOF")
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, errors.New("EOF")
	}
	return n, nil
}
