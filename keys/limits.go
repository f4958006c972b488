package keys

// Size limits for inputs that come from files or the network (common rules,
// STYLE.md rule 4).
const (
	// MaxKeyFileSize bounds a private or public key file
	// ([ParsePrivateKeyFile], [ParsePublicKeyFile]). A key file holds a few
	// short base64url strings; 8 KiB leaves ample room for whitespace.
	MaxKeyFileSize = 8 << 10

	// MaxKeyNameLength bounds the key name that goes into the HKDF info of
	// udf.md §6.1. The longest reference names (type, actor, operation and a
	// store label) are well under 100 bytes.
	MaxKeyNameLength = 1024

	// MaxSeedLength bounds the seed UDF string accepted by [DeriveFromSeed].
	// A Mesh seed is 56 characters (udf.md §5.5).
	MaxSeedLength = 1024

	// maxPrivateValueLength bounds a "Private" byte string in a JSON key
	// form: the longest legitimate one is a 57-byte Ed448 seed.
	maxPrivateValueLength = 64
)
