package sequence

import (
	"crypto/sha512"

	"github.com/mathmesh/mesh/sequence/merkle"
)

// This file holds the chain and tree digests this implementation writes
// (docs/sequence.md §2) and the degenerate ones the reference writes
// (dare.md §8.7), which are accepted on read.
//
// Ours, with PD_i the PayloadDigest of frame i (frame 0 included):
//
//	ChainDigest_i = SHA-512(C_{i-1} || PD_i),  C_{-1} = SHA-512("")
//	TreeDigest_i  = MTH(PD_0 … PD_i)           (package merkle: RFC 6962, SHA-256, 32 bytes)
//
// ChainDigest_0 is the [D12] §4.2.1 frame-0 value H(H("") || H(payload_0)).
// The reference instead writes G(PD) = SHA-512(0^64 || PD) for every chain
// digest and G^k(PD) for tree digests, which link nothing.

// digestMode says which construction a sequence's chain or tree digests
// follow. It is decided by frame 0, whose two constructions always differ.
type digestMode int

const (
	modeUnverified digestMode = iota // not yet verified
	modeNone                         // no chain or tree digests (List, Digest, Tree)
	modeOwn                          // this implementation's construction
	modeRef                          // the reference's degenerate digests (dare.md §8.7)
)

func (m digestMode) String() string {
	switch m {
	case modeOwn:
		return "linked (RFC 6962 tree / hash chain)"
	case modeRef:
		return "reference (degenerate, no cross-frame integrity)"
	}
	return "none"
}

// emptyDigest is SHA-512(""), the PayloadDigest of an empty payload and the
// chain seed C_{-1}.
var emptyDigest = func() []byte { s := sha512.Sum512(nil); return s[:] }()

// chainNext returns SHA-512(prev || pd).
func chainNext(prev, pd []byte) []byte {
	h := sha512.New()
	h.Write(prev)
	h.Write(pd)
	return h.Sum(make([]byte, 0, sha512.Size))
}

// refG is G(x) = SHA-512(0^64 || x) of dare.md §8.7.
func refG(x []byte) []byte {
	var zero [sha512.Size]byte
	return chainNext(zero[:], x)
}

// links accumulates the chain and tree digests over successive frames.
type links struct {
	typ   Type
	chain []byte
	tree  merkle.Tree
}

func newLinks(t Type) *links { return &links{typ: t, chain: emptyDigest} }

// linksState is a saved position of links, to undo a failed append.
type linksState struct {
	chain []byte
	size  uint64
}

func (l *links) save() linksState { return linksState{chain: l.chain, size: l.tree.Size()} }

func (l *links) restore(st linksState) {
	l.chain = st.chain
	l.tree.Truncate(st.size)
}

// add folds in the PayloadDigest of the next frame and returns that frame's
// ChainDigest and TreeDigest (nil where the type has none).
func (l *links) add(pd []byte) (chain, tree []byte) {
	switch l.typ {
	case Chain:
		l.chain = chainNext(l.chain, pd)
		return l.chain, nil
	case Merkle:
		l.tree.Append(pd)
		root, err := l.tree.Root(l.tree.Size())
		if err != nil {
			panic("sequence: internal error: " + err.Error())
		}
		return nil, root
	}
	return nil, nil
}

// refTreeDigestMatches reports whether v is a tree digest the reference
// could have written for frame index with payload digest pd: G^k(pd) with
// k = tz(N+1)+1 for N = index or index+1, or for frame 0 G(pd) or G²(pd)
// (dare.md §8.7, V-17, V-18).
func refTreeDigestMatches(v, pd []byte, index int64) bool {
	ks := map[int]bool{}
	for _, n := range []int64{index, index + 1} {
		ks[trailingZeros(n+1)+1] = true
	}
	if index == 0 {
		ks[1], ks[2] = true, true
	}
	x := pd
	for k := 1; k <= 64; k++ {
		x = refG(x)
		if ks[k] && string(x) == string(v) {
			return true
		}
	}
	return false
}

func trailingZeros(n int64) int {
	c := 0
	for n > 0 && n&1 == 0 {
		n >>= 1
		c++
	}
	return c
}
