package merkle

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// leafData returns n distinct 64-byte leaf values (stand-ins for
// PayloadDigests): SHA-512 of the 8-byte big-endian index.
func leafData(n int) [][]byte {
	d := make([][]byte, n)
	for i := range d {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(i))
		s := sha512.Sum512(b[:])
		d[i] = s[:]
	}
	return d
}

func buildTree(d [][]byte) *Tree {
	var t Tree
	for _, x := range d {
		t.Append(x)
	}
	return &t
}

// TestTreeAgainstReference cross-checks every root, inclusion proof and
// consistency proof of every tree up to 48 leaves against the recursive
// RFC 6962 transcription, and checks that the verifiers accept them.
func TestTreeAgainstReference(t *testing.T) {
	const max = 48
	d := leafData(max)
	tree := buildTree(d)
	for size := 1; size <= max; size++ {
		root, err := tree.Root(uint64(size))
		if err != nil {
			t.Fatal(err)
		}
		if want := refMTH(d[:size]); !bytes.Equal(root, want) {
			t.Fatalf("Root(%d) differs from reference", size)
		}
		for i := 0; i < size; i++ {
			p, err := tree.InclusionProof(uint64(i), uint64(size))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(refPath(i, d[:size]), p); diff != "" {
				t.Fatalf("InclusionProof(%d, %d) differs from reference", i, size)
			}
			if err := VerifyInclusion(uint64(i), uint64(size), refLeaf(d[i]), p, root); err != nil {
				t.Fatalf("VerifyInclusion(%d, %d): %v", i, size, err)
			}
		}
		for m := 1; m <= size; m++ {
			p, err := tree.ConsistencyProof(uint64(m), uint64(size))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(refProof(m, d[:size]), p); diff != "" {
				t.Fatalf("ConsistencyProof(%d, %d) differs from reference", m, size)
			}
			if err := VerifyConsistency(uint64(m), uint64(size), refMTH(d[:m]), root, p); err != nil {
				t.Fatalf("VerifyConsistency(%d, %d): %v", m, size, err)
			}
		}
	}
}

func TestTreeBadRequests(t *testing.T) {
	tree := buildTree(leafData(5))
	var empty Tree
	tests := []struct {
		name string
		err  error
	}{
		{"root of empty tree", func() error { _, err := empty.Root(0); return err }()},
		{"root beyond size", func() error { _, err := tree.Root(6); return err }()},
		{"inclusion index == size", func() error { _, err := tree.InclusionProof(5, 5); return err }()},
		{"inclusion size beyond tree", func() error { _, err := tree.InclusionProof(0, 6); return err }()},
		{"consistency from 0", func() error { _, err := tree.ConsistencyProof(0, 5); return err }()},
		{"consistency m > n", func() error { _, err := tree.ConsistencyProof(4, 3); return err }()},
		{"consistency beyond tree", func() error { _, err := tree.ConsistencyProof(2, 6); return err }()},
		{"leaf beyond tree", func() error { _, err := tree.LeafHashAt(5); return err }()},
	}
	for _, tc := range tests {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := empty.Root(0); !errors.Is(err, ErrEmptyTree) {
		t.Errorf("empty root error = %v, want ErrEmptyTree", err)
	}
}

// TestTruncate: truncating and re-appending gives the same tree as building
// the shorter one directly.
func TestTruncate(t *testing.T) {
	d := leafData(37)
	for size := 0; size <= 37; size += 5 {
		tree := buildTree(d)
		tree.Truncate(uint64(size))
		if tree.Size() != uint64(size) {
			t.Fatalf("Truncate(%d): size %d", size, tree.Size())
		}
		for _, x := range d[size:] {
			tree.Append(x)
		}
		want := buildTree(d)
		for n := uint64(1); n <= 37; n++ {
			a, _ := tree.Root(n)
			b, _ := want.Root(n)
			if !bytes.Equal(a, b) {
				t.Fatalf("after Truncate(%d) and re-append, Root(%d) differs", size, n)
			}
		}
	}
}
