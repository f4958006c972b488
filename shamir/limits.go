package shamir

// Bounds of udf.md §7.1 and §7.2; they also bound every share parsed from
// untrusted text.
const (
	// MaxSecretLength is the longest secret, in bytes, the prime table
	// covers (udf.md §7.1).
	MaxSecretLength = 64

	// MaxShares is the largest number of shares, and so the largest x: the
	// share index must fit in 4 bits (udf.md §7.2 step 2).
	MaxShares = 15

	// MaxThreshold is the largest threshold k; it must fit in 4 bits.
	MaxThreshold = 15

	// maxRedraws bounds the coefficient redraws of Split (udf.md §7.2 step
	// 3). Each draw fails with probability below 15/257 even for one-byte
	// secrets, so reaching the bound means the random source is broken.
	maxRedraws = 256

	// maxSampleAttempts bounds the rejection sampling of one coefficient;
	// each attempt succeeds with probability about 1/2.
	maxSampleAttempts = 256
)
