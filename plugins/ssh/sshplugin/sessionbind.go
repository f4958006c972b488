package sshplugin

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// ExtSessionBind is the OpenSSH extension that binds an agent connection
// to the host key and session of an SSH connection (OpenSSH PROTOCOL.agent
// "session-bind@openssh.com").
const ExtSessionBind = "session-bind@openssh.com"

// sessionBind is one parsed session-bind request:
//
//	string  hostkey
//	string  session identifier
//	string  signature
//	bool    is_forwarding
type sessionBind struct {
	HostKey   ssh.PublicKey
	hostBlob  []byte
	SessionID []byte
	Forwarded bool
}

// sessionBindMsg is the wire form after the extension name.
type sessionBindMsg struct {
	HostKey    []byte
	SessionID  []byte
	Signature  []byte
	Forwarding bool
}

// parseSessionBind parses and checks a session-bind request: the host key
// must parse, the session identifier must be 1 to MaxSessionIDSize bytes,
// and the signature must be the host key's signature over the session
// identifier (as OpenSSH's ssh-agent checks: it proves the client saw this
// host key sign this session). Trailing bytes are an error.
func parseSessionBind(contents []byte) (*sessionBind, error) {
	var m sessionBindMsg
	if err := ssh.Unmarshal(contents, &m); err != nil {
		return nil, fmt.Errorf("sshplugin: %s: malformed request of %d bytes: %w", ExtSessionBind, len(contents), err)
	}
	if len(m.SessionID) == 0 || len(m.SessionID) > MaxSessionIDSize {
		return nil, fmt.Errorf("sshplugin: %s: session identifier of %d bytes, want 1 to %d", ExtSessionBind, len(m.SessionID), MaxSessionIDSize)
	}
	hk, err := ssh.ParsePublicKey(m.HostKey)
	if err != nil {
		return nil, fmt.Errorf("sshplugin: %s field hostkey: %w", ExtSessionBind, err)
	}
	var sig ssh.Signature
	if err := ssh.Unmarshal(m.Signature, &sig); err != nil {
		return nil, fmt.Errorf("sshplugin: %s field signature: %w", ExtSessionBind, err)
	}
	if err := hk.Verify(m.SessionID, &sig); err != nil {
		return nil, fmt.Errorf("sshplugin: %s: the %s host key did not sign the session identifier: %w", ExtSessionBind, hk.Type(), err)
	}
	return &sessionBind{HostKey: hk, hostBlob: m.HostKey, SessionID: m.SessionID, Forwarded: m.Forwarding}, nil
}

// errRebind is returned for a bind on a connection already bound for
// authentication.
var errRebind = errors.New("sshplugin: " + ExtSessionBind + ": the connection is already bound for authentication")

// addBind records b after binds, following OpenSSH's rules: at most
// MaxSessionBinds records; a connection bound for authentication (not
// forwarding) takes no further binds; repeating a record is a no-op; one
// session identifier cannot be bound to two host keys.
func addBind(binds []*sessionBind, b *sessionBind) ([]*sessionBind, error) {
	for _, old := range binds {
		if !old.Forwarded {
			return binds, errRebind
		}
		if bytes.Equal(old.SessionID, b.SessionID) {
			if bytes.Equal(old.hostBlob, b.hostBlob) {
				return binds, nil
			}
			return binds, fmt.Errorf("sshplugin: %s: the session identifier is already bound to another host key", ExtSessionBind)
		}
	}
	if len(binds) >= MaxSessionBinds {
		return binds, fmt.Errorf("sshplugin: %s: more than %d bindings on one connection", ExtSessionBind, MaxSessionBinds)
	}
	return append(binds, b), nil
}
