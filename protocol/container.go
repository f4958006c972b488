package protocol

import (
	"crypto/sha512"
	"errors"
	"fmt"
	"regexp"

	"github.com/mathmesh/mesh/sequence/merkle"
)

// ContainerTree is the Merkle tree of one container as the service reports
// it in ContainerStatus (docs/protocol.md §4): the RFC 6962 §2.1 tree of
// package sequence/merkle (merkle.LeafHash, merkle.NodeHash), whose leaf
// data is SHA-512 of each envelope's bytes exactly as Download returns them:
//
//	leaf(i)  = merkle.LeafHash(SHA-512(envelope i))
//	node     = merkle.NodeHash(left, right)
//
// It keeps only the roots of the perfect subtrees (at most 64 hashes), so
// Append is O(log n) and Digest O(log n) without rereading envelopes. The
// zero value is an empty container, whose Digest is nil.
type ContainerTree struct {
	n     int64
	peaks [][]byte // perfect subtree roots, largest (leftmost) first
}

// NewContainerTree restores a tree from the state saved with State.
func NewContainerTree(n int64, peaks [][]byte) (*ContainerTree, error) {
	if n < 0 {
		return nil, fmt.Errorf("protocol: container tree of %d entries", n)
	}
	want := 0
	for x := n; x != 0; x &= x - 1 {
		want++
	}
	if len(peaks) != want {
		return nil, fmt.Errorf("protocol: container tree of %d entries needs %d peaks, got %d", n, want, len(peaks))
	}
	t := &ContainerTree{n: n}
	for i, p := range peaks {
		if len(p) != merkle.HashSize {
			return nil, fmt.Errorf("protocol: container tree peak %d is %d bytes, want %d", i, len(p), merkle.HashSize)
		}
		t.peaks = append(t.peaks, append([]byte(nil), p...))
	}
	return t, nil
}

// Len returns the number of entries.
func (t *ContainerTree) Len() int64 { return t.n }

// State returns the entry count and a copy of the peaks, for storage.
func (t *ContainerTree) State() (int64, [][]byte) {
	peaks := make([][]byte, len(t.peaks))
	for i, p := range t.peaks {
		peaks[i] = append([]byte(nil), p...)
	}
	return t.n, peaks
}

// Append adds an envelope as the next leaf.
func (t *ContainerTree) Append(envelope []byte) {
	d := sha512.Sum512(envelope)
	h := merkle.LeafHash(d[:])
	// Merge equal-sized subtrees: one merge per trailing 1 bit of n.
	for x := t.n; x&1 == 1; x >>= 1 {
		last := len(t.peaks) - 1
		h = merkle.NodeHash(t.peaks[last], h)
		t.peaks = t.peaks[:last]
	}
	t.peaks = append(t.peaks, h)
	t.n++
}

// Digest returns the Merkle tree hash of all entries, nil when empty.
func (t *ContainerTree) Digest() []byte {
	if len(t.peaks) == 0 {
		return nil
	}
	root := t.peaks[len(t.peaks)-1]
	for i := len(t.peaks) - 2; i >= 0; i-- {
		root = merkle.NodeHash(t.peaks[i], root)
	}
	return append([]byte(nil), root...)
}

// Clone returns an independent copy.
func (t *ContainerTree) Clone() *ContainerTree {
	n, p := t.State()
	return &ContainerTree{n: n, peaks: p}
}

var containerName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// ErrContainerName reports a container label that is not acceptable.
var ErrContainerName = errors.New("protocol: invalid container name")

// CheckContainerName accepts the labels of schema.md §7.2 and §8 and
// application labels: a letter followed by at most 63 letters, digits and
// "_.-".
func CheckContainerName(name string) error {
	if !containerName.MatchString(name) {
		return fmt.Errorf("%w %q: want a letter then up to 63 of [A-Za-z0-9_.-]", ErrContainerName, name)
	}
	return nil
}
