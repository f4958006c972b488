// Package threshold implements the Mesh threshold operations on Curve25519
// and Curve448 keys: key co-generation (the device activation overlay),
// threshold decryption with additive or Shamir shares, recryption groups and
// RFC 8032 signing from an explicit scalar. FROST threshold signatures are in
// the subpackage frost, the scalar/point layer in group, Shamir sharing in
// shamir.
//
// Design: ../../shared/spec/threshold.md (research note for this package;
// sections cited per function), after draft-hallambaker-threshold-06 §3–§5
// and draft-hallambaker-mesh-architecture-15 §4.4, §5.3, §5.4 and §6.1.2.
//
// Every private key and share is a scalar reduced mod L; nothing here clamps
// or hashes a share. X25519 works through edwards25519 (RFC 7748 §4.1
// birational map), X448 through edwards448 (RFC 7748 §4.2 4-isogeny). Every
// point received from outside is decoded strictly and must be a non-identity
// point of the prime-order subgroup.
//
// Wire forms of points (docs/threshold.md "Wire forms"):
//
//	X25519: u (32 bytes, RFC 7748) ‖ sign byte (0x80 if v is odd, else 0x00) = 33 bytes
//	X448:   u (56 bytes, RFC 7748) ‖ sign byte                              = 57 bytes
//	Ed25519, Ed448: the RFC 8032 encoding, 32 and 57 bytes
//
// A 32- or 56-byte unsigned u is accepted and lifted as if the sign byte were
// 0x00; both share holders then lift an ephemeral to the same point.
package threshold
