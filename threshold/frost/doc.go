// Package frost implements FROST threshold Schnorr signatures, RFC 9591, for
// the ciphersuites FROST(Ed25519, SHA-512) (§6.1) and FROST(Ed448, SHAKE256)
// (§6.3). The signatures verify as pure Ed25519 and pure Ed448 (empty
// context) with the standard verifiers.
//
// Mesh use (../../../shared/spec/threshold.md §5): 2-of-2 device + service
// signing from additive key shares (FromAdditive) and t-of-n administrator
// keys from a trusted dealer (Deal). Round one is Commit, round two is Sign,
// the coordinator runs Aggregate.
//
// Nonces are single use: SigningNonces refuses a second Sign (threshold.md §6
// item 1) and zeroizes its scalars after the first. Nonces are hedged as
// RFC 9591 §4.1 nonce_generate specifies: H3(32 random bytes ‖ share).
package frost
