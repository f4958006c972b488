package sequence

import (
	"crypto/sha512"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/jsonb"
)

// rawFrames returns the bytes of every frame of a file.
func rawFrames(t *testing.T, s *Sequence) [][]byte {
	t.Helper()
	b, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	offs := append(s.Offsets(), s.Size())
	var out [][]byte
	for i := 0; i+1 < len(offs); i++ {
		out = append(out, b[offs[i]:offs[i+1]])
	}
	return out
}

func join(frames [][]byte) []byte {
	var b []byte
	for _, f := range frames {
		b = append(b, f...)
	}
	return b
}

// reencode rebuilds frame i of the sequence with a changed payload and, if
// fixPD, a PayloadDigest that matches it (an attacker who recomputes the
// per-frame digest but cannot recompute the tree without being noticed).
func reencode(t *testing.T, s *Sequence, i int64, payload []byte, fixPD bool) []byte {
	f, err := s.Frame(i)
	if err != nil {
		t.Fatal(err)
	}
	tr := *f.Trailer
	if fixPD {
		pd := sha512.Sum512(payload)
		tr.PayloadDigest = pd[:]
	}
	tb, err := jsonb.Marshal(&tr)
	if err != nil {
		t.Fatal(err)
	}
	return appendFrame(nil, f.HeaderBytes, payload, tb)
}

// TestTamperDetected checks that Verify finds modified, reordered,
// inserted and removed frames and names the frame and the check.
func TestTamperDetected(t *testing.T) {
	for _, typ := range []Type{Chain, Merkle} {
		base, _ := newSeq(t, typ, 10)
		frames := rawFrames(t, base)
		swap := func(i, j int) [][]byte {
			c := append([][]byte(nil), frames...)
			c[i], c[j] = c[j], c[i]
			return c
		}
		without := func(i int) [][]byte {
			return append(append([][]byte(nil), frames[:i]...), frames[i+1:]...)
		}
		flipPayload := func() [][]byte {
			c := append([][]byte(nil), frames...)
			c[5] = reencode(t, base, 5, []byte("forged payload"), false)
			return c
		}
		forge := func(i int) [][]byte {
			c := append([][]byte(nil), frames...)
			c[i] = reencode(t, base, int64(i), []byte("forged payload"), true)
			return c
		}
		tests := []struct {
			name  string
			file  [][]byte
			index int64
			check string
		}{
			{"payload modified", flipPayload(), 5, "payload digest"},
			{"payload and its digest modified", forge(5), 5, map[Type]string{Chain: "chain digest", Merkle: "tree digest"}[typ]},
			{"last payload and digest modified", forge(10), 10, map[Type]string{Chain: "chain digest", Merkle: "tree digest"}[typ]},
			{"frames 3 and 4 swapped", swap(3, 4), 3, "sequence info"},
			{"frame 4 removed", without(4), 4, "sequence info"},
			{"frame 2 duplicated", append(append(append([][]byte(nil), frames[:3]...), frames[2]), frames[3:]...), 3, "sequence info"},
		}
		base.Close()
		for _, tc := range tests {
			t.Run(typ.String()+"/"+tc.name, func(t *testing.T) {
				if err := os.WriteFile(base.Path(), join(tc.file), 0o600); err != nil {
					t.Fatal(err)
				}
				s, err := Open(base.Path(), Options{ReadOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				err = s.Verify()
				var ve *VerifyError
				if !errors.As(err, &ve) {
					t.Fatalf("Verify = %v, want a VerifyError", err)
				}
				if ve.Index != tc.index || ve.Check != tc.check {
					t.Errorf("Verify blamed frame %d (%s), want frame %d (%s): %v", ve.Index, ve.Check, tc.index, tc.check, err)
				}
			})
		}
	}
}

// TestTruncatedEndDetectedAgainstHead: removing frames from the end leaves
// a file that is valid on its own; a recorded head catches it, and a
// consistency proof links an old head to the current one.
func TestTruncatedEndDetectedAgainstHead(t *testing.T) {
	s, path := newSeq(t, Merkle, 12)
	size, root, err := s.Head()
	if err != nil {
		t.Fatal(err)
	}
	frames := rawFrames(t, s)
	s.Close()
	if err := os.WriteFile(path, join(frames[:10]), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Verify(); err != nil {
		t.Fatalf("shortened file should verify on its own: %v", err)
	}
	if err := s.VerifyAgainst(size, root); err == nil {
		t.Fatal("VerifyAgainst accepted a sequence with frames removed from the end")
	}
	oldSize, oldRoot, _ := s.Head()
	for i := 0; i < 5; i++ {
		if _, err := s.Append(Entry{Payload: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.VerifyAgainst(oldSize, oldRoot); err != nil {
		t.Fatalf("VerifyAgainst an older head after appends: %v", err)
	}
}

// TestHeaderTamper: a header that no longer parses, or whose TreePosition
// lies, is reported with the frame.
func TestHeaderTamper(t *testing.T) {
	s, path := newSeq(t, Merkle, 6)
	frames := rawFrames(t, s)
	f, _ := s.Frame(4)
	s.Close()
	h := *f.Header
	si := *h.SequenceInfo
	si.TreePosition = int64p(*si.TreePosition + 1)
	h.SequenceInfo = &si
	hb, _ := jsonb.Marshal(&h)
	frames[4] = appendFrame(nil, hb, f.Payload, f.TrailerBytes)
	os.WriteFile(path, join(frames), 0o600)
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ve *VerifyError
	if err := s.Verify(); !errors.As(err, &ve) || ve.Index != 4 || ve.Check != "sequence info" {
		t.Fatalf("Verify = %v, want a TreePosition failure at frame 4", err)
	}
}

// TestHostileLengths: records whose declared sizes exceed the limits or
// lie about the frame are reported with the frame, before any large
// allocation.
func TestHostileLengths(t *testing.T) {
	s, path := newSeq(t, Merkle, 2)
	frames := rawFrames(t, s)
	s.Close()
	huge := make([]byte, MaxHeaderSize+1)
	for i := range huge {
		huge[i] = ' '
	}
	recordTooLong := appendFrame(nil, []byte("{}"), []byte("x"))
	recordTooLong[3] = 0x7F // header record claims 127 bytes inside a 9-byte frame
	tests := []struct {
		name   string
		frame  []byte
		reason string
	}{
		{"header over the limit", appendFrame(nil, huge, nil), "header record at offset"},
		{"record longer than its frame", recordTooLong, "declares 127 bytes"},
		{"four records", appendFrame(nil, []byte("{}"), nil, nil, nil), "unexpected data after the trailer record"},
		{"one record", appendFrame(nil, []byte("{}")), "has 1 records, want 2 or 3"},
		{"reverse tag mismatch", func() []byte { f := appendFrame(nil, []byte("{}"), nil); f[len(f)-2] ^= 1; return f }(), "does not mirror"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := join(append(append([][]byte(nil), frames...), tc.frame, frames[1]))
			if err := os.WriteFile(path, file, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path, Options{ReadOnly: true})
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Index != 3 || !strings.Contains(fe.Reason, tc.reason) {
				t.Fatalf("Open = %v, want a FormatError for frame 3 containing %q", err, tc.reason)
			}
		})
	}
}
