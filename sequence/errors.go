package sequence

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by operations on a closed Sequence.
var ErrClosed = errors.New("sequence: closed")

// FormatError reports bytes that are not a well-formed frame.
type FormatError struct {
	Offset int64 // file offset of the frame
	Index  int64 // frame number, or -1 when not known
	Reason string
	// Torn is set when the damage runs to the end of the file, as an
	// interrupted append leaves it: the frame claims more bytes than the
	// file holds, or the file ends in zero bytes.
	Torn bool
}

func (e *FormatError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("sequence: frame %d at offset %d: %s", e.Index, e.Offset, e.Reason)
	}
	return fmt.Sprintf("sequence: frame at offset %d: %s", e.Offset, e.Reason)
}

// VerifyError reports the first frame that failed verification and which
// check failed.
type VerifyError struct {
	Index  int64  // frame number
	Offset int64  // file offset of the frame
	Check  string // the check that failed, e.g. "payload digest", "index", "tree digest"
	Err    error
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("sequence: frame %d at offset %d: %s: %v", e.Index, e.Offset, e.Check, e.Err)
}

func (e *VerifyError) Unwrap() error { return e.Err }
