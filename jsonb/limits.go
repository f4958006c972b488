package jsonb

// Limits bounds what a Reader accepts. A zero field takes the value from
// DefaultLimits, so Limits{MaxBytes: 1 << 30} raises only the input size.
type Limits struct {
	// MaxBytes is the largest number of input bytes read for one document,
	// including binary values streamed through BinaryReader.
	MaxBytes int64
	// MaxDepth is the deepest nesting of objects and arrays.
	MaxDepth int
	// MaxStringBytes is the largest decoded text string or member name, the
	// largest base64 text decoded as binary, and (below the fixed bound of
	// 1024) the longest JSON text number.
	MaxStringBytes int
	// MaxMembers is the largest number of members in one object or elements
	// in one array.
	MaxMembers int
}

// DefaultLimits are the limits used by Unmarshal.
var DefaultLimits = Limits{
	MaxBytes:       64 << 20,
	MaxDepth:       64,
	MaxStringBytes: 16 << 20,
	MaxMembers:     1 << 16,
}

const (
	// maxNumberLen bounds a JSON text number token.
	maxNumberLen = 1024
	// maxLiteralLen is the longest bare literal (false).
	maxLiteralLen = 5
	// initialBinaryAlloc caps the first allocation for a binary value whose
	// size is declared but not yet proven by the input; the buffer grows as
	// data actually arrives.
	initialBinaryAlloc = 64 << 10
	// writerFlushSize is the buffer size at which a streaming Writer flushes.
	writerFlushSize = 32 << 10
	// readerBufferSize is the bufio size used by NewReader.
	readerBufferSize = 32 << 10
	// smallObjectNames is the member count up to which duplicate names are
	// detected by a linear scan instead of a map.
	smallObjectNames = 16
)

// withDefaults returns l with every zero field replaced by the default.
func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxStringBytes <= 0 {
		l.MaxStringBytes = DefaultLimits.MaxStringBytes
	}
	if l.MaxMembers <= 0 {
		l.MaxMembers = DefaultLimits.MaxMembers
	}
	return l
}
