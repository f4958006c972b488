package sequence

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
)

func newSeq(t testing.TB, typ Type, n int) (*Sequence, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.dare")
	s, err := Create(path, Options{Type: typ, ContentType: "application/test", Sync: SyncNone})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		idx, err := s.Append(Entry{Payload: payloadFor(i), Meta: &dare.ContentMeta{UniqueID: fmt.Sprint("id", i)}})
		if err != nil {
			t.Fatal(err)
		}
		if idx != int64(i) {
			t.Fatalf("Append returned index %d, want %d", idx, i)
		}
	}
	return s, path
}

func payloadFor(i int) []byte {
	return []byte(fmt.Sprintf("payload %d %s", i, bytes.Repeat([]byte{'x'}, i%7)))
}

func TestRoundTripAllTypes(t *testing.T) {
	for _, typ := range []Type{List, Digest, Chain, Tree, Merkle} {
		t.Run(typ.String(), func(t *testing.T) {
			s, path := newSeq(t, typ, 20)
			if err := s.Verify(); err != nil {
				t.Fatalf("Verify after create: %v", err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Type() != typ || s.Len() != 21 {
				t.Fatalf("reopened: type %v len %d", s.Type(), s.Len())
			}
			if got := s.Integrity(); got != "not verified" {
				t.Errorf("Integrity before Verify = %q", got)
			}
			if err := s.Verify(); err != nil {
				t.Fatalf("Verify after reopen: %v", err)
			}
			want := map[Type]string{Chain: modeOwn.String(), Merkle: modeOwn.String()}[typ]
			if want == "" {
				want = modeNone.String()
			}
			if got := s.Integrity(); got != want {
				t.Errorf("Integrity = %q, want %q", got, want)
			}
			if _, err := s.Append(Entry{Payload: payloadFor(21)}); err != nil {
				t.Fatal(err)
			}
			if err := s.Verify(); err != nil {
				t.Fatalf("Verify after append to reopened: %v", err)
			}
			for i := int64(1); i <= 21; i++ {
				f, err := s.Frame(i)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(f.Payload, payloadFor(int(i))) {
					t.Fatalf("frame %d payload %q", i, f.Payload)
				}
			}
			var back []int64
			if err := s.Backward(func(f *Frame) bool { back = append(back, f.Index); return true }); err != nil {
				t.Fatal(err)
			}
			if len(back) != 22 || back[0] != 21 || back[21] != 0 {
				t.Fatalf("Backward visited %v", back)
			}
		})
	}
}

func TestCreateExisting(t *testing.T) {
	_, path := newSeq(t, List, 0)
	if _, err := Create(path, Options{}); err == nil {
		t.Fatal("Create over an existing file succeeded")
	}
}

func TestOpenNotASequence(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"empty": {},
		"text":  []byte("hello world"),
		"json":  appendFrame(nil, []byte(`{"x":1}`), nil, []byte{}),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o600)
		_, err := Open(p, Options{})
		if err == nil {
			t.Errorf("%s: Open succeeded", name)
			continue
		}
		var fe *FormatError
		if name != "empty" && !errors.As(err, &fe) {
			t.Errorf("%s: error %v is not a FormatError", name, err)
		}
	}
}

func TestIndexFrame(t *testing.T) {
	s, path := newSeq(t, Merkle, 5)
	i, err := s.AppendIndex(map[int64]string{3: "id3"})
	if err != nil {
		t.Fatal(err)
	}
	s.Append(Entry{Payload: payloadFor(7)})
	f, err := s.Frame(i)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Header.SequenceInfo.IsMeta || f.Header.SequenceIndex == nil || len(f.Header.SequenceIndex.Positions) != 6 ||
		f.Header.SequenceIndex.Positions[3].UniqueID != "id3" || f.Header.SequenceIndex.Positions[5].Position != s.Offsets()[5] {
		t.Fatalf("index frame header %+v", f.Header.SequenceIndex)
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// An index frame whose positions lie is caught.
	s2, _ := Open(path, Options{ReadOnly: true})
	frames := rawFrames(t, s2)
	s2.Close()
	h := *f.Header
	idx := *h.SequenceIndex
	idx.Positions = append([]dare.IndexPosition(nil), idx.Positions...)
	idx.Positions[2].Position++
	h.SequenceIndex = &idx
	hb, _ := jsonb.Marshal(&h)
	frames[i] = appendFrame(nil, hb, f.Payload, f.TrailerBytes)
	os.WriteFile(path, join(frames), 0o600)
	s3, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	var ve *VerifyError
	if err := s3.Verify(); !errors.As(err, &ve) || ve.Index != i || ve.Check != "sequence index" {
		t.Fatalf("Verify = %v, want a sequence index failure at frame %d", err, i)
	}
}

// TestNavigate finds every frame of Tree and Merkle sequences through
// TreePosition pointers alone, in O(log² n) frame reads.
func TestNavigate(t *testing.T) {
	for _, typ := range []Type{Tree, Merkle} {
		s, path := newSeq(t, typ, 300)
		offs := s.Offsets()
		size := s.Size()
		s.Close()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		maxReads := 0
		for i := int64(0); i < int64(len(offs)); i++ {
			off, reads, err := Navigate(f, size, i)
			if err != nil || off != offs[i] {
				t.Fatalf("%v: Navigate(%d) = %d, %v; want %d", typ, i, off, err, offs[i])
			}
			maxReads = max(maxReads, reads)
		}
		if maxReads > 9*9 {
			t.Errorf("%v: Navigate needed up to %d frame reads for 301 frames", typ, maxReads)
		}
		if _, _, err := Navigate(f, size, 301); err == nil {
			t.Errorf("%v: Navigate past the end succeeded", typ)
		}
		t.Logf("%v: at most %d frame reads", typ, maxReads)
	}
}
