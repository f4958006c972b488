package merkle

import "crypto/sha256"

// This file is the slow, obviously correct reference: RFC 6962 §2.1, §2.1.1
// and §2.1.2 transcribed as recursive functions over the list of leaf data.
// It exists only to cross-check Tree and the verifiers.

func refLeaf(d []byte) []byte {
	s := sha256.Sum256(append([]byte{0x00}, d...))
	return s[:]
}

func refNode(l, r []byte) []byte {
	b := append([]byte{0x01}, l...)
	b = append(b, r...)
	s := sha256.Sum256(b)
	return s[:]
}

func refK(n int) int {
	k := 1
	for 2*k < n {
		k *= 2
	}
	return k
}

// refMTH is MTH(D[n]).
func refMTH(d [][]byte) []byte {
	if len(d) == 1 {
		return refLeaf(d[0])
	}
	k := refK(len(d))
	return refNode(refMTH(d[:k]), refMTH(d[k:]))
}

// refPath is PATH(m, D[n]).
func refPath(m int, d [][]byte) [][]byte {
	if len(d) == 1 {
		return nil
	}
	k := refK(len(d))
	if m < k {
		return append(refPath(m, d[:k]), refMTH(d[k:]))
	}
	return append(refPath(m-k, d[k:]), refMTH(d[:k]))
}

// refProof is PROOF(m, D[n]) = SUBPROOF(m, D[n], true).
func refProof(m int, d [][]byte) [][]byte { return refSubproof(m, d, true) }

func refSubproof(m int, d [][]byte, b bool) [][]byte {
	n := len(d)
	if m == n {
		if b {
			return nil
		}
		return [][]byte{refMTH(d)}
	}
	k := refK(n)
	if m <= k {
		return append(refSubproof(m, d[:k], b), refMTH(d[k:]))
	}
	return append(refSubproof(m-k, d[k:], false), refMTH(d[:k]))
}
