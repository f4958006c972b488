package udf

import "fmt"

// Type is the UDF type identifier byte T (udf.md §1).
type Type byte

// UDF type identifiers (udf.md §1, [REF] UDFConstants.cs). The numbering is
// part of the wire format and never changes.
const (
	HMACSHA2512         Type = 0   // keyed MAC output or HMAC key (PINs), HMAC-SHA-512
	HMACSHA3512         Type = 1   // the same with HMAC-SHA3-512
	EncryptionKey       Type = 32  // symmetric encryption/authentication key
	EncryptionSignature Type = 33  // symmetric key bound to a signature key (udf.md §5.3)
	DigestSHA3          Type = 80  // SHA3-512 content digest, compression level 0; 81 to 84 are levels 1 to 4
	DigestSHA2          Type = 96  // SHA-2-512 content digest, compression level 0; 97 to 100 are levels 1 to 4
	TypeNonce           Type = 104 // random nonce; named TypeNonce because the function Nonce makes one
	OID                 Type = 112 // DER "OID identified sequence" (udf.md §5.4)
	ShamirSecret        Type = 144 // one Shamir share (udf.md §7)
	DerivedKey          Type = 200 // seed for deterministic key pairs (udf.md §5.5, §6)
)

// maxCompression is the highest compression level (udf.md §3.1).
const maxCompression = 4

// IsDigest reports whether t is a SHA-2 or SHA-3 content digest type at any
// compression level.
func (t Type) IsDigest() bool {
	return (t >= DigestSHA3 && t <= DigestSHA3+maxCompression) ||
		(t >= DigestSHA2 && t <= DigestSHA2+maxCompression)
}

// Compression returns the compression level (0 to 4) of a digest type, and 0
// for any other type (udf.md §3.1).
func (t Type) Compression() int {
	switch {
	case t >= DigestSHA3 && t <= DigestSHA3+maxCompression:
		return int(t - DigestSHA3)
	case t >= DigestSHA2 && t <= DigestSHA2+maxCompression:
		return int(t - DigestSHA2)
	}
	return 0
}

// String returns the reference name of t, or "Type(n)" for an unassigned
// value.
func (t Type) String() string {
	switch {
	case t == HMACSHA2512:
		return "HMAC_SHA_2_512"
	case t == HMACSHA3512:
		return "HMAC_SHA_3_512"
	case t == EncryptionKey:
		return "Encryption_HKDF_AES_512"
	case t == EncryptionSignature:
		return "EncryptionSignature_HKDF_AES_512"
	case t >= DigestSHA3 && t <= DigestSHA3+maxCompression:
		return fmt.Sprintf("Digest_SHA_3_512/%d", t.Compression())
	case t >= DigestSHA2 && t <= DigestSHA2+maxCompression:
		return fmt.Sprintf("Digest_SHA_2_512/%d", t.Compression())
	case t == TypeNonce:
		return "Nonce"
	case t == OID:
		return "OID"
	case t == ShamirSecret:
		return "ShamirSecret"
	case t == DerivedKey:
		return "DerivedKey"
	}
	return fmt.Sprintf("Type(%d)", byte(t))
}

// HashAlg selects the digest algorithm of a content digest UDF (udf.md §3).
// The zero value is SHA2_512.
type HashAlg int

// Digest algorithms (udf.md §0: H2 and H3).
const (
	SHA2_512 HashAlg = iota // SHA-2-512, digest types 96 to 100
	SHA3_512                // SHA3-512 (FIPS 202), digest types 80 to 84
)

// String returns "SHA2_512", "SHA3_512" or "HashAlg(n)".
func (a HashAlg) String() string {
	switch a {
	case SHA2_512:
		return "SHA2_512"
	case SHA3_512:
		return "SHA3_512"
	}
	return fmt.Sprintf("HashAlg(%d)", int(a))
}

// AlgID is a UdfAlgorithmIdentifier, the 16-bit big-endian algorithm number
// of a derived-key seed (udf.md §5.5). [REF] reads the two bytes as one
// number and so does this package (udf.md §5.5 DRAFT≠REF).
type AlgID uint16

// UdfAlgorithmIdentifier values (udf.md §5.5). 11 to 255 are reserved for
// the IETF and 262 to 511 for the Mesh.
const (
	AnyAlgorithm          AlgID = 0
	X25519                AlgID = 1
	X448                  AlgID = 2
	Ed25519               AlgID = 3
	Ed448                 AlgID = 4
	P256                  AlgID = 5
	P384                  AlgID = 6
	P521                  AlgID = 7
	RSA2048               AlgID = 8
	RSA3072               AlgID = 9
	RSA4096               AlgID = 10
	MeshProfileDevice     AlgID = 256
	MeshActivationDevice  AlgID = 257
	MeshProfileAccount    AlgID = 258
	MeshActivationAccount AlgID = 259
	MeshProfileService    AlgID = 260
	MeshActivationService AlgID = 261
)

var algNames = map[AlgID]string{
	AnyAlgorithm: "Any", X25519: "X25519", X448: "X448", Ed25519: "Ed25519",
	Ed448: "Ed448", P256: "P256", P384: "P384", P521: "P521",
	RSA2048: "RSA2048", RSA3072: "RSA3072", RSA4096: "RSA4096",
	MeshProfileDevice: "MeshProfileDevice", MeshActivationDevice: "MeshActivationDevice",
	MeshProfileAccount: "MeshProfileAccount", MeshActivationAccount: "MeshActivationAccount",
	MeshProfileService: "MeshProfileService", MeshActivationService: "MeshActivationService",
}

// Known reports whether a is an assigned identifier (not a reserved one).
func (a AlgID) Known() bool {
	_, ok := algNames[a]
	return ok
}

// String returns the reference name of a, or "AlgID(n)" if it is unassigned.
func (a AlgID) String() string {
	if s, ok := algNames[a]; ok {
		return s
	}
	return fmt.Sprintf("AlgID(%d)", uint16(a))
}
