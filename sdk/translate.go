package sdk

import (
	"context"
	"errors"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Error translation across the process boundary (plugins.md section 2.6,
// STYLE.md rule 9): an error becomes a gRPC status carrying an ErrorDetail,
// and the receiver rebuilds an *Error whose Is matches the same sentinel.

var grpcCodes = map[Code]codes.Code{
	CodeInternal:    codes.Internal,
	CodeDenied:      codes.PermissionDenied,
	CodeLocked:      codes.FailedPrecondition,
	CodeUnknownKey:  codes.NotFound,
	CodeRevoked:     codes.PermissionDenied,
	CodeUnsupported: codes.Unimplemented,
	CodeInvalid:     codes.InvalidArgument,
	CodeTimeout:     codes.DeadlineExceeded,
	CodeConflict:    codes.Aborted,
	CodeExternal:    codes.Unavailable,
	CodeUnavailable: codes.Unavailable,
	CodeCanceled:    codes.Canceled,
}

// codeOfGRPC maps a bare gRPC status (no ErrorDetail: the transport, an older
// peer, or the gRPC runtime itself) to a contract code.
func codeOfGRPC(c codes.Code) Code {
	switch c {
	case codes.Unimplemented:
		return CodeUnsupported
	case codes.Unavailable:
		return CodeUnavailable
	case codes.DeadlineExceeded:
		return CodeTimeout
	case codes.Canceled:
		return CodeCanceled
	case codes.PermissionDenied:
		return CodeDenied
	case codes.NotFound:
		return CodeUnknownKey
	case codes.InvalidArgument, codes.ResourceExhausted, codes.OutOfRange:
		return CodeInvalid
	case codes.FailedPrecondition:
		return CodeLocked
	case codes.Aborted:
		return CodeConflict
	}
	return CodeInternal
}

// safeMessage is the text of err that may cross the boundary: the Message of
// an *Error, the text of an error that wraps an SDK sentinel (wrapping a
// sentinel declares the text public), and otherwise only the sentinel's text.
func safeMessage(err error, code Code) string {
	var e *Error
	if errors.As(err, &e) {
		return clip(e.Error())
	}
	if code == CodeInternal {
		return ErrInternal.Error()
	}
	if errors.Is(err, sentinelOf(code)) || errors.Is(err, context.DeadlineExceeded) {
		return clip(err.Error())
	}
	return sentinelOf(code).Error()
}

func clip(s string) string {
	if len(s) <= MaxErrorMessageBytes {
		return s
	}
	return s[:MaxErrorMessageBytes-3] + "..."
}

// errorDetail builds the ErrorDetail of err.
func errorDetail(err error) *pluginv1.ErrorDetail {
	code := codeOf(err)
	d := &pluginv1.ErrorDetail{Code: code, SafeMessage: safeMessage(err, code)}
	var e *Error
	if errors.As(err, &e) {
		d.Retryable = e.Retryable
		d.RetryAfterMs = uint32(min(e.RetryAfter.Milliseconds(), 1<<31))
		d.Tool = clip(e.Tool)
		d.ToolExit = int32(e.ToolExit)
	}
	return d
}

// errorFromDetail rebuilds the *Error of an ErrorDetail.
func errorFromDetail(d *pluginv1.ErrorDetail) *Error {
	code := d.GetCode()
	if code == pluginv1.Code_CODE_UNSPECIFIED {
		code = CodeInternal
	}
	return &Error{
		Code: code, Message: clip(d.GetSafeMessage()), Retryable: d.GetRetryable(),
		RetryAfter: time.Duration(d.GetRetryAfterMs()) * time.Millisecond,
		Tool:       clip(d.GetTool()), ToolExit: int(d.GetToolExit()),
	}
}

// ToStatus converts err into a gRPC status error with an ErrorDetail. Servers
// of the contract return it from handlers. nil stays nil.
func ToStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(interface{ GRPCStatus() *status.Status }); ok && !isSDKError(err) {
		// Already a status (from a nested call); rebuild it so the detail is ours.
		err = FromStatus(err)
	}
	d := errorDetail(err)
	st := status.New(grpcCodes[d.Code], d.SafeMessage)
	if withDetail, derr := st.WithDetails(d); derr == nil {
		st = withDetail
	}
	return st.Err()
}

func isSDKError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// FromStatus converts an error returned by a gRPC call of the contract back
// into an *Error, so errors.Is(err, sdk.ErrDenied) works. nil stays nil;
// an error that is not a gRPC status becomes ErrUnavailable with err as cause.
func FromStatus(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return (&Error{Code: codeOf(err), Message: err.Error()}).WithCause(err)
		}
		return (&Error{Code: CodeUnavailable, Message: "sdk: connection failed"}).WithCause(err)
	}
	for _, d := range st.Details() {
		if ed, ok := d.(*pluginv1.ErrorDetail); ok {
			return errorFromDetail(ed).WithCause(err)
		}
	}
	code := codeOfGRPC(st.Code())
	msg := clip(st.Message())
	if msg == "" {
		msg = sentinelOf(code).Error()
	}
	return (&Error{Code: code, Message: "sdk: " + st.Code().String() + ": " + msg}).WithCause(err)
}
