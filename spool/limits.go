package spool

// Size limits for everything read from a store or the network.
const (
	// MaxMessageSize bounds one message envelope (schema.md §9.1, [ARCH]
	// 4.3 and 6.5: 32 KB; larger content is sent by reference).
	MaxMessageSize = 32 << 10

	// MaxReferences bounds the references of one MessageComplete.
	MaxReferences = 256

	// ReadBatch is the number of envelopes read from a store at a time.
	ReadBatch = 1024
)
