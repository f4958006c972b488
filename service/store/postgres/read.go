package postgres

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
)

// The read queries join the account row LEFT to what they look up, so that
// one statement tells an unknown account (no row) from an empty answer (a
// row of NULLs).

// Read implements store.Containers (protocol.md §4.7).
func (s *Store) Read(ctx context.Context, account, container string, from int64, maxEntries int, maxBytes int64) ([][]byte, error) {
	if from < 0 {
		return nil, fmt.Errorf("store: read from negative index %d", from)
	}
	if maxEntries <= 0 {
		return nil, nil
	}
	var out [][]byte
	err := s.retry(ctx, "read", func(ctx context.Context) error {
		out = out[:0]
		rows, err := s.pool.Query(ctx, `
			SELECT e.envelope FROM accounts a LEFT JOIN LATERAL (
				SELECT envelope, idx FROM entries
				WHERE profile_udf = a.profile_udf AND container = $2 AND idx >= $3
				ORDER BY idx LIMIT $4
			) e ON true
			WHERE a.profile_udf = $1 ORDER BY e.idx`, account, container, from, maxEntries)
		if err != nil {
			return err
		}
		defer rows.Close()
		known, size := false, int64(0)
		for rows.Next() {
			known = true
			var env []byte
			if err := rows.Scan(&env); err != nil {
				return err
			}
			if env == nil {
				break // the account has no such entries
			}
			if len(out) > 0 && size+int64(len(env)) > maxBytes {
				break
			}
			size += int64(len(env))
			out = append(out, env)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if !known {
			return fmt.Errorf("%w: account %q", store.ErrNotFound, account)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Status implements store.Containers (protocol.md §4.6): the containers
// that hold entries, sorted by name in byte order.
func (s *Store) Status(ctx context.Context, account string) ([]protocol.ContainerStatus, error) {
	var out []protocol.ContainerStatus
	err := s.retry(ctx, "status", func(ctx context.Context) error {
		out = nil
		known := false
		rows, err := s.pool.Query(ctx, `
			SELECT h.container, h.count, h.digest FROM accounts a
			LEFT JOIN containers h ON h.profile_udf = a.profile_udf AND h.count > 0
			WHERE a.profile_udf = $1`, account)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			known = true
			var name *string
			var n *int64
			var digest []byte
			if err := rows.Scan(&name, &n, &digest); err != nil {
				return err
			}
			if name != nil {
				out = append(out, protocol.ContainerStatus{Container: *name, Index: *n, Digest: digest})
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if !known {
			return fmt.Errorf("%w: account %q", store.ErrNotFound, account)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Container < out[j].Container })
	return out, nil
}

// Find implements store.Containers: the entry last appended to container
// with this EnvelopeID.
func (s *Store) Find(ctx context.Context, account, container, envelopeID string) ([]byte, int64, error) {
	var env []byte
	var idx *int64
	err := s.retry(ctx, "find", func(ctx context.Context) error {
		env, idx = nil, nil
		return s.pool.QueryRow(ctx, `
			SELECT e.envelope, e.idx FROM accounts a LEFT JOIN LATERAL (
				SELECT envelope, idx FROM entries
				WHERE profile_udf = a.profile_udf AND container = $2 AND envelope_id = $3
				ORDER BY idx DESC LIMIT 1
			) e ON true
			WHERE a.profile_udf = $1`, account, container, envelopeID).Scan(&env, &idx)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, fmt.Errorf("%w: account %q", store.ErrNotFound, account)
	}
	if err != nil {
		return nil, 0, err
	}
	if idx == nil {
		return nil, 0, fmt.Errorf("%w: %s has no entry %q", store.ErrNotFound, container, envelopeID)
	}
	return env, *idx, nil
}
