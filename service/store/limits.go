package store

// Limits on what the embedded store accepts and reads back (common rules:
// every input from a file has an explicit limit).
const (
	// MaxEnvelopeSize bounds one stored envelope.
	MaxEnvelopeSize = 1 << 20
	// MaxAccountRecordSize bounds a stored account record.
	MaxAccountRecordSize = 1 << 20
	// MaxNames bounds the names bound to one account.
	MaxNames = 64
	// MaxNameLength bounds an account name or profile UDF.
	MaxNameLength = 256
	// MaxEnvelopeIDLength bounds an EnvelopeID.
	MaxEnvelopeIDLength = 256
	// MaxEntriesPerAppend bounds the entries of one Append call.
	MaxEntriesPerAppend = 1 << 16
	// treeStateMax bounds an encoded container state: the count, at most
	// 63 peaks and the digest, of at most 64 bytes each.
	treeStateMax = 8 + 64*64 + 64
)
