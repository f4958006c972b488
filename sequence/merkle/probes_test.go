package merkle

import (
	"fmt"
	"testing"
)

// probe is one systematic corruption of a valid proof, in the manner of
// transparency-dev/merkle's generated probes: every probe must be rejected.
// Changing a tree size by one while keeping the root is not a probe: when
// the tree shape along the path is unchanged the proof stays valid, and the
// binding of a root to its size is the caller's (a signed tree head).
type probe struct {
	desc  string
	index uint64 // leaf index (inclusion) or size1 (consistency)
	size  uint64
	leaf  []byte // leaf hash (inclusion) or root1 (consistency)
	root  []byte
	proof [][]byte
}

func flip(h []byte, bit int) []byte {
	c := append([]byte(nil), h...)
	c[bit/8%len(c)] ^= 1 << (bit % 8)
	return c
}

func proofVariants(proof [][]byte, extra []byte) map[string][][]byte {
	v := map[string][][]byte{
		"extra hash appended":  append(append([][]byte(nil), proof...), extra),
		"extra hash prepended": append([][]byte{extra}, proof...),
	}
	if len(proof) > 0 {
		v["last hash dropped"] = proof[:len(proof)-1]
		v["first hash dropped"] = proof[1:]
		for i := range proof {
			c := append([][]byte(nil), proof...)
			c[i] = flip(c[i], 7*i+3)
			v[fmt.Sprintf("hash %d bit-flipped", i)] = c
		}
	}
	if len(proof) > 1 {
		c := append([][]byte(nil), proof...)
		c[0], c[1] = c[1], c[0]
		v["first two hashes swapped"] = c
	}
	return v
}

func inclusionProbes(t *testing.T, tree *Tree, index, size uint64) []probe {
	root, _ := tree.Root(size)
	leaf, _ := tree.LeafHashAt(index)
	proof, err := tree.InclusionProof(index, size)
	if err != nil {
		t.Fatal(err)
	}
	ps := []probe{
		{"index + 1", index + 1, size, leaf, root, proof},
		{"index bit 0 flipped", index ^ 1, size, leaf, root, proof},
		{"size * 2", index, size * 2, leaf, root, proof},
		{"leaf hash bit-flipped", index, size, flip(leaf, 5), root, proof},
		{"root bit-flipped", index, size, leaf, flip(root, 9), proof},
		{"empty root", index, size, leaf, nil, proof},
		{"short leaf hash", index, size, leaf[:HashSize-1], root, proof},
	}
	if index > 0 {
		ps = append(ps, probe{"index - 1", index - 1, size, leaf, root, proof})
	}
	for d, p := range proofVariants(proof, root) {
		ps = append(ps, probe{d, index, size, leaf, root, p})
	}
	return ps
}

func TestInclusionProbes(t *testing.T) {
	tree := buildTree(leafData(40))
	for size := uint64(1); size <= 40; size += 3 {
		for index := uint64(0); index < size; index += 2 {
			for _, p := range inclusionProbes(t, tree, index, size) {
				if p.desc == "index bit 0 flipped" && p.index >= p.size {
					continue
				}
				if err := VerifyInclusion(p.index, p.size, p.leaf, p.proof, p.root); err == nil {
					t.Errorf("inclusion of %d in %d: probe %q accepted", index, size, p.desc)
				}
			}
		}
	}
}

func TestConsistencyProbes(t *testing.T) {
	tree := buildTree(leafData(40))
	for size2 := uint64(2); size2 <= 40; size2 += 3 {
		root2, _ := tree.Root(size2)
		for size1 := uint64(1); size1 < size2; size1++ {
			root1, _ := tree.Root(size1)
			proof, err := tree.ConsistencyProof(size1, size2)
			if err != nil {
				t.Fatal(err)
			}
			ps := []probe{
				{"size1 + 1", size1 + 1, size2, root1, root2, proof},
				{"size1 - 1", size1 - 1, size2, root1, root2, proof},
				{"size2 * 2", size1, size2 * 2, root1, root2, proof},
				{"root1 bit-flipped", size1, size2, flip(root1, 11), root2, proof},
				{"root2 bit-flipped", size1, size2, root1, flip(root2, 13), proof},
				{"roots swapped", size1, size2, root2, root1, proof},
				{"empty root1", size1, size2, nil, root2, proof},
			}
			for d, p := range proofVariants(proof, root1) {
				ps = append(ps, probe{d, size1, size2, root1, root2, p})
			}
			for _, p := range ps {
				if p.index == size2 && p.desc == "size1 + 1" {
					continue // equal sizes with a non-empty proof: covered below
				}
				if err := VerifyConsistency(p.index, p.size, p.leaf, p.root, p.proof); err == nil {
					t.Errorf("consistency %d→%d: probe %q accepted", size1, size2, p.desc)
				}
			}
		}
	}
	r, _ := tree.Root(7)
	if err := VerifyConsistency(7, 7, r, r, [][]byte{r}); err == nil {
		t.Error("non-empty proof between equal sizes accepted")
	}
	if err := VerifyConsistency(7, 7, r, flip(r, 1), nil); err == nil {
		t.Error("different roots of equal size accepted")
	}
	if err := VerifyConsistency(7, 7, r, r, nil); err != nil {
		t.Errorf("equal sizes, equal roots: %v", err)
	}
}
