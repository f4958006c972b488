// Package sequencetest is the conformance suite for DARE sequence stores
// (docs/sequence.md §8): the file-backed sequence.Sequence runs it, and so
// must any other implementation of Store, such as a service's storage.
package sequencetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/sequence"
)

// Store is the small interface every sequence store implements.
type Store interface {
	// Append adds a frame and returns its index (1, 2, ... : frame 0
	// describes the sequence). When it returns nil the frame is durable.
	Append(sequence.Entry) (int64, error)
	// Frame returns frame i, 0 <= i < Len.
	Frame(i int64) (*sequence.Frame, error)
	// Len returns the number of frames, frame 0 included.
	Len() int64
	// Verify checks every frame (dare.md §8.11).
	Verify() error
	// Close releases the store; later calls fail.
	Close() error
}

// Batcher is implemented by stores that append several frames at once.
type Batcher interface {
	AppendBatch([]sequence.Entry) (int64, error)
}

// Harness makes stores for the suite.
type Harness struct {
	// New returns a new, empty store (frame 0 only) of the given type.
	New func(t *testing.T, typ sequence.Type) Store
	// Reopen closes s and opens the same backing data again.
	Reopen func(t *testing.T, s Store) Store
	// Types lists the sequence types the store supports.
	Types []sequence.Type
}

// Run runs every conformance test against h.
func Run(t *testing.T, h Harness) {
	for _, typ := range h.Types {
		t.Run(typ.String(), func(t *testing.T) {
			t.Run("AppendRead", func(t *testing.T) { testAppendRead(t, h, typ) })
			t.Run("Reopen", func(t *testing.T) { testReopen(t, h, typ) })
			t.Run("Bounds", func(t *testing.T) { testBounds(t, h, typ) })
			t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, h, typ) })
			t.Run("Batch", func(t *testing.T) { testBatch(t, h, typ) })
			t.Run("Closed", func(t *testing.T) { testClosed(t, h, typ) })
		})
	}
}

func payload(i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("entry %d;", i)), 1+i%5)
}

func appendN(t *testing.T, s Store, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("id-%d", i)
		got, err := s.Append(sequence.Entry{Payload: payload(i), Meta: &dare.ContentMeta{UniqueID: id, Event: "New"}})
		if err != nil {
			t.Fatalf("Append %d: %v", i, err)
		}
		if got != s.Len()-1 {
			t.Fatalf("Append returned %d, Len is now %d", got, s.Len())
		}
	}
}

func checkFrames(t *testing.T, s Store, n int) {
	t.Helper()
	if s.Len() != int64(n)+1 {
		t.Fatalf("Len = %d, want %d", s.Len(), n+1)
	}
	for i := 1; i <= n; i++ {
		f, err := s.Frame(int64(i))
		if err != nil {
			t.Fatalf("Frame(%d): %v", i, err)
		}
		if f.Index != int64(i) || !bytes.Equal(f.Payload, payload(i)) {
			t.Fatalf("Frame(%d) = index %d payload %q", i, f.Index, f.Payload)
		}
		m, err := f.Meta()
		if err != nil || m.UniqueID != fmt.Sprintf("id-%d", i) {
			t.Fatalf("Frame(%d) meta %+v, %v", i, m, err)
		}
	}
	if err := s.Verify(); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func testAppendRead(t *testing.T, h Harness, typ sequence.Type) {
	s := h.New(t, typ)
	defer s.Close()
	if s.Len() != 1 {
		t.Fatalf("new store has %d frames, want 1 (frame 0)", s.Len())
	}
	f0, err := s.Frame(0)
	if err != nil {
		t.Fatal(err)
	}
	if si := f0.Header.SequenceInfo; si == nil || si.ContainerType != typ.String() {
		t.Fatalf("frame 0 SequenceInfo %+v, want ContainerType %v", si, typ)
	}
	appendN(t, s, 40)
	checkFrames(t, s, 40)
	if _, err := s.Append(sequence.Entry{}); err != nil {
		t.Fatalf("empty payload: %v", err)
	}
	big := bytes.Repeat([]byte{0xAB}, 1<<20)
	i, err := s.Append(sequence.Entry{Payload: big})
	if err != nil {
		t.Fatal(err)
	}
	if f, err := s.Frame(i); err != nil || !bytes.Equal(f.Payload, big) {
		t.Fatalf("1 MiB payload did not round-trip: %v", err)
	}
}

func testReopen(t *testing.T, h Harness, typ sequence.Type) {
	s := h.New(t, typ)
	appendN(t, s, 10)
	s = h.Reopen(t, s)
	checkFrames(t, s, 10)
	i, err := s.Append(sequence.Entry{Payload: payload(11), Meta: &dare.ContentMeta{UniqueID: "id-11"}})
	if err != nil || i != 11 {
		t.Fatalf("Append after reopen = %d, %v", i, err)
	}
	s = h.Reopen(t, s)
	defer s.Close()
	checkFrames(t, s, 11)
}

func testBounds(t *testing.T, h Harness, typ sequence.Type) {
	s := h.New(t, typ)
	defer s.Close()
	appendN(t, s, 3)
	for _, i := range []int64{-1, 4, 1 << 40} {
		if _, err := s.Frame(i); err == nil {
			t.Errorf("Frame(%d) of a 4-frame store succeeded", i)
		}
	}
}

func testConcurrent(t *testing.T, h Harness, typ sequence.Type) {
	s := h.New(t, typ)
	defer s.Close()
	const workers, each = 4, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[int64]bool{}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				i, err := s.Append(sequence.Entry{Payload: []byte{byte(j)}})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[i] {
					t.Errorf("index %d returned twice", i)
				}
				seen[i] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if s.Len() != workers*each+1 {
		t.Fatalf("Len = %d after %d concurrent appends", s.Len(), workers*each)
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
}

func testBatch(t *testing.T, h Harness, typ sequence.Type) {
	s := h.New(t, typ)
	defer s.Close()
	b, ok := s.(Batcher)
	if !ok {
		t.Skip("store has no batch append")
	}
	entries := make([]sequence.Entry, 50)
	for i := range entries {
		entries[i] = sequence.Entry{Payload: payload(i + 1), Meta: &dare.ContentMeta{UniqueID: fmt.Sprintf("id-%d", i+1)}}
	}
	first, err := b.AppendBatch(entries)
	if err != nil || first != 1 {
		t.Fatalf("AppendBatch = %d, %v", first, err)
	}
	checkFrames(t, s, 50)
}

func testClosed(t *testing.T, h Harness, typ sequence.Type) {
	s := h.New(t, typ)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(sequence.Entry{}); err == nil {
		t.Error("Append after Close succeeded")
	}
	if _, err := s.Frame(0); err == nil {
		t.Error("Frame after Close succeeded")
	}
	if err := s.Verify(); err == nil {
		t.Error("Verify after Close succeeded")
	}
	if err := s.Close(); !errors.Is(err, sequence.ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
}
