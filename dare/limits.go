package dare

// Size limits for everything read from an envelope (common rules: every input
// from a file or network has an explicit limit). The body itself is streamed
// and has no limit beyond int64.
const (
	// MaxHeaderSize bounds the encoded header object (JSON or JSON-B bytes).
	// A header holds recipients (~300 bytes each), annotations and
	// ContentMetaData; 1 MiB leaves room for hundreds of recipients.
	MaxHeaderSize = 1 << 20
	// MaxTrailerSize bounds the encoded trailer object.
	MaxTrailerSize = 256 << 10
	// MaxRecipients bounds the recipients of one envelope (each costs a key
	// agreement to try).
	MaxRecipients = 1024
	// MaxSignatures bounds the signatures checked in one trailer or header.
	MaxSignatures = 64
	// MaxAnnotations bounds the EDS list; prefixes are one byte (dare.md §6).
	MaxAnnotations = 255
	// MaxAnnotationSize bounds one decoded EDS.
	MaxAnnotationSize = 64 << 10
	// MaxContentMetaSize bounds the ContentMetaData bytes.
	MaxContentMetaSize = 64 << 10
	// MaxFrameContext bounds SequenceFrame.Context, the sequence-frame
	// context bound by the envelope tag (frame.go).
	MaxFrameContext = 256
	// maxEnvelopePrefix bounds the bytes skipped before the envelope array
	// (whitespace, byte order mark, the `{"DareEnvelope":` tag).
	maxEnvelopePrefix = 4 << 10
)
