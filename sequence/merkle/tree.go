package merkle

import (
	"errors"
	"fmt"
	"math/bits"
)

// ErrEmptyTree is returned when a root or proof is asked of a tree of size 0,
// for which RFC 6962 gives no Merkle tree hash that a sequence can use.
var ErrEmptyTree = errors.New("merkle: empty tree has no root")

// Tree is an append-only Merkle tree that keeps the hash of every complete
// (perfect, aligned) subtree, so that any root, inclusion proof or
// consistency proof for any earlier size is computed in O(log² n) hashes
// without rereading leaves. Memory is about 2n hashes for n leaves.
//
// The zero value is an empty tree. A Tree is not safe for concurrent use.
type Tree struct {
	// levels[k] holds, back to back, the hashes of the subtrees covering
	// leaves [j·2^k, (j+1)·2^k) for every complete j.
	levels [][]byte
}

// Size returns the number of leaves.
func (t *Tree) Size() uint64 {
	if len(t.levels) == 0 {
		return 0
	}
	return uint64(len(t.levels[0]) / HashSize)
}

// Append adds a leaf whose data is d (a PayloadDigest).
func (t *Tree) Append(d []byte) {
	t.AppendLeafHash(LeafHash(d))
}

// AppendLeafHash adds a leaf given its leaf hash (LeafHash of the data).
// It panics if h is not HashSize bytes long: that is a programming error.
func (t *Tree) AppendLeafHash(h []byte) {
	if len(h) != HashSize {
		panic("merkle: internal error: leaf hash of wrong size")
	}
	for k := 0; ; k++ {
		if k == len(t.levels) {
			t.levels = append(t.levels, nil)
		}
		t.levels[k] = append(t.levels[k], h...)
		n := len(t.levels[k]) / HashSize
		if n%2 == 1 {
			return
		}
		l := t.levels[k][(n-2)*HashSize : (n-1)*HashSize]
		r := t.levels[k][(n-1)*HashSize:]
		h = NodeHash(l, r)
	}
}

// node returns the stored hash of the perfect subtree of 2^level leaves
// with the given position at that level.
func (t *Tree) node(level int, idx uint64) []byte {
	return t.levels[level][idx*HashSize : (idx+1)*HashSize]
}

// rangeHash returns MTH(D[b:e]) (RFC 6962 §2.1). It requires b < e <= Size
// and that b be a multiple of the split sizes RFC 6962 recursion produces,
// which holds for every range reached from [0, size).
func (t *Tree) rangeHash(b, e uint64) []byte {
	n := e - b
	if n&(n-1) == 0 && b%n == 0 {
		return t.node(bits.TrailingZeros64(n), b/n)
	}
	k := splitPoint(n)
	return NodeHash(t.rangeHash(b, b+k), t.rangeHash(b+k, e))
}

// Root returns the Merkle tree hash of the first size leaves. It requires
// 1 <= size <= Size().
func (t *Tree) Root(size uint64) ([]byte, error) {
	if size == 0 {
		return nil, ErrEmptyTree
	}
	if size > t.Size() {
		return nil, fmt.Errorf("merkle: root of size %d requested, tree has %d leaves", size, t.Size())
	}
	return t.rangeHash(0, size), nil
}

// LeafHashAt returns the leaf hash of leaf i.
func (t *Tree) LeafHashAt(i uint64) ([]byte, error) {
	if i >= t.Size() {
		return nil, fmt.Errorf("merkle: leaf %d requested, tree has %d leaves", i, t.Size())
	}
	return append([]byte(nil), t.node(0, i)...), nil
}

// InclusionProof returns the audit path PATH(index, D[0:size]) of RFC 6962
// §2.1.1. It requires index < size <= Size().
func (t *Tree) InclusionProof(index, size uint64) ([][]byte, error) {
	if size > t.Size() {
		return nil, fmt.Errorf("merkle: inclusion proof for size %d requested, tree has %d leaves", size, t.Size())
	}
	if index >= size {
		return nil, fmt.Errorf("merkle: inclusion proof for leaf %d requested in a tree of size %d", index, size)
	}
	return t.path(index, 0, size), nil
}

// path is PATH(m, D[b:e]) with m relative to b.
func (t *Tree) path(m, b, e uint64) [][]byte {
	n := e - b
	if n == 1 {
		return nil
	}
	k := splitPoint(n)
	if m < k {
		return append(t.path(m, b, b+k), t.rangeHash(b+k, e))
	}
	return append(t.path(m-k, b+k, e), t.rangeHash(b, b+k))
}

// ConsistencyProof returns PROOF(m, D[0:n]) of RFC 6962 §2.1.2: the proof
// that the tree of the first m leaves is a prefix of the tree of the first n.
// It requires 1 <= m <= n <= Size(); for m == n the proof is empty.
func (t *Tree) ConsistencyProof(m, n uint64) ([][]byte, error) {
	if n > t.Size() {
		return nil, fmt.Errorf("merkle: consistency proof to size %d requested, tree has %d leaves", n, t.Size())
	}
	if m == 0 || m > n {
		return nil, fmt.Errorf("merkle: consistency proof from size %d to size %d is not defined", m, n)
	}
	return t.subproof(m, 0, n, true), nil
}

// subproof is SUBPROOF(m, D[b:e], complete) with m relative to b.
func (t *Tree) subproof(m, b, e uint64, complete bool) [][]byte {
	n := e - b
	if m == n {
		if complete {
			return nil
		}
		return [][]byte{t.rangeHash(b, e)}
	}
	k := splitPoint(n)
	if m <= k {
		return append(t.subproof(m, b, b+k, complete), t.rangeHash(b+k, e))
	}
	return append(t.subproof(m-k, b+k, e, false), t.rangeHash(b, b+k))
}

// Truncate drops every leaf from index size on, restoring the tree to the
// state it had with size leaves. It requires size <= Size().
func (t *Tree) Truncate(size uint64) {
	for k := range t.levels {
		keep := size >> uint(k)
		if n := uint64(len(t.levels[k]) / HashSize); keep < n {
			t.levels[k] = t.levels[k][:keep*HashSize]
		}
	}
}
