package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/protocol"
)

// multiUpdate is what a multi-container build makes: envelopes to append
// to each catalog (conditional on the local state) and messages for the
// Inbound and Local spools (protocol.md §4.8).
type multiUpdate struct {
	Updates map[string][][]byte
	Inbound [][]byte
	Local   [][]byte
	// Outbound messages go to Accounts (four-corner messaging, docs/messaging.md).
	Outbound [][]byte
	Accounts []string
}

// multiBuildFunc makes an update from the open, synced local copies.
type multiBuildFunc func(copies map[string]*localContainer) (*multiUpdate, error)

// transactMulti is transact for an update that spans several catalogs and
// the spools (F4a step 7, F5 step 1): one all-or-nothing Transact, each
// catalog update conditional on its local state, rebuilt after a sync if
// another device wrote first. The catalog envelopes are then appended
// locally; the spool messages arrive with the next sync. The data
// directory must be locked.
func (a *Account) transactMulti(ctx context.Context, containers []string, build multiBuildFunc) error {
	cred, err := a.credential()
	if err != nil {
		return err
	}
	pc, err := a.service(ctx)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		if len(containers) > 0 {
			if _, err := a.sync(ctx, containers); err != nil {
				return err
			}
		}
		err := a.transactMultiOnce(ctx, pc, cred, containers, build)
		if !errors.Is(err, protocol.ErrConflict) {
			return err
		}
		if attempt+1 >= maxConflictRetries {
			return fmt.Errorf("client: %v kept changing at the service while this update was made; try again: %w", containers, err)
		}
	}
}

func (a *Account) transactMultiOnce(ctx context.Context, pc *protocol.Client, cred *protocol.Credential, containers []string, build multiBuildFunc) error {
	copies := map[string]*localContainer{}
	trees := map[string]*protocol.ContainerTree{}
	defer func() {
		for _, lc := range copies {
			lc.Close()
		}
	}()
	for _, name := range containers {
		lc, tree, err := a.openVerified(name)
		if err != nil {
			return err
		}
		copies[name], trees[name] = lc, tree
	}
	u, err := build(copies)
	if err != nil {
		return err
	}
	req := &protocol.TransactRequest{MeshRequestUser: protocol.MeshRequestUser{Account: a.rec.ProfileUdf}}
	for _, name := range containers {
		envs := u.Updates[name]
		if len(envs) == 0 {
			continue
		}
		t := trees[name]
		cu := protocol.ContainerUpdate{ContainerStatus: protocol.ContainerStatus{Container: name, Index: t.Len(), Digest: t.Digest()}}
		for _, e := range envs {
			cu.Envelopes = append(cu.Envelopes, jsonb.Raw(e))
		}
		req.Updates = append(req.Updates, cu)
	}
	for _, m := range u.Inbound {
		req.Inbound = append(req.Inbound, jsonb.Raw(m))
	}
	for _, m := range u.Local {
		req.Local = append(req.Local, jsonb.Raw(m))
	}
	for _, m := range u.Outbound {
		req.Outbound = append(req.Outbound, jsonb.Raw(m))
	}
	req.Accounts = u.Accounts
	resp, err := pc.Transact(ctx, cred, req)
	if err != nil {
		return fmt.Errorf("client: updating %v at the service: %w", containers, err)
	}
	for i, e := range resp.Entries {
		if e.Result != "" && e.Result != protocol.ResultAccept && e.Result != resultPending {
			return fmt.Errorf("client: the service answered %s for entry %d of the update", e.Result, i)
		}
	}
	for _, name := range containers {
		envs := u.Updates[name]
		if len(envs) == 0 {
			continue
		}
		for _, e := range envs {
			trees[name].Append(e)
		}
		if _, err := copies[name].Append(envs...); err != nil {
			return fmt.Errorf("%w (the service has the update; `account sync` will fetch it)", err)
		}
		a.rec.setTree(name, trees[name])
	}
	return a.c.cfg.Home.saveRecord(a.rec)
}
