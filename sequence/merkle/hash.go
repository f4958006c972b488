package merkle

import "crypto/sha256"

// HashSize is the size of every leaf, node and root hash (SHA-256).
const HashSize = sha256.Size

// Domain-separation prefixes of RFC 6962 §2.1.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// LeafHash returns SHA-256(0x00 || data), the hash of a leaf (RFC 6962
// §2.1). In a sequence, data is the frame's 64-byte PayloadDigest.
func LeafHash(data []byte) []byte {
	h := sha256.New()
	h.Write([]byte{leafPrefix})
	h.Write(data)
	return h.Sum(make([]byte, 0, HashSize))
}

// NodeHash returns SHA-256(0x01 || left || right), the hash of an interior
// node (RFC 6962 §2.1).
func NodeHash(left, right []byte) []byte {
	var buf [1 + 2*HashSize]byte
	buf[0] = nodePrefix
	copy(buf[1:], left)
	copy(buf[1+HashSize:], right)
	sum := sha256.Sum256(buf[:1+len(left)+len(right)])
	return sum[:]
}

// splitPoint returns the largest power of two strictly smaller than n
// (the k of RFC 6962 §2.1). It requires n > 1.
func splitPoint(n uint64) uint64 {
	k := uint64(1)
	for k<<1 < n {
		k <<= 1
	}
	return k
}
