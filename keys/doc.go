// Package keys implements the key pairs of the Mathematical Mesh: Ed25519,
// Ed448, X25519 and X448 keys, their derivation from seed UDFs, their
// fingerprints and their JSON forms.
//
// Specifications (in /work/shared/spec):
//
//   - udf.md §6: key derivation from a seed UDF ([DeriveFromSeed], §6.1),
//     default algorithms ([DefaultAlgorithm], §6.2), key names ([KeyName],
//     §6.3), private scalars and public encodings (§6.4: Ed448 keys from a
//     56-byte secret, X448 public keys of 57 bytes with the odd flag of v)
//     and fingerprints ([PublicKey.Fingerprint], §6.5: a SHA-2-512 content
//     digest, type "PKIXKey", of a non-standard SubjectPublicKeyInfo).
//   - threshold.md §4.2 to §4.6: reduced scalars, the "z" JSON forms, the
//     curve448/edwards448 isogeny maps, and the validation of every public
//     key (canonical, on the curve, in the prime-order subgroup, not the
//     identity).
//   - dare.md §4.2: Edwards ECDH on Ed25519 and Ed448 keys; the IKM is the
//     RFC 8032 encoding of a·P.
//   - schema.md §2: KeyData and the tagged JOSE key forms.
//
// Signatures are pure EdDSA (RFC 8032, empty context); [Verify] uses the
// stock verifiers crypto/ed25519 and circl/sign/ed448. X25519 agreements
// of seed keys use crypto/ecdh and X448 ones circl/dh/x448; keys made from
// an explicit scalar (threshold shares) compute on the Edwards curves. No
// math/big is used on secret values.
//
// Private key types never print their secret: String, GoString and Format
// print the curve and the public fingerprint only. Their fields are
// unexported, they are not comparable, and ScalarBytes/PrefixBytes return
// copies for threshold key combination.
//
// # Key files
//
// [MarshalPrivateKeyFile] writes, and [ParsePrivateKeyFile] reads, one JSON
// object of string members (binary values unpadded base64url, RFC 4648 §5):
//
//	{
//	  "Format": "mesh-private-key/1",
//	  "Algorithm": "Ed448",
//	  "Fingerprint": "MAHJ-HXR2-YQVB-J5BB-6JFA-A4NF-XX65",
//	  "Public": "<57 bytes>",
//	  "Seed": "<56 bytes>"
//	}
//
// Algorithm is the JOSE curve name. Public and Fingerprint are the public
// key's wire encoding and fingerprint; the reader recomputes both and
// rejects a mismatch. The secret is exactly one of:
//
//   - Seed: the RFC 8032 secret of an Edwards key (32 bytes for Ed25519; 57
//     bytes for Ed448, or 56 for Mesh-derived keys) or the RFC 7748 private
//     key of a Montgomery key (32 or 56 bytes);
//   - Scalar: the reduced little-endian scalar (32 or 56 bytes) of a key
//     made from a scalar, with, for Ed25519 and Ed448 only, Prefix: the
//     secret nonce prefix (32 or 57 bytes).
//
// [MarshalPublicKeyFile] and [ParsePublicKeyFile] use the same object with
// Format "mesh-public-key/1" and no secret member. Readers reject unknown,
// duplicate and missing members, non-string values, trailing data, padded
// base64 and files over [MaxKeyFileSize]. Writers emit the members in the
// order above, indented by two spaces, with a final newline. Files holding
// a private key must be written with mode 0600 by the caller.
package keys
