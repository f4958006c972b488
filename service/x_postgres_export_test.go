package service

import (
	"context"
	"log/slog"

	"github.com/mathmesh/mesh/service/store"
)

// Hooks of x_postgres.go for the external tests (x_postgres_test.go).

func OpenStoreForTest(ctx context.Context, spec, dataDir string, log *slog.Logger) (store.Store, error) {
	return openStore(ctx, spec, dataDir, log)
}

func (s *Service) FollowStoreForTest(st store.Store) (stop func()) { return s.followStore(st) }
