package service

// The PostgreSQL store for several service nodes (service/store/postgres,
// docs/scaling.md): opening the store that --store names, and keeping this
// node's caches in step with what the other nodes change.

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
	"github.com/mathmesh/mesh/service/store/postgres"
)

// openStore opens the store named by --store: empty for the embedded store
// under dataDir, a postgres:// or postgresql:// URL for PostgreSQL (shared
// by several nodes; dataDir then holds only the identity, which every node
// of a service must share).
func openStore(ctx context.Context, spec, dataDir string, log *slog.Logger) (store.Store, error) {
	switch {
	case spec == "":
		return store.Open(dataDir, nil)
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		return postgres.Open(ctx, spec, &postgres.Options{Logger: log})
	}
	return nil, fmt.Errorf("service: --store wants a postgres:// URL or nothing (the embedded store under --data), not %q", storeScheme(spec))
}

// storeScheme returns the scheme of a --store value for error messages,
// never the rest, which may hold a password.
func storeScheme(spec string) string {
	if scheme, _, ok := strings.Cut(spec, "://"); ok {
		return scheme + "://..."
	}
	return "a value without a scheme"
}

// followStore makes the service follow the changes that other nodes make
// to a shared store, and returns the function that stops it. For a store
// only this process uses, it does nothing.
func (s *Service) followStore(st store.Store) (stop func()) {
	if pg, ok := st.(*postgres.Store); ok {
		return pg.Subscribe(s.storeChanged)
	}
	return func() {}
}

// storeChanged drops what this node caches of what changed: the account
// (deleted), its Access catalog index (a capability added or revoked
// through another node must take effect here at once, protocol.md §3.3),
// or everything when changes may have been missed.
func (s *Service) storeChanged(c postgres.Change) {
	switch {
	case c.Account == "":
		s.accounts.removeIf(func(string, *accountInfo) bool { return true })
		s.access.lru.removeIf(func(string, *accessIndex) bool { return true })
	case c.Container == "":
		s.forgetAccount(c.Account)
	case c.Container == protocol.CatalogAccess:
		s.access.invalidate(c.Account)
	}
}
