package sshplugin

import "errors"

// Errors callers branch on.
var (
	// ErrLockRefused answers ssh-add -x and -X: locking is an agent-wide
	// state set with `meshman agent lock`, not something any process of the
	// user may toggle with a passphrase (plugins.md §3 item 6).
	ErrLockRefused = errors.New("sshplugin: locking is agent-wide state; use `meshman agent lock`")
	// ErrUnknownKey is returned for a key the connection was not offered.
	ErrUnknownKey = errors.New("sshplugin: no such key for this connection")
	// ErrNotVolatile is returned when ssh-add -d names a Mesh key: Mesh
	// keys are removed with `meshman ssh delete`.
	ErrNotVolatile = errors.New("sshplugin: a Mesh key cannot be removed with ssh-add; use `meshman ssh delete`")
	// ErrRevoked is returned when the device was revoked: the plugin serves
	// no keys any more.
	ErrRevoked = errors.New("sshplugin: this device was revoked from the account")
)
