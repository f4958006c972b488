package merkle

import (
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
)

// ErrProofLength is wrapped by errors for proofs with the wrong number of
// hashes for the sizes given.
var ErrProofLength = errors.New("merkle: wrong proof length")

// RootMismatchError reports that a proof recomputed a different root from
// the one expected. It carries both.
type RootMismatchError struct {
	Which    string // "root", "first root" or "second root"
	Computed []byte
	Expected []byte
}

func (e *RootMismatchError) Error() string {
	return fmt.Sprintf("merkle: %s mismatch: computed %s, expected %s",
		e.Which, short(e.Computed), short(e.Expected))
}

func short(h []byte) string {
	if len(h) > 8 {
		return hex.EncodeToString(h[:8]) + "…"
	}
	return hex.EncodeToString(h)
}

func checkHashes(what string, hs ...[]byte) error {
	for _, h := range hs {
		if len(h) != HashSize {
			return fmt.Errorf("merkle: %s has %d bytes, want %d", what, len(h), HashSize)
		}
	}
	return nil
}

func equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

// VerifyInclusion checks that leafHash is leaf index of the tree of size
// leaves whose root is root, using the audit path proof (RFC 9162 §2.1.3.2).
// It requires index < size.
func VerifyInclusion(index, size uint64, leafHash []byte, proof [][]byte, root []byte) error {
	got, err := RootFromInclusionProof(index, size, leafHash, proof)
	if err != nil {
		return err
	}
	if err := checkHashes("expected root", root); err != nil {
		return err
	}
	if !equal(got, root) {
		return &RootMismatchError{Which: "root", Computed: got, Expected: root}
	}
	return nil
}

// RootFromInclusionProof recomputes the root implied by an inclusion proof.
func RootFromInclusionProof(index, size uint64, leafHash []byte, proof [][]byte) ([]byte, error) {
	if index >= size {
		return nil, fmt.Errorf("merkle: leaf index %d is not below tree size %d", index, size)
	}
	if err := checkHashes("leaf hash", leafHash); err != nil {
		return nil, err
	}
	if err := checkHashes("proof hash", proof...); err != nil {
		return nil, err
	}
	if want := inclusionLen(index, size); len(proof) != want {
		return nil, fmt.Errorf("%w: inclusion proof for leaf %d of %d has %d hashes, want %d",
			ErrProofLength, index, size, len(proof), want)
	}
	fn, sn := index, size-1
	r := leafHash
	for _, p := range proof {
		if fn&1 == 1 || fn == sn {
			r = NodeHash(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = NodeHash(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return nil, fmt.Errorf("%w: inclusion proof for leaf %d of %d ends early", ErrProofLength, index, size)
	}
	return r, nil
}

// inclusionLen is the length of PATH(index, D[size]): the depth of the leaf.
func inclusionLen(index, size uint64) int {
	// The path has one hash per level where the leaf's ancestors have a
	// sibling: the bits in which index and size-1 share the tree, that is
	// the inner part below the divergence, plus one per set bit above it.
	inner := bits.Len64(index ^ (size - 1))
	border := bits.OnesCount64(index >> uint(inner))
	return inner + border
}

// VerifyConsistency checks that the tree of size1 leaves with root root1 is
// a prefix of the tree of size2 leaves with root root2, using the proof of
// RFC 6962 §2.1.2 (verification: RFC 9162 §2.1.4.2). It requires
// 1 <= size1 <= size2; for size1 == size2 the proof must be empty and the
// roots equal.
func VerifyConsistency(size1, size2 uint64, root1, root2 []byte, proof [][]byte) error {
	if size1 == 0 || size1 > size2 {
		return fmt.Errorf("merkle: consistency from size %d to size %d is not defined", size1, size2)
	}
	if err := checkHashes("root", root1, root2); err != nil {
		return err
	}
	if err := checkHashes("proof hash", proof...); err != nil {
		return err
	}
	if size1 == size2 {
		if len(proof) != 0 {
			return fmt.Errorf("%w: consistency proof between equal sizes must be empty, has %d hashes", ErrProofLength, len(proof))
		}
		if !equal(root1, root2) {
			return &RootMismatchError{Which: "second root", Computed: root1, Expected: root2}
		}
		return nil
	}
	path := proof
	if size1&(size1-1) == 0 {
		path = append([][]byte{root1}, proof...)
	}
	if want := consistencyLen(size1, size2); len(proof) != want {
		return fmt.Errorf("%w: consistency proof from %d to %d has %d hashes, want %d",
			ErrProofLength, size1, size2, len(proof), want)
	}
	fn, sn := size1-1, size2-1
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr := path[0], path[0]
	for _, c := range path[1:] {
		if sn == 0 {
			return fmt.Errorf("%w: consistency proof from %d to %d is too long", ErrProofLength, size1, size2)
		}
		if fn&1 == 1 || fn == sn {
			fr = NodeHash(c, fr)
			sr = NodeHash(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = NodeHash(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return fmt.Errorf("%w: consistency proof from %d to %d is too short", ErrProofLength, size1, size2)
	}
	if !equal(fr, root1) {
		return &RootMismatchError{Which: "first root", Computed: fr, Expected: root1}
	}
	if !equal(sr, root2) {
		return &RootMismatchError{Which: "second root", Computed: sr, Expected: root2}
	}
	return nil
}

// consistencyLen is the length of PROOF(size1, D[size2]) for size1 < size2.
func consistencyLen(size1, size2 uint64) int {
	inner := bits.Len64((size1 - 1) ^ (size2 - 1))
	border := bits.OnesCount64((size1 - 1) >> uint(inner))
	shift := bits.TrailingZeros64(size1)
	n := inner + border - shift
	if size1&(size1-1) != 0 { // not a power of two: the first hash is part of the proof
		n++
	}
	return n
}
