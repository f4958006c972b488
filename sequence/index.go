package sequence

import (
	"fmt"

	"github.com/mathmesh/mesh/dare"
)

// AppendIndex appends an index frame (dare.md §8.10): a metadata frame
// (SequenceInfo.IsMeta) with an empty payload whose header lists the index
// and byte position of every earlier frame, and, where given, the UniqueId
// of its ContentMeta. uniqueIDs maps frame index to UniqueId. A reader that
// does not build its own offset table (this package always does) can seek
// through it; Verify checks that every listed position is right.
func (s *Sequence) AppendIndex(uniqueIDs map[int64]string) (int64, error) {
	s.mu.Lock()
	pos := make([]dare.IndexPosition, len(s.offsets))
	for i, off := range s.offsets {
		pos[i] = dare.IndexPosition{Index: int64(i), Position: off, UniqueID: uniqueIDs[int64(i)]}
	}
	s.mu.Unlock()
	return s.Append(Entry{index: &dare.SequenceIndex{Full: true, Positions: pos}})
}

// checkIndex checks an index frame's positions against the offset table.
func (v *verifier) checkIndex(i int64, idx *dare.SequenceIndex) error {
	if idx == nil {
		return nil
	}
	for _, p := range idx.Positions {
		if p.Index < 0 || p.Index >= i {
			return fmt.Errorf("index frame lists frame %d, which does not precede it", p.Index)
		}
		if want := v.offsets[p.Index]; p.Position != want {
			return fmt.Errorf("index frame gives frame %d at offset %d, it is at %d", p.Index, p.Position, want)
		}
	}
	return nil
}
