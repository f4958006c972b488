// Package merkle is the Merkle tree of DARE Merkle sequences as built by this
// implementation (docs/sequence.md §2): exactly the RFC 6962 §2.1 tree, with
// SHA-256, over the 64-byte PayloadDigest (SHA-512 of the stored payload) of
// every frame of a sequence, frame 0 included. Being plain RFC 6962, its
// roots and proofs can be checked by any Certificate Transparency tooling
// (for example transparency-dev/merkle's rfc6962 hasher).
//
// The reference implementation writes degenerate tree digests (dare.md §8.7);
// this package is the "correct construction of our own" that dare.md §8.7
// recommends. Leaves and interior nodes are domain-separated as in
// RFC 6962 §2.1:
//
//	MTH({})      is not defined (a sequence always has frame 0)
//	MTH({d(0)})  = SHA-256(0x00 || d(0))
//	MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))   k = largest power of 2 < n
//
// SHA-256 rather than the SHA-512 of DARE digests: it is the RFC 6962 hash
// (interoperable tooling, published test trees), its 128-bit collision
// resistance matches the rest of the suite, and with SHA-NI a node hash
// costs a third of a SHA-512 one, which matters because verifying a
// sequence recomputes one root per frame.
//
// Inclusion proofs are RFC 6962 §2.1.1 audit paths, consistency proofs are
// §2.1.2 proofs, and the verifiers are the iterative algorithms of RFC 9162
// §2.1.3.2 and §2.1.4.2. Verification functions are pure: they take the
// indexes, the proof and the expected roots, and return nil or an error that
// says what failed.
package merkle
