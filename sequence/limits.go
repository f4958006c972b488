package sequence

import "github.com/mathmesh/mesh/dare"

// Size limits for everything read from a sequence file (common rules: every
// input from a file has an explicit limit). A frame whose declared lengths
// exceed these is reported as invalid, never allocated.
const (
	// MaxHeaderSize bounds a frame's header record: the DARE header limit.
	MaxHeaderSize = dare.MaxHeaderSize
	// MaxTrailerSize bounds a frame's trailer record: the DARE trailer limit.
	MaxTrailerSize = dare.MaxTrailerSize
	// MaxPayloadSize bounds a payload returned in memory by Frame and
	// appended by Append (1 GiB). Larger payloads are not supported.
	MaxPayloadSize = 1 << 30
	// MaxFrameSize bounds a whole frame: header, payload and trailer
	// records with their tags.
	MaxFrameSize = MaxHeaderSize + MaxTrailerSize + MaxPayloadSize + 64
	// MaxFrames bounds the frames of one sequence. An open sequence keeps 8
	// bytes per frame (its offset) and, for Merkle sequences, about 64 bytes
	// of tree hashes; opening or verifying also needs about 100 bytes per
	// frame while it runs. 2^24 frames thus cost at most about 3 GB.
	MaxFrames = 1 << 24
	// MaxBatchSize bounds the encoded bytes of one AppendBatch call, which
	// are written with a single write.
	MaxBatchSize = 64 << 20
	// scanBufferSize is the read buffer of the sequential frame scanner.
	scanBufferSize = 1 << 20
)
