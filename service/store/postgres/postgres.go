// Package postgres is a store.Store on PostgreSQL (jackc/pgx), so that
// several stateless mesh-service nodes can serve the same accounts from
// one database. It passes the conformance suite of service/store/storetest.
//
// Specifications: protocol.md §4.2 (the account registry), §4.6 to §4.8
// (Status, Download, Transact: a container is an append-only list whose
// status is its length and the Merkle root of protocol.ContainerTree) and
// schema.md §7.5; the design and how to run it at scale are in
// docs/scaling.md.
//
// Design:
//
//   - An Append is one transaction. It locks the head row of every
//     container it touches (in a fixed order, so that two Appends cannot
//     deadlock on each other), computes the new Merkle state from the head
//     row, inserts the entries under the unique key (account, container,
//     index) and updates the heads. Appends to one container are thus
//     serialised across nodes, indexes are contiguous and nothing is
//     duplicated; all batches of one Append commit or none does.
//   - Serialization failures, deadlocks and broken connections are
//     retried for up to Options.RetryTimeout. When the connection breaks
//     during COMMIT, the outcome is looked up with pg_xact_status before
//     deciding to retry, so an entry is never written twice.
//   - Each committed Append sends a notification (NOTIFY) naming the
//     account, the container and its new length; every node LISTENs on its
//     own connection and passes the changes of the other nodes to the
//     functions given to Subscribe (notify.go).
//   - The connection pool checks idle connections and replaces broken
//     ones, so the store carries on after a database restart.
package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/mathmesh/mesh/service/store"
)

// Options configure Open. The zero value is usable.
type Options struct {
	// Schema holds the store's tables; empty means the search_path of
	// the URL (postgres://...?search_path=name) or else DefaultSchema.
	// Stores in different schemas of one database are independent.
	Schema string
	// MaxConns bounds the node's connection pool; zero means
	// DefaultMaxConns.
	MaxConns int32
	// RetryTimeout bounds how long a call retries transient failures;
	// zero means DefaultRetryTimeout.
	RetryTimeout time.Duration
	// Logger receives warnings (reconnections, retries); nil means
	// slog.Default().
	Logger *slog.Logger
}

// Store is the PostgreSQL store. It is safe for concurrent use, also by
// several processes on the same database and schema.
type Store struct {
	pool    *pgxpool.Pool
	schema  string
	channel string // notification channel: "mesh_store_" + schema
	node    string // random id of this Store, to skip its own notifications
	retryTO time.Duration
	log     *slog.Logger
	closed  atomic.Bool

	subs     subscribers
	listener *listener
}

var _ store.Store = (*Store)(nil)

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string, as pgx accepts), applies the migrations the schema
// lacks and starts listening for the notifications of other nodes.
func Open(ctx context.Context, url string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors can quote the URL, password included.
		return nil, errors.New("postgres: cannot parse the database URL (want postgres://user@host:port/database?...)")
	}
	schema := opts.Schema
	if schema == "" {
		schema = cfg.ConnConfig.RuntimeParams["search_path"]
	}
	if schema == "" {
		schema = DefaultSchema
	}
	if len(schema) > maxSchemaLength || !schemaName.MatchString(schema) {
		return nil, fmt.Errorf("postgres: schema %q: want 1 to %d of [a-z0-9_], not starting with a digit", schema, maxSchemaLength)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "mesh-service"
	}
	cfg.MaxConns = opts.MaxConns
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	cfg.HealthCheckPeriod = healthCheckPeriod
	cfg.PingTimeout = pingTimeout
	node := make([]byte, 8)
	if _, err := rand.Read(node); err != nil {
		return nil, fmt.Errorf("postgres: node id: %w", err)
	}
	s := &Store{
		schema:  schema,
		channel: "mesh_store_" + schema,
		node:    hex.EncodeToString(node),
		retryTO: opts.RetryTimeout,
		log:     opts.Logger,
	}
	if s.retryTO <= 0 {
		s.retryTO = DefaultRetryTimeout
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := s.pool.Ping(ctx); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("postgres: cannot reach the database: %w", err)
	}
	if err := migrate(ctx, s.pool, schema); err != nil {
		s.pool.Close()
		return nil, err
	}
	s.listener = startListener(s, cfg.ConnConfig.Copy())
	if err := s.listener.waitReady(ctx); err != nil {
		s.listener.stop()
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the listener and closes the pool. Calls after Close fail
// with store.ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.listener.stop()
	s.pool.Close()
	return nil
}

// Schema returns the schema holding the store's tables.
func (s *Store) Schema() string { return s.schema }
