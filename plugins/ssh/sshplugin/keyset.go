package sshplugin

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// keyEntry is one key of a snapshot with its precomputed wire forms, so
// that listing and signing allocate nothing per request (plugins.md §9
// item 1: keep the channel path lean).
type keyEntry struct {
	Key
	blob     string       // wire form of Public
	certBlob string       // wire form of Certificate, or ""
	listed   []*agent.Key // the identities it contributes: key, then certificate
	// dedicated is true when a known host names it as a client key or it
	// has host hints: it is offered only to the hosts it is meant for.
	dedicated bool
}

// snapshot is an immutable view of the keys and known hosts, swapped
// atomically when mesh-agent reports a change.
type snapshot struct {
	keys   []*keyEntry
	byBlob map[string]*keyEntry // plain and certificate blobs
	// hosts maps a host key's wire form to the known-host records naming it.
	hosts   map[string][]*KnownHost
	revoked bool
}

// newSnapshot indexes keys and known hosts. Keys whose public key is not
// usable, duplicates and records over the limits are dropped with an
// error naming the first problem.
func newSnapshot(keys []Key, known []KnownHost) (*snapshot, error) {
	if len(keys) > MaxKeys {
		return nil, fmt.Errorf("sshplugin: mesh-agent listed %d keys, limit %d", len(keys), MaxKeys)
	}
	if len(known) > MaxKnownHosts {
		return nil, fmt.Errorf("sshplugin: the catalog holds %d known hosts, limit %d", len(known), MaxKnownHosts)
	}
	s := &snapshot{byBlob: make(map[string]*keyEntry, 2*len(keys)), hosts: map[string][]*KnownHost{}}
	clientKeys := map[string]bool{}
	for i := range known {
		kh := &known[i]
		for _, hk := range kh.HostKeys {
			b := string(hk.Marshal())
			s.hosts[b] = append(s.hosts[b], kh)
		}
		for _, ck := range kh.ClientKeys {
			clientKeys[string(ck.Marshal())] = true
		}
	}
	for i, k := range keys {
		if k.Public == nil {
			return nil, fmt.Errorf("sshplugin: key %d (%q) has no public key", i, k.Comment)
		}
		if len(k.HostHints) > MaxHostHints {
			return nil, fmt.Errorf("sshplugin: key %d (%q) has %d host hints, limit %d", i, k.Comment, len(k.HostHints), MaxHostHints)
		}
		e := &keyEntry{Key: k, blob: string(k.Public.Marshal())}
		if _, dup := s.byBlob[e.blob]; dup {
			continue // the same key twice (e.g. Mesh and volatile): the first wins
		}
		e.listed = []*agent.Key{{Format: k.Public.Type(), Blob: []byte(e.blob), Comment: k.Comment}}
		if k.Certificate != nil {
			if string(k.Certificate.Key.Marshal()) != e.blob {
				return nil, fmt.Errorf("sshplugin: key %d (%q): its certificate is for another key", i, k.Comment)
			}
			e.certBlob = string(k.Certificate.Marshal())
			e.listed = append(e.listed, &agent.Key{Format: k.Certificate.Type(), Blob: []byte(e.certBlob), Comment: k.Comment})
			s.byBlob[e.certBlob] = e
		}
		e.dedicated = clientKeys[e.blob] || len(k.HostHints) > 0
		s.byBlob[e.blob] = e
		s.keys = append(s.keys, e)
	}
	return s, nil
}

// revokedSnapshot is served once the device is revoked: no keys at all.
var revokedSnapshot = &snapshot{byBlob: map[string]*keyEntry{}, hosts: map[string][]*KnownHost{}, revoked: true}

// live reports whether e may still be offered at now.
func (e *keyEntry) live(now time.Time) bool {
	return e.NotAfter.IsZero() || now.Before(e.NotAfter)
}

// keyCache holds the current snapshot. Reads are one atomic load; a
// refresh asks mesh-agent again after Invalidate (catalog or policy change,
// ssh-add).
type keyCache struct {
	backend Backend
	cur     atomic.Pointer[snapshot]
	stale   atomic.Bool
	revoked atomic.Bool
	mu      sync.Mutex // serialises refreshes
}

func newKeyCache(b Backend) *keyCache {
	c := &keyCache{backend: b}
	c.stale.Store(true)
	return c
}

// get returns the current snapshot, refreshing it first if it is stale.
func (c *keyCache) get(ctx context.Context) (*snapshot, error) {
	if c.revoked.Load() {
		return revokedSnapshot, nil
	}
	if s := c.cur.Load(); s != nil && !c.stale.Load() {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.cur.Load(); s != nil && !c.stale.Load() {
		return s, nil
	}
	c.stale.Store(false) // an Invalidate from now on forces another refresh
	s, err := c.load(ctx)
	if err != nil {
		c.stale.Store(true)
		return nil, err
	}
	if c.revoked.Load() {
		return revokedSnapshot, nil
	}
	c.cur.Store(s)
	return s, nil
}

func (c *keyCache) load(ctx context.Context) (*snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, ListTimeout)
	defer cancel()
	keys, err := c.backend.Keys(ctx)
	if err != nil {
		return nil, fmt.Errorf("sshplugin: listing keys: %w", err)
	}
	known, err := c.backend.KnownHosts(ctx)
	if err != nil {
		return nil, fmt.Errorf("sshplugin: reading known hosts: %w", err)
	}
	return newSnapshot(keys, known)
}

// invalidate makes the next get ask mesh-agent again.
func (c *keyCache) invalidate() { c.stale.Store(true) }

// revoke empties the cache for good: a revoked device serves no keys.
func (c *keyCache) revoke() {
	c.revoked.Store(true)
	c.cur.Store(revokedSnapshot)
}

// hostKeyNames returns the known names of a host key, in catalog order.
func (s *snapshot) hostKeyNames(hostKey ssh.PublicKey) []string {
	var names []string
	for _, kh := range s.hosts[string(hostKey.Marshal())] {
		names = append(names, kh.Names...)
	}
	return names
}
