package sdk

import (
	"context"
	"errors"
	"fmt"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
)

// Code is the contract's error code (plugins.md section 2.6).
type Code = pluginv1.Code

// Error codes. CodeInternal is used for every error that carries none of the others.
const (
	CodeInternal    = pluginv1.Code_CODE_INTERNAL
	CodeDenied      = pluginv1.Code_CODE_DENIED
	CodeLocked      = pluginv1.Code_CODE_LOCKED
	CodeUnknownKey  = pluginv1.Code_CODE_UNKNOWN_KEY
	CodeRevoked     = pluginv1.Code_CODE_REVOKED
	CodeUnsupported = pluginv1.Code_CODE_UNSUPPORTED
	CodeInvalid     = pluginv1.Code_CODE_INVALID
	CodeTimeout     = pluginv1.Code_CODE_TIMEOUT
	CodeConflict    = pluginv1.Code_CODE_CONFLICT
	CodeExternal    = pluginv1.Code_CODE_EXTERNAL
	CodeUnavailable = pluginv1.Code_CODE_UNAVAILABLE
	CodeCanceled    = pluginv1.Code_CODE_CANCELED
)

// Sentinel errors of the contract. Each one crosses the process boundary as a
// gRPC status with an ErrorDetail and is rebuilt on the other side, so
// errors.Is(err, sdk.ErrDenied) works in the agent and in the plugin alike.
var (
	// ErrDenied: the user said no, or the policy forbids the operation.
	ErrDenied = errors.New("sdk: denied")
	// ErrLocked: the agent is locked.
	ErrLocked = errors.New("sdk: agent locked")
	// ErrUnknownKey: the handle expired, was revoked, or was issued to another plugin.
	ErrUnknownKey = errors.New("sdk: unknown key handle")
	// ErrRevoked: this device was revoked.
	ErrRevoked = errors.New("sdk: device revoked")
	// ErrUnsupported: the operation, algorithm or RPC is not supported
	// (an older peer answers a newer RPC with this).
	ErrUnsupported = errors.New("sdk: unsupported")
	// ErrInvalid: a request was malformed.
	ErrInvalid = errors.New("sdk: invalid request")
	// ErrTimeout: a deadline passed, including an unanswered prompt.
	ErrTimeout = errors.New("sdk: timeout")
	// ErrConflict: the entry's generation moved (another device wrote first).
	ErrConflict = errors.New("sdk: conflict")
	// ErrExternal: an external tool or service failed (certutil, gpg, a CA).
	ErrExternal = errors.New("sdk: external tool failed")
	// ErrUnavailable: the other process is unreachable (it exited, hung or was restarted).
	ErrUnavailable = errors.New("sdk: peer unavailable")
	// ErrInternal: any other failure; its cause is logged where it happened and not sent.
	ErrInternal = errors.New("sdk: internal error")
)

// sentinels maps each code to its sentinel, in the order codeOf tests them.
var sentinels = []struct {
	code Code
	err  error
}{
	{CodeDenied, ErrDenied},
	{CodeLocked, ErrLocked},
	{CodeUnknownKey, ErrUnknownKey},
	{CodeRevoked, ErrRevoked},
	{CodeUnsupported, ErrUnsupported},
	{CodeInvalid, ErrInvalid},
	{CodeTimeout, ErrTimeout},
	{CodeConflict, ErrConflict},
	{CodeExternal, ErrExternal},
	{CodeUnavailable, ErrUnavailable},
	{CodeCanceled, context.Canceled},
	{CodeInternal, ErrInternal},
}

// sentinelOf returns the sentinel error of a code (ErrInternal for unknown codes).
func sentinelOf(c Code) error {
	for _, s := range sentinels {
		if s.code == c {
			return s.err
		}
	}
	return ErrInternal
}

// Error is an error that crosses the plugin boundary. Message is the only text
// sent to the other side, so it must not contain internal details (paths of the
// agent, key material, stack traces). errors.Is(e, sentinel) reports whether the
// sentinel of e.Code is the target.
type Error struct {
	Code       Code
	Message    string        // safe to show across the boundary
	Retryable  bool          // the caller may try again
	RetryAfter time.Duration // a hint when Retryable
	Tool       string        // CodeExternal: the tool that failed
	ToolExit   int           // CodeExternal: its exit status
	cause      error         // local only; never sent
}

// NewError returns an *Error whose code is the code of sentinel (one of the
// sdk.Err* values), with a safe message. Use it to give the other side a precise
// message: NewError(ErrInvalid, "handle must start with kh_").
func NewError(sentinel error, message string) *Error {
	return &Error{Code: codeOf(sentinel), Message: message}
}

// ExternalError reports a failed external tool with its exit status.
func ExternalError(tool string, exit int, message string) *Error {
	return &Error{Code: CodeExternal, Message: message, Tool: tool, ToolExit: exit}
}

// WithCause attaches a local cause (for errors.As and logs); it is never sent.
func (e *Error) WithCause(err error) *Error {
	c := *e
	c.cause = err
	return &c
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = sentinelOf(e.Code).Error()
	}
	if e.Tool != "" {
		return fmt.Sprintf("%s (%s exited %d)", msg, e.Tool, e.ToolExit)
	}
	return msg
}

// Is reports whether target is the sentinel of e's code.
func (e *Error) Is(target error) bool { return target == sentinelOf(e.Code) }

// Unwrap returns the local cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// CodeOf returns the contract code of err: the code of the first *Error in its
// chain, else of the first sdk sentinel it wraps; context errors map to
// CodeTimeout and CodeCanceled; everything else is CodeInternal. nil gives
// CODE_UNSPECIFIED.
func CodeOf(err error) Code { return codeOf(err) }

func codeOf(err error) Code {
	if err == nil {
		return pluginv1.Code_CODE_UNSPECIFIED
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return CodeTimeout
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.code
		}
	}
	return CodeInternal
}
