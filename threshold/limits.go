package threshold

const (
	// MaxShares bounds additive splits, partial lists and recryption groups'
	// per-call share counts.
	MaxShares = 255

	// MaxRecryptionMembers bounds the members of one recryption group held by
	// a RecryptionService.
	MaxRecryptionMembers = 1 << 16

	// MaxMemberIDLen bounds a recryption member identifier.
	MaxMemberIDLen = 256

	// MaxSignMessageLen bounds the message of an RFC 8032 signature made from
	// a raw scalar.
	MaxSignMessageLen = 1 << 24

	// maxZeroDraws bounds the redraws of a zero scalar before GenerateKey
	// gives up on the randomness source.
	maxZeroDraws = 8
)
