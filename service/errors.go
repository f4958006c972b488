package service

import (
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/protocol"
)

// Error is a refusal with a public part and an internal cause, kept apart
// (STYLE.md rule 9, after smallstep errs): only Status and Public reach the
// client; Cause goes to the log.
type Error struct {
	Status protocol.MeshServerStatus
	Public string // safe to send: says what was wrong, never internals
	Cause  error  // for the log only; may be nil
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("service: %s: %s: %v", e.Status, e.Public, e.Cause)
	}
	return fmt.Sprintf("service: %s: %s", e.Status, e.Public)
}

func (e *Error) Unwrap() error { return e.Cause }

// refuse returns an *Error with a formatted public message.
func refuse(s protocol.MeshServerStatus, format string, args ...any) *Error {
	return &Error{Status: s, Public: fmt.Sprintf(format, args...)}
}

// refuseCause is refuse with an internal cause for the log.
func refuseCause(s protocol.MeshServerStatus, cause error, format string, args ...any) *Error {
	return &Error{Status: s, Public: fmt.Sprintf(format, args...), Cause: cause}
}

// internal hides err from the client behind a generic message.
func internal(err error) *Error {
	return &Error{Status: protocol.StatusInternal, Public: "the service failed; see its log", Cause: err}
}

// asError turns any error into an *Error: one already public is kept,
// anything else is internal.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return internal(err)
}
