package postgres

import (
	"context"
	"embed"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The migrations, applied in order of their number NNNN_name.sql, each in
// its own transaction. Applied migrations are never edited: a change to the
// schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	var out []migration
	for _, f := range names {
		num, _, ok := strings.Cut(f.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("postgres: migration file %q is not named NNNN_name.sql", f.Name())
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", f.Name()))
		if err != nil {
			return nil, fmt.Errorf("postgres: migration %s: %w", f.Name(), err)
		}
		out = append(out, migration{version: v, name: f.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("postgres: migration %s: want version %d", m.name, i+1)
		}
	}
	return out, nil
}

// migrate brings schema up to date. Nodes starting together serialise on
// a transaction-scoped advisory lock, so each migration runs once.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	for {
		done, err := migrateOne(ctx, pool, schema, ms)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// migrateOne applies the first missing migration, if any, and reports
// whether the schema was already up to date.
func migrateOne(ctx context.Context, pool *pgxpool.Pool, schema string, ms []migration) (bool, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("postgres: migrating schema %s: %w", schema, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	ident := pgx.Identifier{schema}.Sanitize()
	steps := []string{
		`SELECT pg_advisory_xact_lock(hashtextextended('mesh-store-migrate:' || $1, 0))`,
		`CREATE SCHEMA IF NOT EXISTS ` + ident,
		`SET LOCAL search_path = ` + ident,
		`CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY,
			name    text NOT NULL,
			applied timestamptz NOT NULL DEFAULT now())`,
	}
	for i, q := range steps {
		var args []any
		if i == 0 {
			args = []any{schema}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return false, fmt.Errorf("postgres: migrating schema %s: %w", schema, err)
		}
	}
	var current int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return false, fmt.Errorf("postgres: reading the schema version of %s: %w", schema, err)
	}
	if current > len(ms) {
		return false, fmt.Errorf("postgres: schema %s is at version %d, newer than this binary's %d: upgrade mesh-service", schema, current, len(ms))
	}
	if current == len(ms) {
		return true, tx.Commit(ctx)
	}
	m := ms[current]
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return false, fmt.Errorf("postgres: migration %s: %w", m.name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
		return false, fmt.Errorf("postgres: recording migration %s: %w", m.name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("postgres: migration %s: %w", m.name, err)
	}
	return false, nil
}
