package protocol

import (
	"errors"
	"fmt"
)

// MeshServerStatus is the Mesh status code carried in
// MeshResponse.StatusExtended (protocol.md §2.3, schema.md §9.6). Do not
// renumber: the values are on the wire.
type MeshServerStatus int

// The Mesh status codes.
const (
	StatusAccountRegistered MeshServerStatus = 1
	StatusNotAuthorized     MeshServerStatus = 2
	StatusNotAdministrator  MeshServerStatus = 3
	StatusDeviceRevoked     MeshServerStatus = 4
	StatusRefused           MeshServerStatus = 5
	StatusNotFound          MeshServerStatus = 6
	StatusMoved             MeshServerStatus = 7
	StatusTooLarge          MeshServerStatus = 8
	StatusTimeout           MeshServerStatus = 9
	// StatusConflict is our addition (docs/protocol.md §5): a Transact
	// whose ContainerUpdate names a state the container is no longer in.
	StatusConflict MeshServerStatus = 10
	// StatusBadRequest is our addition: the request could not be parsed or
	// broke a protocol rule.
	StatusBadRequest MeshServerStatus = 11
	// StatusInternal is our addition: the service failed; the cause is in
	// its log, never in the response.
	StatusInternal MeshServerStatus = 12
)

var statusNames = map[MeshServerStatus]string{
	StatusAccountRegistered: "AccountRegistered",
	StatusNotAuthorized:     "NotAuthorized",
	StatusNotAdministrator:  "NotAdministrator",
	StatusDeviceRevoked:     "DeviceRevoked",
	StatusRefused:           "Refused",
	StatusNotFound:          "NotFound",
	StatusMoved:             "Moved",
	StatusTooLarge:          "TooLarge",
	StatusTimeout:           "Timeout",
	StatusConflict:          "Conflict",
	StatusBadRequest:        "BadRequest",
	StatusInternal:          "Internal",
}

// String returns the tag REF writes in StatusDescription, e.g.
// "NotAuthorized".
func (s MeshServerStatus) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("MeshServerStatus(%d)", int(s))
}

// HTTPStatus is the HTTP status code that goes with s (protocol.md §2.1:
// the payload status is copied into the HTTP status).
func (s MeshServerStatus) HTTPStatus() int {
	switch s {
	case StatusAccountRegistered, StatusConflict:
		return 409
	case StatusNotAuthorized:
		return 401
	case StatusNotAdministrator, StatusDeviceRevoked, StatusRefused:
		return 403
	case StatusNotFound:
		return 404
	case StatusMoved:
		return 307
	case StatusTooLarge:
		return 413
	case StatusTimeout:
		return 503
	case StatusInternal:
		return 500
	}
	return 400
}

// StatusSuccess is the payload Status of a successful response, as REF
// writes it (draft-hallambaker-mesh-protocol-09 §7).
const StatusSuccess = 201

// Sentinel errors for the conditions callers branch on. An *Error from the
// service matches the one named by its StatusExtended with errors.Is.
var (
	ErrNotAuthorized     = errors.New("protocol: not authorized")
	ErrDeviceRevoked     = errors.New("protocol: device revoked")
	ErrNotFound          = errors.New("protocol: not found")
	ErrAccountRegistered = errors.New("protocol: account name already registered")
	ErrConflict          = errors.New("protocol: conflict")
	ErrTooLarge          = errors.New("protocol: too large")
	ErrRefused           = errors.New("protocol: refused")
)

var statusErrors = map[MeshServerStatus]error{
	StatusNotAuthorized:     ErrNotAuthorized,
	StatusNotAdministrator:  ErrNotAuthorized,
	StatusDeviceRevoked:     ErrDeviceRevoked,
	StatusNotFound:          ErrNotFound,
	StatusAccountRegistered: ErrAccountRegistered,
	StatusConflict:          ErrConflict,
	StatusTooLarge:          ErrTooLarge,
	StatusRefused:           ErrRefused,
}

// Error is a failure reported by the service in a MeshResponse: only the
// public status and description, never the service's internal cause.
type Error struct {
	Transaction string           // the transaction that failed, e.g. "Transact"
	Status      int              // payload Status (HTTP style)
	Extended    MeshServerStatus // payload StatusExtended
	Description string           // payload StatusDescription
}

func (e *Error) Error() string {
	return fmt.Sprintf("protocol: %s refused by the service: %d %s: %s",
		e.Transaction, e.Status, e.Extended, e.Description)
}

// Is makes errors.Is(err, ErrNotFound) and the other sentinels work.
func (e *Error) Is(target error) bool {
	s, ok := statusErrors[e.Extended]
	return ok && s == target
}
