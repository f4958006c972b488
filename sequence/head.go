package sequence

import (
	"fmt"

	"github.com/mathmesh/mesh/sequence/merkle"
)

// Head returns the number of frames and the Merkle tree root over all of
// them (docs/sequence.md §2): what a trusted party records to later check
// the sequence with VerifyAgainst. It fails for non-Merkle sequences.
func (s *Sequence) Head() (int64, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.needMerkle(); err != nil {
		return 0, nil, err
	}
	n := s.links.tree.Size()
	root, err := s.links.tree.Root(n)
	return int64(n), root, err
}

func (s *Sequence) needMerkle() error {
	if s.closed {
		return ErrClosed
	}
	if s.typ != Merkle {
		return fmt.Errorf("sequence: %s is a %v sequence; tree heads and proofs need a Merkle sequence", s.path, s.typ)
	}
	return nil
}

// VerifyAgainst checks that the first size frames of this Merkle sequence
// hash to root, a head recorded earlier with Head: frames removed from the
// end, or any change to those frames, is detected. The tree is the one
// built from the payloads when the sequence was opened, plus appends.
func (s *Sequence) VerifyAgainst(size int64, root []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.needMerkle(); err != nil {
		return err
	}
	n := int64(s.links.tree.Size())
	if size < 1 || size > n {
		return fmt.Errorf("sequence: the trusted head covers %d frames, the sequence has %d: frames were removed from the end", size, n)
	}
	got, err := s.links.tree.Root(uint64(size))
	if err != nil {
		return err
	}
	if !equalDigest(got, root) {
		return &merkle.RootMismatchError{Which: fmt.Sprintf("root of frames 0..%d", size-1), Computed: got, Expected: root}
	}
	return nil
}

// InclusionProof returns the proof that frame index is in the tree of the
// first size frames (RFC 6962 §2.1.1). Check it with merkle.VerifyInclusion
// and merkle.LeafHash of the frame's PayloadDigest.
func (s *Sequence) InclusionProof(index, size int64) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.needMerkle(); err != nil {
		return nil, err
	}
	if index < 0 || size < 0 {
		return nil, fmt.Errorf("sequence: negative frame index %d or size %d", index, size)
	}
	return s.links.tree.InclusionProof(uint64(index), uint64(size))
}

// ConsistencyProof returns the proof that the tree of the first m frames is
// a prefix of the tree of the first n (RFC 6962 §2.1.2). Check it with
// merkle.VerifyConsistency.
func (s *Sequence) ConsistencyProof(m, n int64) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.needMerkle(); err != nil {
		return nil, err
	}
	if m < 0 || n < 0 {
		return nil, fmt.Errorf("sequence: negative size %d or %d", m, n)
	}
	return s.links.tree.ConsistencyProof(uint64(m), uint64(n))
}
