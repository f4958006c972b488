package merkle

import (
	"testing"
)

// FuzzVerifyInclusion feeds arbitrary indexes, sizes and proof bytes to the
// inclusion verifier: it must never panic, and must accept only when the
// proof is the true audit path of a tree built from the same leaves.
func FuzzVerifyInclusion(f *testing.F) {
	tree := buildTree(leafData(33))
	f.Add(uint64(3), uint64(17), []byte{})
	f.Add(uint64(0), uint64(1), make([]byte, 64))
	f.Add(uint64(32), uint64(33), make([]byte, 64*6))
	f.Fuzz(func(t *testing.T, index, size uint64, raw []byte) {
		var proof [][]byte
		for len(raw) >= HashSize {
			proof = append(proof, raw[:HashSize])
			raw = raw[HashSize:]
		}
		if len(raw) > 0 {
			proof = append(proof, raw)
		}
		size = size%40 + 1
		var root, leaf []byte
		if size <= tree.Size() && index < size {
			root, _ = tree.Root(size)
			leaf, _ = tree.LeafHashAt(index)
		} else {
			root, leaf = make([]byte, HashSize), make([]byte, HashSize)
		}
		if err := VerifyInclusion(index, size, leaf, proof, root); err == nil {
			want, _ := tree.InclusionProof(index, size)
			if len(want) != len(proof) {
				t.Fatalf("accepted a proof of wrong length for %d in %d", index, size)
			}
			for i := range want {
				if string(want[i]) != string(proof[i]) {
					t.Fatalf("accepted a forged proof for %d in %d", index, size)
				}
			}
		}
	})
}

// FuzzVerifyConsistency: the consistency verifier never panics and accepts
// only the true proof.
func FuzzVerifyConsistency(f *testing.F) {
	tree := buildTree(leafData(33))
	f.Add(uint64(3), uint64(17), []byte{})
	f.Add(uint64(16), uint64(33), make([]byte, 64*2))
	f.Fuzz(func(t *testing.T, size1, size2 uint64, raw []byte) {
		var proof [][]byte
		for len(raw) >= HashSize {
			proof = append(proof, raw[:HashSize])
			raw = raw[HashSize:]
		}
		if len(raw) > 0 {
			proof = append(proof, raw)
		}
		size2 = size2%33 + 1
		size1 = size1 % (size2 + 2)
		r2, _ := tree.Root(size2)
		r1 := make([]byte, HashSize)
		if size1 >= 1 && size1 <= size2 {
			r1, _ = tree.Root(size1)
		}
		if err := VerifyConsistency(size1, size2, r1, r2, proof); err == nil {
			want, _ := tree.ConsistencyProof(size1, size2)
			if len(want) != len(proof) {
				t.Fatalf("accepted a proof of wrong length for %d→%d", size1, size2)
			}
			for i := range want {
				if string(want[i]) != string(proof[i]) {
					t.Fatalf("accepted a forged proof for %d→%d", size1, size2)
				}
			}
		}
	})
}

func BenchmarkAppendAndRoot(b *testing.B) {
	d := leafData(1)[0]
	var tree Tree
	for i := 0; i < b.N; i++ {
		tree.Append(d)
		if _, err := tree.Root(tree.Size()); err != nil {
			b.Fatal(err)
		}
	}
}
