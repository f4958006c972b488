package sshplugin

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// connAgent is the agent.ExtendedAgent of one client connection. Requests
// on one connection arrive one at a time (agent.ServeAgent), but Close may
// come from another goroutine, hence the mutex.
type connAgent struct {
	srv  *Server
	peer Peer
	ctx  context.Context

	mu      sync.Mutex
	binds   []*sessionBind
	ch      Channel
	signers map[string]ssh.Signer // by handle, for this channel
	closed  bool
}

var _ agent.ExtendedAgent = (*connAgent)(nil)

func newConnAgent(ctx context.Context, s *Server, peer Peer) *connAgent {
	return &connAgent{srv: s, peer: peer, ctx: ctx}
}

// hostKey returns the host key of the last binding, or nil.
func (a *connAgent) hostKey() ssh.PublicKey {
	if len(a.binds) == 0 {
		return nil
	}
	return a.binds[len(a.binds)-1].HostKey
}

// visible returns the keys this connection offers now.
func (a *connAgent) visible() ([]*keyEntry, *snapshot, error) {
	s, err := a.srv.cache.get(a.ctx)
	if err != nil {
		return nil, nil, err
	}
	a.mu.Lock()
	hk := a.hostKey()
	a.mu.Unlock()
	return selectKeys(s, hk, a.srv.now()), s, nil
}

// List answers SSH_AGENTC_REQUEST_IDENTITIES with the keys selected for the
// connection's destination, each key followed by its certificate.
func (a *connAgent) List() ([]*agent.Key, error) {
	keys, _, err := a.visible()
	if err != nil {
		a.srv.logf("list", err)
		return nil, err
	}
	out := make([]*agent.Key, 0, len(keys)+1)
	for _, e := range keys {
		out = append(out, e.listed...)
	}
	return out, nil
}

// Sign signs with default flags.
func (a *connAgent) Sign(key ssh.PublicKey, data []byte) (*ssh.Signature, error) {
	return a.SignWithFlags(key, data, 0)
}

// SignWithFlags answers SSH_AGENTC_SIGN_REQUEST: the key must be one this
// connection would list (a connection bound to a host never signs with a
// key meant for another), and the signature is made by mesh-agent through
// the connection's key channel (plugins.md §3 item 3), which also applies
// confirmation and policy.
func (a *connAgent) SignWithFlags(key ssh.PublicKey, data []byte, flags agent.SignatureFlags) (*ssh.Signature, error) {
	e, err := a.find(key)
	if err != nil {
		a.srv.logf("sign", err)
		return nil, err
	}
	signer, err := a.signer(e)
	if err != nil {
		a.srv.logf("sign", err)
		return nil, err
	}
	sig, err := signWith(signer, data, flags)
	if err != nil {
		err = fmt.Errorf("sshplugin: signing with %s key %q: %w", e.Public.Type(), e.Comment, err)
		a.srv.logf("sign", err)
		return nil, err
	}
	return sig, nil
}

// find returns the entry for key if this connection offers it. An unbound
// connection takes the direct lookup; a bound one checks the selection.
func (a *connAgent) find(key ssh.PublicKey) (*keyEntry, error) {
	s, err := a.srv.cache.get(a.ctx)
	if err != nil {
		return nil, err
	}
	e := s.byBlob[string(key.Marshal())]
	if e == nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknownKey, key.Type())
	}
	a.mu.Lock()
	hk := a.hostKey()
	a.mu.Unlock()
	now := a.srv.now()
	if hk == nil {
		if !e.live(now) {
			return nil, fmt.Errorf("%w: the %s key %q has expired", ErrUnknownKey, key.Type(), e.Comment)
		}
		return e, nil
	}
	for _, v := range selectKeys(s, hk, now) {
		if v == e {
			return e, nil
		}
	}
	return nil, fmt.Errorf("%w: the %s key %q is not offered to this host", ErrUnknownKey, key.Type(), e.Comment)
}

// signer returns the ssh.Signer of e on this connection's key channel,
// opening the channel on first use.
func (a *connAgent) signer(e *keyEntry) (ssh.Signer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, errors.New("sshplugin: the connection is closing")
	}
	if s, ok := a.signers[e.Handle]; ok {
		return s, nil
	}
	if a.ch == nil {
		ctx, cancel := context.WithTimeout(a.ctx, OpenTimeout)
		ch, err := a.srv.backend.Open(ctx, a.peer, a.contextLocked())
		cancel()
		if err != nil {
			return nil, fmt.Errorf("sshplugin: opening the key channel: %w", err)
		}
		a.ch = ch
		a.signers = map[string]ssh.Signer{}
	}
	s, err := ssh.NewSignerFromSigner(a.ch.Signer(e.Handle))
	if err != nil {
		return nil, fmt.Errorf("sshplugin: key %q: %w", e.Comment, err)
	}
	if string(s.PublicKey().Marshal()) != e.blob {
		return nil, fmt.Errorf("sshplugin: mesh-agent's key for handle of %q is not the listed key", e.Comment)
	}
	a.signers[e.Handle] = s
	return s, nil
}

