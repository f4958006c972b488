package dare

// Algorithm identifiers (dare.md §3).
const (
	// EncA256CBC is the [REF] payload cipher: AES-256-CBC with PKCS#7 padding
	// and no MAC. We read it and write it only when asked for [REF]
	// compatibility (EncodeOptions.Legacy).
	EncA256CBC = "A256CBC"
	// EncA256CBCETM is our authenticated mode: A256CBC encrypt-then-MAC with
	// an HMAC-SHA-512 envelope tag over the header bytes, the payload digest
	// and the trailer bytes (docs/dare.md "Authenticated encryption"). A
	// distinct identifier, so an envelope cannot be downgraded to A256CBC by
	// stripping the tag: the header names the mode and is itself MACed.
	EncA256CBCETM = "A256CBC-ETM-S512"

	// DigS512 is SHA-512, the only digest written.
	DigS512 = "S512"

	// AlgED25519 and AlgED448 are the Gen-B signature identifiers (dare.md
	// §7.3): pure EdDSA over the manifest.
	AlgED25519 = "ED25519"
	AlgED448   = "ED448"
	// algEdDSA is accepted on read as a Gen-B identifier (dare.md §7.4).
	algEdDSA = "EdDSA"
)

// Curve names of `crv` (dare.md §2.4).
const (
	crvEd25519 = "Ed25519"
	crvEd448   = "Ed448"
	crvX25519  = "X25519"
	crvX448    = "X448"
)

const (
	seedSize  = 32 // base seed for AES-256 (dare.md §4.1)
	saltSize  = 16 // header Salt (dare.md §1 step 3)
	tagSize   = 64 // HMAC-SHA-512 envelope tag
	blockSize = 16 // AES block
)
