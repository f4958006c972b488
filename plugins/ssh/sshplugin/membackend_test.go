package sshplugin

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// memBackend is an in-memory mesh-agent for tests: it holds private keys
// behind handles, enforces ssh-add -c through approve and -t through the
// clock, and records every channel's context.
type memBackend struct {
	mu       sync.Mutex
	keys     []*memKey
	known    []KnownHost
	next     int
	now      func() time.Time
	approve  func(k *memKey, cc ClientContext) bool
	contexts []ClientContext // one per Open and Update, in order
	opens    int
	revoked  bool
}

type memKey struct {
	Key
	priv    crypto.Signer
	confirm bool
}

var errDenied = errors.New("memBackend: denied")

func newMemBackend(now func() time.Time) *memBackend {
	return &memBackend{now: now, approve: func(*memKey, ClientContext) bool { return true }}
}

// setApprove replaces the confirmation answer (the user at the prompt).
func (b *memBackend) setApprove(f func(*memKey, ClientContext) bool) {
	b.mu.Lock()
	b.approve = f
	b.mu.Unlock()
}

func (b *memBackend) approver() func(*memKey, ClientContext) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.approve
}

// addMesh adds a Mesh key (as provisioned from the catalog) and returns it.
func (b *memBackend) addMesh(comment string, hints ...string) (*memKey, ed25519.PrivateKey) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	pub, _ := ssh.NewPublicKey(priv.Public())
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	k := &memKey{Key: Key{Handle: fmt.Sprintf("kh_%d", b.next), Public: pub, Comment: comment, HostHints: hints}, priv: priv}
	b.keys = append(b.keys, k)
	return k, priv
}

func (b *memBackend) Keys(context.Context) ([]Key, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.revoked {
		return nil, ErrRevoked
	}
	out := make([]Key, 0, len(b.keys))
	for _, k := range b.keys {
		if !k.NotAfter.IsZero() && !b.now().Before(k.NotAfter) {
			continue
		}
		out = append(out, k.Key)
	}
	return out, nil
}

func (b *memBackend) KnownHosts(context.Context) ([]KnownHost, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]KnownHost(nil), b.known...), nil
}

func (b *memBackend) Open(_ context.Context, _ Peer, cc ClientContext) (Channel, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.opens++
	b.contexts = append(b.contexts, cc)
	return &memChannel{b: b, cc: cc}, nil
}

func (b *memBackend) ImportVolatile(_ context.Context, k agent.AddedKey) (Key, error) {
	signer, err := ssh.NewSignerFromKey(k.PrivateKey)
	if err != nil {
		return Key{}, err
	}
	// Copy the key: the plugin clears its own after the call.
	var priv crypto.Signer
	switch p := k.PrivateKey.(type) {
	case *ed25519.PrivateKey:
		priv = ed25519.PrivateKey(append([]byte(nil), (*p)...))
	case ed25519.PrivateKey:
		priv = ed25519.PrivateKey(append([]byte(nil), p...))
	default:
		return Key{}, fmt.Errorf("memBackend: %T not supported", k.PrivateKey)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	mk := &memKey{Key: Key{Handle: fmt.Sprintf("kh_%d", b.next), Public: signer.PublicKey(), Certificate: k.Certificate,
		Comment: k.Comment, Volatile: true}, priv: priv, confirm: k.ConfirmBeforeUse}
	if k.LifetimeSecs > 0 {
		mk.NotAfter = b.now().Add(time.Duration(k.LifetimeSecs) * time.Second)
	}
	b.keys = append(b.keys, mk)
	return mk.Key, nil
}

func (b *memBackend) RemoveVolatile(_ context.Context, handle string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, k := range b.keys {
		if k.Handle == handle {
			if !k.Volatile {
				return ErrNotVolatile
			}
			b.keys = append(b.keys[:i], b.keys[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("memBackend: no handle %s", handle)
}

func (b *memBackend) RemoveAllVolatile(context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.keys[:0]
	for _, k := range b.keys {
		if !k.Volatile {
			kept = append(kept, k)
		}
	}
	b.keys = kept
	return nil
}

func (b *memBackend) key(handle string) *memKey {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, k := range b.keys {
		if k.Handle == handle {
			return k
		}
	}
	return nil
}

// memChannel is one key channel of memBackend.
type memChannel struct {
	b      *memBackend
	mu     sync.Mutex
	cc     ClientContext
	closed bool
}

func (c *memChannel) Signer(handle string) crypto.Signer {
	k := c.b.key(handle)
	if k == nil {
		return errSigner{}
	}
	return &memSigner{c: c, k: k}
}

func (c *memChannel) Update(_ context.Context, cc ClientContext) error {
	c.mu.Lock()
	c.cc = cc
	c.mu.Unlock()
	c.b.mu.Lock()
	c.b.contexts = append(c.b.contexts, cc)
	c.b.mu.Unlock()
	return nil
}

func (c *memChannel) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

// memSigner signs in the "agent": it applies revocation, lifetime and
// the confirmation constraint, as mesh-agent does.
type memSigner struct {
	c *memChannel
	k *memKey
}

func (s *memSigner) Public() crypto.PublicKey { return s.k.priv.Public() }

func (s *memSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	b := s.c.b
	b.mu.Lock()
	revoked := b.revoked
	expired := !s.k.NotAfter.IsZero() && !b.now().Before(s.k.NotAfter)
	b.mu.Unlock()
	s.c.mu.Lock()
	cc, closed := s.c.cc, s.c.closed
	s.c.mu.Unlock()
	switch {
	case closed:
		return nil, errors.New("memBackend: channel closed")
	case revoked:
		return nil, ErrRevoked
	case expired:
		return nil, errors.New("memBackend: key expired")
	case s.k.confirm && !b.approver()(s.k, cc):
		return nil, errDenied
	}
	return s.k.priv.Sign(r, digest, opts)
}

// errSigner stands for an unknown handle.
type errSigner struct{}

func (errSigner) Public() crypto.PublicKey { return nil }
func (errSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("memBackend: unknown handle")
}

// removeMesh deletes a Mesh key, as `meshman ssh delete` does.
func (b *memBackend) removeMesh(handle string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, k := range b.keys {
		if k.Handle == handle {
			b.keys = append(b.keys[:i], b.keys[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("memBackend: no handle %s", handle)
}
