package keywrap

const (
	// minKeyLen is the smallest key that can be wrapped: RFC 3394 §2 requires
	// n >= 2 64-bit blocks.
	minKeyLen = 16

	// MaxKeyLen bounds the key to be wrapped. Mesh keys are at most 64 bytes
	// (an HMAC-SHA-512 key); 1 KiB leaves room for any key type while keeping
	// the 6n-round loop bounded for wrapped inputs from the network.
	MaxKeyLen = 1024

	// blockLen is the RFC 3394 semiblock size in bytes.
	blockLen = 8
)
