package jsonb

import (
	"errors"
	"fmt"
)

var (
	// ErrLimit is wrapped by every error caused by exceeding a Limits value.
	ErrLimit = errors.New("limit exceeded")
	// ErrUnsupported is wrapped by errors for JSON-C and JSON-D codes, which
	// the Mesh does not use (jsonbcd.md §9, §10).
	ErrUnsupported = errors.New("unsupported encoding")
)

// Error describes a failure to read or write a value. Offset is the byte
// offset of the offending token in the input, or -1 when writing. Path is
// the member path below the top-level value, written with the member names
// as they appear on the wire ("recipients[0].wmk"), empty at the top.
type Error struct {
	Offset int64
	Path   string
	Msg    string
	Err    error

	hasPath bool // Path has been filled in
}

func (e *Error) Error() string {
	s := "jsonb: "
	if e.Offset >= 0 {
		s += fmt.Sprintf("offset %d: ", e.Offset)
	}
	if e.Path != "" {
		s += "field " + e.Path + ": "
	}
	s += e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// syntaxErr returns an error at offset off with no path; the decoder adds
// the path as the error travels up.
func syntaxErr(off int64, format string, args ...any) *Error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// limitErr returns an error wrapping ErrLimit.
func limitErr(off int64, format string, args ...any) *Error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...), Err: ErrLimit}
}

// encodeErr returns an error raised while writing.
func encodeErr(format string, args ...any) *Error {
	return &Error{Offset: -1, Msg: fmt.Sprintf(format, args...)}
}
