package sequence

import "github.com/mathmesh/mesh/dare"

// SyncMode says what is durable when Append returns (docs/sequence.md §4).
type SyncMode int

const (
	// SyncAlways, the default, makes Append and AppendBatch return only
	// after the new frames are written and fsync'd: an acknowledged frame
	// survives a process crash and a power failure. Stores use it.
	SyncAlways SyncMode = iota
	// SyncNone writes each frame to the operating system before Append
	// returns (so it survives a crash of the process) but fsyncs only on
	// Sync and Close: a power failure may lose the frames appended since.
	SyncNone
)

// Options configures Create and Open.
type Options struct {
	// Type is the sequence type for Create; the zero value means Merkle.
	// Open reads the type from frame 0.
	Type Type
	// ContentType is the `cty` of frame 0's ContentMetaData for Create,
	// e.g. "application/mmm-catalog" (dare.md §9.1). Empty leaves it out.
	ContentType string
	// Sync is the durability policy of appends.
	Sync SyncMode
	// ReadOnly opens the file for reading only: appends fail and a torn
	// last frame is ignored (with a warning) instead of truncated.
	ReadOnly bool
	// Verify makes Open run every check of Sequence.Verify in the same
	// pass over the file (faster than Open then Verify).
	Verify bool
	// Warn, if set, receives warnings, such as the truncation of a torn
	// last frame on Open.
	Warn func(msg string)
	// Encryption, if set, makes Create write an encryption policy in frame
	// 0 and encrypt appended payloads (docs/sequence.md §5).
	Encryption *Encryption
	// Keyring holds the keys for reading encrypted frames (Plaintext) and
	// for appending to a Once-encrypted sequence.
	Keyring *dare.Keyring
}
