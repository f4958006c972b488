package agent

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mathmesh/mesh/agent/localapi"
	"github.com/mathmesh/mesh/client"
)

// syncer keeps the local copies of every account's catalogs up to date in the
// background (protocol.md section 7 F0 through client.Account.Sync), so a
// change made on one device is visible on another within about two sync
// intervals.
type syncer struct {
	client   *client.Client
	interval time.Duration
	// observe, if set, gets every account's sync outcome (the reconciler);
	// its error is recorded as the account's last error.
	observe func(ctx context.Context, a *client.Account, udf, address string, res *client.SyncResult, err error) error

	mu       sync.Mutex
	accounts map[string]*localapi.AccountStatus
}

func newSyncer(c *client.Client, interval time.Duration) *syncer {
	return &syncer{client: c, interval: interval, accounts: map[string]*localapi.AccountStatus{}}
}

// run syncs every interval until ctx ends.
func (s *syncer) run(ctx context.Context) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		s.syncAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// syncAll syncs every account of the machine once. client.Account.Sync holds
// the data directory's lock only while it syncs, so meshman commands interleave.
func (s *syncer) syncAll(ctx context.Context) []localapi.AccountStatus {
	infos, err := s.client.Accounts()
	if err != nil {
		s.record("", 0, fmt.Errorf("agent: list accounts: %w", err))
		return s.snapshot()
	}
	for _, info := range infos {
		a, res, err := s.syncOne(ctx, info.ProfileUDF)
		s.record(info.Address, fetched(res), err)
		if s.observe == nil || a == nil {
			continue
		}
		if oerr := s.observe(ctx, a, info.ProfileUDF, info.Address, res, err); oerr != nil && err == nil {
			s.record(info.Address, 0, oerr)
		}
	}
	return s.snapshot()
}

// syncOne syncs one account; a is nil when the account cannot be opened.
func (s *syncer) syncOne(ctx context.Context, account string) (*client.Account, *client.SyncResult, error) {
	a, err := s.client.Open(account) // Sync takes the data directory's lock itself
	if err != nil {
		return nil, nil, err
	}
	res, err := a.Sync(ctx)
	return a, res, err
}

// fetched counts the entries a sync brought.
func fetched(res *client.SyncResult) int64 {
	if res == nil {
		return 0
	}
	var n int64
	for _, c := range res.Containers {
		n += c.After - c.Before
	}
	return n
}

func (s *syncer) record(address string, fetched int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.accounts[address]
	if !ok {
		st = &localapi.AccountStatus{Address: address}
		s.accounts[address] = st
	}
	st.Entries += fetched
	if err != nil {
		st.LastError = err.Error()
		return
	}
	st.LastError, st.LastSync = "", time.Now()
}

func (s *syncer) snapshot() []localapi.AccountStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]localapi.AccountStatus, 0, len(s.accounts))
	for _, st := range s.accounts {
		out = append(out, *st)
	}
	return out
}
