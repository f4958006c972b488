// Package protocol is the Mesh Service Protocol: the typed request and
// response messages of every transaction, their HTTP binding, the
// application-layer authentication of requests and responses, and a typed
// client.
//
// Specifications (in /work/shared/spec, with our design in docs/protocol.md):
//
//   - protocol.md §1 (transactions), §2.1 (HTTP binding: POST to
//     /.well-known/mmm/, the body is {"<Transaction>": {request}} and the
//     answer {"<ResponseType>": {response}}), §2.3 (common fields and
//     structures) and §4 (the fields of each request and response, with the
//     exact JSON names of draft-hallambaker-mesh-protocol-09 §10);
//   - protocol.md §3.4 as refined in docs/protocol.md §3: every request other
//     than the public ones carries a credential and an HMAC-SHA-512 under a
//     key agreed between the credential's X448 authentication key and the
//     service's ServiceAuthentication key; responses carry an HMAC under the
//     same key (see Credential, SignRequest, VerifyResponse);
//   - the Status digest of a container (ContainerStatus.Digest) is the root
//     of an RFC 6962 Merkle tree over SHA-512 of every envelope (ContainerTree,
//     docs/protocol.md §4).
//
// Every message is written and read with package jsonb. Envelopes ("Enveloped"
// fields, DareEnvelope) are carried as jsonb.Raw: the JSON array form of a
// DARE envelope, [header, "body", trailer], kept byte for byte.
package protocol
