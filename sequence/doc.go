// Package sequence reads and writes DARE sequences: append-only files of
// JBCD frames, each a DARE header, payload and trailer (the project notes
// /work/shared/spec/dare.md §8 and jsonbcd.md §8; draft-hallambaker-mesh-dare
// §4, Appendix C). docs/sequence.md describes the design.
//
// What it provides:
//
//   - frames read forward and backward, with every length checked against
//     the file and the limits in limits.go (dare.md §8.1);
//   - the List, Digest, Chain, Tree and Merkle types, frame 0 with its
//     policy (dare.md §8.2, §8.9) and TreePosition navigation (§8.5);
//   - chain and Merkle digests that really link the frames: a hash chain
//     and an RFC 6962 tree (package merkle) over the PayloadDigests, with
//     inclusion and consistency proofs; the reference's degenerate digests
//     (§8.7) are accepted on read;
//   - Verify, which names the first frame that is modified, reordered,
//     inserted or removed, and the check that failed;
//   - crash safety: an append is one write, acknowledged frames are durable
//     (SyncAlways, with group commit and batches), and a torn last frame is
//     truncated on Open with a warning;
//   - Isolated, Once and Session encryption with ExchangePosition (§8.9), and
//     index frames (§8.10).
//
// Package sequencetest is the conformance suite any sequence store runs.
package sequence
