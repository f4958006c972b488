package client

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/mathmesh/mesh/protocol"
)

// ContainerSync reports one container of a sync.
type ContainerSync struct {
	Container string `json:"container"`
	// Before and After are the entries held locally before and after.
	Before int64 `json:"before"`
	After  int64 `json:"after"`
	// Digest is the verified Merkle root, as a UDF-style hex prefix.
	Digest string `json:"digest,omitempty"`
}

// SyncResult is the outcome of Sync.
type SyncResult struct {
	Account    string          `json:"account"`
	Address    string          `json:"address"`
	Fetched    int64           `json:"fetched"`
	Containers []ContainerSync `json:"containers"`
	// Connections are the PIN-authenticated connection requests this sync
	// handled (protocol.md F0 step 5, F4b step 3).
	Connections []PinOutcome `json:"connections,omitempty"`
	// Device is set when this device's roles changed (`device auth`).
	Device *DeviceRefresh `json:"device,omitempty"`
	// Groups are the group invitations this sync handled (F8 add step 4).
	Groups []GroupJoined `json:"groups,omitempty"`
	// Contacts are the PIN-authenticated contact replies this sync added
	// (protocol.md F6a step 4).
	Contacts []ContactOutcome `json:"contacts,omitempty"`
}

// Sync brings the local copies of every container up to date (protocol.md
// §7 F0): Status gives each container's entry count and Merkle root; the
// entries this device lacks — and only those — are fetched with Download,
// checked against the root, and appended to the local copies. The cost is
// proportional to the new entries: the Merkle state of each copy is kept, so
// old entries are neither fetched nor hashed again.
func (a *Account) Sync(ctx context.Context) (*SyncResult, error) {
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	res, err := a.sync(ctx, nil)
	if err != nil {
		return nil, err
	}
	if res.Connections, err = a.processPins(ctx); err != nil {
		return nil, err
	}
	if res.Contacts, err = a.processContactReplies(ctx); err != nil {
		return nil, err
	}
	if res.Groups, err = a.processGroupInvitations(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// sync is Sync with the data directory already locked; only, if not nil,
// restricts it to those containers.
func (a *Account) sync(ctx context.Context, only []string) (*SyncResult, error) {
	cred, err := a.credential()
	if err != nil {
		return nil, err
	}
	pc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	st, err := pc.Status(ctx, cred, a.statusRequest()) // F0 steps 1-2
	if err != nil {
		return nil, fmt.Errorf("client: status of %s: %w", a.rec.AccountAddress, err)
	}
	res := &SyncResult{Account: a.rec.ProfileUdf, Address: a.rec.AccountAddress}
	if res.Device, err = a.refreshDevice(st); err != nil {
		return nil, err
	}
	remote := map[string]protocol.ContainerStatus{}
	for _, cs := range st.ContainerStatus {
		if err := protocol.CheckContainerName(cs.Container); err != nil {
			return nil, fmt.Errorf("client: status from the service: %w", err)
		}
		if len(only) > 0 && !contains(only, cs.Container) {
			continue
		}
		remote[cs.Container] = cs
	}
	names := make([]string, 0, len(remote))
	for n := range remote {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		cs, err := a.syncContainer(ctx, pc, cred, remote[name]) // F0 steps 3-4
		if err != nil {
			return nil, err
		}
		res.Fetched += cs.After - cs.Before
		res.Containers = append(res.Containers, *cs)
	}
	// Record the time of the sync, but do not rewrite (and fsync) the
	// record on every background poll that found nothing new: the agent
	// polls often, and the record's container states are saved above
	// whenever entries are fetched.
	now := a.c.cfg.Now().UTC()
	if res.Fetched > 0 || res.Device != nil || a.rec.Synced == nil || now.Sub(*a.rec.Synced) >= recordSyncedInterval {
		a.rec.Synced = &now
		if err := a.c.cfg.Home.saveRecord(a.rec); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// recordSyncedInterval is how stale the saved time of the last sync may be
// before a sync that fetched nothing saves the record anyway.
const recordSyncedInterval = time.Minute

// syncContainer brings one local copy up to the remote state.
func (a *Account) syncContainer(ctx context.Context, pc *protocol.Client, cred *protocol.Credential, remote protocol.ContainerStatus) (*ContainerSync, error) {
	name := remote.Container
	if t := a.rec.tree(name); t.Len() == remote.Index && bytes.Equal(t.Digest(), remote.Digest) {
		// Unchanged: the local copy is not even opened. (Frames written
		// after the record was last saved exist only for entries the
		// service holds too, so they would make remote.Index larger.)
		a.rec.setTree(name, t)
		return &ContainerSync{Container: name, Before: t.Len(), After: t.Len(), Digest: digestText(t.Digest())}, nil
	}
	lc, tree, err := a.openVerified(name)
	if err != nil {
		return nil, err
	}
	defer lc.Close()
	cs := &ContainerSync{Container: name, Before: tree.Len(), After: tree.Len()}
	switch {
	case remote.Index < tree.Len():
		return nil, fmt.Errorf("client: %s: the service reports %d entries but this device already holds %d: the service lost data or is not the one the account was created at",
			name, remote.Index, tree.Len())
	case remote.Index > tree.Len():
		envs, err := a.download(ctx, pc, cred, name, tree, remote.Index)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(tree.Digest(), remote.Digest) {
			return nil, fmt.Errorf("client: %s: the %d entries downloaded do not match the service's Merkle digest; nothing was stored",
				name, len(envs))
		}
		if _, err := lc.Append(envs...); err != nil {
			return nil, err
		}
		a.rec.setTree(name, tree)
		if err := a.c.cfg.Home.saveRecord(a.rec); err != nil {
			return nil, err
		}
	default:
		if !bytes.Equal(tree.Digest(), remote.Digest) {
			return nil, fmt.Errorf("client: %s: the local copy (%d entries) and the service disagree on the Merkle digest", name, tree.Len())
		}
		a.rec.setTree(name, tree)
	}
	cs.After = tree.Len()
	cs.Digest = digestText(tree.Digest())
	return cs, nil
}

// download fetches entries tree.Len() to want-1 of container, page by page
// (F0 step 4), adding each to tree. Nothing is written here.
func (a *Account) download(ctx context.Context, pc *protocol.Client, cred *protocol.Credential, name string, tree *protocol.ContainerTree, want int64) ([][]byte, error) {
	var envs [][]byte
	for round := 0; tree.Len() < want; round++ {
		if round >= MaxDownloadRounds {
			return nil, fmt.Errorf("client: %s: gave up after %d Download requests", name, round)
		}
		resp, err := pc.Download(ctx, cred, &protocol.DownloadRequest{
			MeshRequestUser: protocol.MeshRequestUser{Account: a.rec.ProfileUdf},
			Select:          []protocol.ConstraintsSelect{{Container: name, IndexMin: tree.Len(), IndexMax: want}},
		})
		if err != nil {
			return nil, fmt.Errorf("client: downloading %s from entry %d: %w", name, tree.Len(), err)
		}
		got := 0
		for _, u := range resp.Updates {
			if u.Container != name {
				return nil, fmt.Errorf("client: Download of %s answered with container %q", name, u.Container)
			}
			for _, e := range u.Envelopes {
				if tree.Len() >= want {
					return nil, fmt.Errorf("client: Download of %s returned more than the %d entries asked for", name, want)
				}
				b := []byte(e)
				tree.Append(b)
				envs = append(envs, b)
				got++
			}
		}
		if got == 0 {
			return nil, fmt.Errorf("client: %s: the service reported %d entries but Download from %d returned none", name, want, tree.Len())
		}
	}
	return envs, nil
}

// openVerified opens the local copy of name and returns it with its Merkle
// state. Frames appended after the last recorded state (a sync interrupted
// between writing the frames and the record) are hashed in; a copy with
// fewer frames than recorded is damaged.
func (a *Account) openVerified(name string) (*localContainer, *protocol.ContainerTree, error) {
	lc, err := a.c.cfg.Home.openContainer(a.rec.ProfileUdf, name, false)
	if err != nil {
		return nil, nil, err
	}
	tree := a.rec.tree(name)
	if lc.Len() < tree.Len() {
		lc.Close()
		return nil, nil, fmt.Errorf("client: the local copy of %s holds %d entries but %d were recorded: it is damaged",
			name, lc.Len(), tree.Len())
	}
	for i := tree.Len(); i < lc.Len(); i++ {
		e, err := lc.Envelope(i)
		if err != nil {
			lc.Close()
			return nil, nil, err
		}
		tree.Append(e)
	}
	return lc, tree, nil
}

// digestText shows the first 16 bytes of a digest in hex.
func digestText(d []byte) string {
	if len(d) > 16 {
		d = d[:16]
	}
	return fmt.Sprintf("%x", d)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
