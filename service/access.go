package service

import (
	"context"
	"fmt"
	"sync"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/protocol"
)

// capability is the current state of one entry of an account's Access
// catalog (schema.md §7.4), in the catalog package's types.
type capability = catalog.Capability

// accessIndex is the service's view of one account's Access catalog: the
// latest state of each capability by Id, built by replaying the catalog's
// New/Update/Delete events (schema.md §7.1). n is the number of entries
// replayed; stale is set when a Transact appended to the catalog.
type accessIndex struct {
	mu    sync.Mutex
	n     int64
	stale bool
	caps  map[string]*capability
}

type accessIndexes struct {
	s   *Service
	lru *lru[string, *accessIndex]
}

func newAccessIndexes(s *Service) *accessIndexes {
	return &accessIndexes{s: s, lru: newLRU[string, *accessIndex](accountCacheSize)}
}

func (a *accessIndexes) forget(account string) { a.lru.remove(account) }

// invalidate marks the account's index as behind the store.
func (a *accessIndexes) invalidate(account string) {
	if idx, ok := a.lru.get(account); ok {
		idx.mu.Lock()
		idx.stale = true
		idx.mu.Unlock()
	}
}

// lookup returns the current capability with this Id, or nil.
func (a *accessIndexes) lookup(ctx context.Context, account, id string) (*capability, error) {
	idx, ok := a.lru.get(account)
	if !ok {
		idx = &accessIndex{stale: true, caps: make(map[string]*capability)}
		a.lru.put(account, idx)
	}
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if idx.stale {
		if err := a.catchUp(ctx, account, idx); err != nil {
			return nil, err
		}
	}
	return idx.caps[id], nil
}

// checkDevice enforces protocol.md §3.3 for a connected device: an active
// AccessCapability whose Id is the device's authentication key must exist.
func (a *accessIndexes) checkDevice(ctx context.Context, account, keyID string) error {
	c, err := a.lookup(ctx, account, keyID)
	if err != nil {
		return internal(err)
	}
	if c == nil || c.AccessCapability == nil {
		return refuse(protocol.StatusNotAuthorized, "no access capability for key %s in the account's Access catalog", keyID)
	}
	if !c.AccessCapability.Active {
		return refuse(protocol.StatusDeviceRevoked, "the access capability of key %s is revoked", keyID)
	}
	return nil
}

// catchUp replays the Access catalog entries appended since idx.n.
func (a *accessIndexes) catchUp(ctx context.Context, account string, idx *accessIndex) error {
	for {
		envs, err := a.s.store.Read(ctx, account, protocol.CatalogAccess, idx.n, 1000, protocol.MaxDownloadBytes)
		if err != nil {
			return err
		}
		for _, env := range envs {
			if idx.n >= maxAccessEntries {
				return fmt.Errorf("service: account %s has more than %d Access catalog entries", account, maxAccessEntries)
			}
			if err := a.apply(idx, env); err != nil {
				a.s.log.Warn("access catalog entry skipped", "account", account, "index", idx.n, "err", err)
			}
			idx.n++
		}
		if len(envs) == 0 {
			idx.stale = false
			return nil
		}
	}
}

// apply replays one event: Delete removes the capability named by
// ContentMeta.UniqueId, New and Update set it from the payload, which the
// service decrypts with the host's AccessEncrypt key.
func (a *accessIndexes) apply(idx *accessIndex, env []byte) error {
	ring := &dare.Keyring{Private: []keys.PrivateKey{a.s.id.access}}
	payload, res, err := dare.Open(env, ring)
	if err != nil {
		return fmt.Errorf("cannot open (is it encrypted to the host's AccessEncrypt key?): %w", err)
	}
	if res.ContentMeta != nil && res.ContentMeta.Event == catalog.EventDelete {
		delete(idx.caps, res.ContentMeta.UniqueID)
		return nil
	}
	tag, inner, err := jsonb.ReadTag(payload)
	if err != nil || tag != catalog.TagAccess {
		return fmt.Errorf("payload is not a %s (tag %q): %v", catalog.TagAccess, tag, err)
	}
	var ca catalog.CatalogedAccess
	if err := jsonb.Unmarshal(inner, &ca); err != nil {
		return err
	}
	if err := ca.Validate(); err != nil {
		return err
	}
	idx.caps[ca.PrimaryKey()] = ca.Capability
	return nil
}
