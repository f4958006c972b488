package catalog

import (
	"errors"
	"fmt"
	"os"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/sequence"
)

// ContentTypeCatalog is the frame-0 content type of a catalog or spool
// sequence (dare.md §9.1).
const ContentTypeCatalog = "application/mmm-catalog"

// SequenceStore is a Store on a Merkle DARE sequence file (dare.md §9.1):
// frame i holds envelope i. Each envelope is stored whole, as the frame's
// payload, so that it can be served and re-verified byte for byte; the
// frame header repeats its clear ContentMeta (UniqueId, Event, MessageType,
// Previous) so that the file can be inspected without parsing payloads.
// This differs from the reference, which re-frames the envelope's header
// fields (docs/schema.md "Stores").
type SequenceStore struct {
	seq *sequence.Sequence
}

// OpenSequenceStore opens the sequence file at path, creating it (with
// frame 0 of content type application/mmm-catalog) if it does not exist.
// A torn last frame left by a crash is dropped (sequence.Open).
func OpenSequenceStore(path string) (*SequenceStore, error) {
	opts := sequence.Options{Type: sequence.Merkle, ContentType: ContentTypeCatalog}
	s, err := sequence.Open(path, opts)
	if errors.Is(err, os.ErrNotExist) {
		s, err = sequence.Create(path, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return &SequenceStore{seq: s}, nil
}

// Append writes the envelopes as frames with one write and one fsync.
func (s *SequenceStore) Append(envelopes ...[]byte) (int64, error) {
	if len(envelopes) == 0 {
		return s.seq.Len(), nil
	}
	entries := make([]sequence.Entry, len(envelopes))
	for i, env := range envelopes {
		m, err := ReadMeta(env)
		if err != nil {
			return 0, fmt.Errorf("catalog: envelope %d: %w", i, err)
		}
		entries[i] = sequence.Entry{Payload: env, Meta: &dare.ContentMeta{
			UniqueID: m.UniqueID, Event: m.Event, MessageType: m.Type, First: m.First, Previous: m.Previous}}
	}
	first, err := s.seq.AppendBatch(entries)
	if err != nil {
		return 0, fmt.Errorf("catalog: %w", err)
	}
	return first, nil
}

// Read returns up to max envelopes from index from.
func (s *SequenceStore) Read(from int64, max int) ([][]byte, error) {
	if from < 1 {
		return nil, fmt.Errorf("catalog: read from index %d, indexes start at 1", from)
	}
	var out [][]byte
	for i := from; i < s.seq.Len() && len(out) < max; i++ {
		f, err := s.seq.Frame(i)
		if err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		if len(f.Payload) > MaxEnvelopeSize {
			return nil, fmt.Errorf("catalog: frame %d holds %d bytes, limit is %d", i, len(f.Payload), MaxEnvelopeSize)
		}
		out = append(out, f.Payload)
	}
	return out, nil
}

// Count returns the number of envelopes (frames after frame 0).
func (s *SequenceStore) Count() int64 { return s.seq.Len() - 1 }

// Head returns the envelope count and the Merkle root over the sequence
// (frame 0 included), to compare with the service's Status digest.
func (s *SequenceStore) Head() (int64, []byte, error) {
	n, root, err := s.seq.Head()
	if err != nil {
		return 0, nil, fmt.Errorf("catalog: %w", err)
	}
	return n - 1, root, nil
}

// Verify checks every frame of the file (sequence.Verify).
func (s *SequenceStore) Verify() error { return s.seq.Verify() }

// Close closes the file.
func (s *SequenceStore) Close() error { return s.seq.Close() }
