package udf

// Size limits for inputs that may come from files or the network
// (udf.md §2; STYLE rule 4).
const (
	// MaxStringLength is the longest UDF text, dashes included, that Parse,
	// Decode and Canonical accept. The longest UDF the Mesh makes is the
	// OID UDF of an X448 key (74 bytes, 119 characters and 29 dashes) and
	// a share of a 64-byte secret (66 bytes).
	MaxStringLength = 512

	// MaxBits is the largest precision of identifiers made from another
	// UDF (the reference's MaximumBits, udf.md §2.1).
	MaxBits = 440

	// MinMatchChars is the shortest fingerprint, in Base32 characters
	// (100 bits), that HasPrefix accepts (udf.md §2.3).
	MinMatchChars = 20

	// MinMatchBits is the smallest minBits that Matches and
	// VerifySymmetricKeyMac accept (udf.md §2.3).
	MinMatchBits = 100

	// MaxRandomBits is the largest number of random bits Nonce, Key and
	// AuthenticationKey draw.
	MaxRandomBits = 512

	// MinRandomBits is the smallest number of random bits Nonce, Key and
	// AuthenticationKey draw.
	MinRandomBits = 64

	// MaxURILength bounds EARL, connect URI and Strong Internet Name input.
	MaxURILength = 2048

	// MaxDomainLength is the longest DNS name accepted (RFC 1035).
	MaxDomainLength = 253

	// MaxLabelLength is the longest DNS label (RFC 1035), which bounds the
	// UDF in a Strong Internet Name (udf.md §9).
	MaxLabelLength = 63
)