// signWith maps the request flags to a signature algorithm: for RSA keys
// rsa-sha2-256 or rsa-sha2-512 as asked (ecosystem.md §2.1), for other keys
// the key's own algorithm.
func signWith(s ssh.Signer, data []byte, flags agent.SignatureFlags) (*ssh.Signature, error) {
	if s.PublicKey().Type() == ssh.KeyAlgoRSA {
		as, ok := s.(ssh.AlgorithmSigner)
		if !ok {
			return nil, errors.New("the RSA signer cannot choose its hash")
		}
		switch {
		case flags&agent.SignatureFlagRsaSha512 != 0:
			return as.SignWithAlgorithm(rand.Reader, data, ssh.KeyAlgoRSASHA512)
		case flags&agent.SignatureFlagRsaSha256 != 0:
			return as.SignWithAlgorithm(rand.Reader, data, ssh.KeyAlgoRSASHA256)
		}
	}
	return s.Sign(rand.Reader, data)
}

// contextLocked is the client context of the current bindings.
func (a *connAgent) contextLocked() ClientContext {
	var cc ClientContext
	if len(a.binds) == 0 {
		return cc
	}
	last := a.binds[len(a.binds)-1]
	cc.HostKey = last.hostBlob
	cc.SessionID = last.SessionID
	for _, b := range a.binds {
		cc.Forwarded = cc.Forwarded || b.Forwarded
	}
	if s := a.srv.cache.cur.Load(); s != nil {
		if names := s.hostKeyNames(last.HostKey); len(names) > 0 {
			cc.Host = names[0]
		}
	}
	return cc
}

// Extension answers SSH_AGENTC_EXTENSION: session-bind@openssh.com is
// parsed, checked and recorded; any other extension is unsupported, which
// the server sends as SSH_AGENT_FAILURE (PROTOCOL.agent §4.7).
func (a *connAgent) Extension(name string, contents []byte) ([]byte, error) {
	if name != ExtSessionBind {
		return nil, agent.ErrExtensionUnsupported
	}
	b, err := parseSessionBind(contents)
	if err != nil {
		a.srv.logf("session-bind", err)
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	binds, err := addBind(a.binds, b)
	if err != nil {
		a.srv.logf("session-bind", err)
		return nil, err
	}
	changed := len(binds) != len(a.binds)
	a.binds = binds
	if changed && a.ch != nil {
		ctx, cancel := context.WithTimeout(a.ctx, OpenTimeout)
		defer cancel()
		if err := a.ch.Update(ctx, a.contextLocked()); err != nil {
			err = fmt.Errorf("sshplugin: sending the session binding to mesh-agent: %w", err)
			a.srv.logf("session-bind", err)
			return nil, err
		}
	}
	return nil, nil
}

// Lock refuses: locking is agent-wide state (plugins.md §3 item 6).
func (a *connAgent) Lock(passphrase []byte) error {
	clear(passphrase)
	return ErrLockRefused
}

// Unlock refuses, as Lock.
func (a *connAgent) Unlock(passphrase []byte) error {
	clear(passphrase)
	return ErrLockRefused
}

// Signers is not offered: private keys never leave mesh-agent, and the
// wire protocol does not use it.
func (a *connAgent) Signers() ([]ssh.Signer, error) {
	return nil, errors.New("sshplugin: signers are not exported; sign through the agent protocol")
}

// close ends the connection's key channel.
func (a *connAgent) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	if a.ch != nil {
		if err := a.ch.Close(); err != nil {
			a.srv.logf("close", err)
		}
		a.ch = nil
	}
	a.signers = nil
}

// now is the server clock.
func (s *Server) now() time.Time { return s.clock() }

// dropChannel closes the key channel after a revocation; the next sign
// finds no key anyway.
func (a *connAgent) dropChannel() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ch != nil {
		if err := a.ch.Close(); err != nil {
			a.srv.logf("revoke", err)
		}
		a.ch = nil
	}
	a.signers = nil
}
