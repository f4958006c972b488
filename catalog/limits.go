package catalog

// Size limits for everything read from a store or the network.
const (
	// MaxEnvelopeSize bounds one catalog envelope. Entries are small
	// (a credential is a few hundred bytes; a CatalogedDevice with its
	// enveloped profiles and activations about 20 KB); 1 MiB leaves room
	// for contacts with sources and applications with escrowed keys.
	MaxEnvelopeSize = 1 << 20

	// MaxKeyLength bounds an entry's primary key (UniqueId).
	MaxKeyLength = 1024

	// MaxEntries bounds the envelopes of one catalog (the sequence file
	// limit of package sequence).
	MaxEntries = 1 << 24

	// ReadBatch is the number of envelopes read from a store at a time.
	ReadBatch = 1024
)
