package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/protocol"
)

// maxConflictRetries bounds how often an update is rebuilt after another
// device changed the same container first.
const maxConflictRetries = 3

// buildFunc makes the envelopes of an update from the current local copy
// of the container (held open, synced, with n entries).
type buildFunc func(lc *localContainer) ([][]byte, error)

// transact appends the envelopes made by build to container at the service
// and then to the local copy (protocol.md §7 F0 step 6, F3: local edits go
// to the service first and are applied locally only after it accepts).
// The update is conditional on the container's entry count and Merkle
// digest; if another device wrote first, the service answers Conflict and
// the update is rebuilt after a sync, at most maxConflictRetries times.
// It returns the index of the first new entry. The data directory must be
// locked.
func (a *Account) transact(ctx context.Context, container string, build buildFunc) (int64, error) {
	cred, err := a.credential()
	if err != nil {
		return 0, err
	}
	pc, err := a.service(ctx)
	if err != nil {
		return 0, err
	}
	for attempt := 0; ; attempt++ {
		if _, err := a.sync(ctx, []string{container}); err != nil {
			return 0, err
		}
		first, err := a.transactOnce(ctx, pc, cred, container, build)
		if !errors.Is(err, protocol.ErrConflict) {
			return first, err
		}
		if attempt+1 >= maxConflictRetries {
			return 0, fmt.Errorf("client: %s kept changing at the service while this update was made; try again: %w", container, err)
		}
	}
}

func (a *Account) transactOnce(ctx context.Context, pc *protocol.Client, cred *protocol.Credential, container string, build buildFunc) (int64, error) {
	lc, tree, err := a.openVerified(container)
	if err != nil {
		return 0, err
	}
	defer lc.Close()
	envs, err := build(lc)
	if err != nil {
		return 0, err
	}
	if len(envs) == 0 {
		return tree.Len(), nil
	}
	update := protocol.ContainerUpdate{
		ContainerStatus: protocol.ContainerStatus{Container: container, Index: tree.Len(), Digest: tree.Digest()},
	}
	for _, e := range envs {
		update.Envelopes = append(update.Envelopes, e)
	}
	resp, err := pc.Transact(ctx, cred, &protocol.TransactRequest{
		MeshRequestUser: protocol.MeshRequestUser{Account: a.rec.ProfileUdf},
		Updates:         []protocol.ContainerUpdate{update},
	})
	if err != nil {
		return 0, fmt.Errorf("client: updating %s at the service: %w", container, err)
	}
	first := tree.Len()
	for i, e := range resp.Entries {
		if e.Result != "" && e.Result != protocol.ResultAccept {
			return 0, fmt.Errorf("client: the service answered %s for entry %d of the update to %s", e.Result, i, container)
		}
		if e.IndexContainer != 0 && e.IndexContainer != first+int64(i) {
			return 0, fmt.Errorf("client: the service stored entry %d of the update to %s at index %d, expected %d",
				i, container, e.IndexContainer, first+int64(i))
		}
	}
	for _, e := range envs {
		tree.Append(e)
	}
	if _, err := lc.Append(envs...); err != nil {
		return 0, fmt.Errorf("%w (the service has the update; `account sync` will fetch it)", err)
	}
	a.rec.setTree(container, tree)
	return first, a.c.cfg.Home.saveRecord(a.rec)
}
