package store

import (
	"encoding/binary"
	"fmt"

	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/sequence/merkle"
)

// containerState is the stored status of a container: its Merkle tree
// peaks and the digest computed from them, so that Status needs no hashing.
//
// Encoding (frozen: it is on disk): n (8 bytes big-endian) ‖ the peaks of
// protocol.ContainerTree (merkle.HashSize bytes each, as many as n has 1
// bits) ‖ the digest (merkle.HashSize bytes).
type containerState struct {
	tree   *protocol.ContainerTree
	digest []byte
}

func (s *containerState) encode() []byte {
	n, peaks := s.tree.State()
	out := binary.BigEndian.AppendUint64(make([]byte, 0, 8+merkle.HashSize*(len(peaks)+1)), uint64(n))
	for _, p := range peaks {
		out = append(out, p...)
	}
	return append(out, s.digest...)
}

func decodeContainerState(b []byte) (*containerState, error) {
	if len(b) < 8 || len(b) > treeStateMax {
		return nil, fmt.Errorf("store: container state of %d bytes", len(b))
	}
	n := binary.BigEndian.Uint64(b)
	if n > 1<<62 {
		return nil, fmt.Errorf("store: container state count %d out of range", n)
	}
	rest := b[8:]
	if len(rest)%merkle.HashSize != 0 || len(rest) < merkle.HashSize {
		return nil, fmt.Errorf("store: container state of %d bytes is not a whole number of hashes", len(b))
	}
	hashes := len(rest) / merkle.HashSize
	peaks := make([][]byte, hashes-1)
	for i := range peaks {
		peaks[i] = rest[i*merkle.HashSize : (i+1)*merkle.HashSize]
	}
	tree, err := protocol.NewContainerTree(int64(n), peaks)
	if err != nil {
		return nil, fmt.Errorf("store: container state: %w", err)
	}
	digest := append([]byte(nil), rest[len(rest)-merkle.HashSize:]...)
	return &containerState{tree: tree, digest: digest}, nil
}
