package postgres

import "time"

// Limits and defaults of the PostgreSQL store. The limits on what is stored
// (envelope sizes, names, entries per append) are those of package store,
// checked by store.CheckBatches and store.CheckAccount.
const (
	// DefaultSchema is the schema holding the tables when Options.Schema
	// is empty.
	DefaultSchema = "mesh"
	// DefaultMaxConns is the default size of each node's connection pool.
	DefaultMaxConns = 16
	// DefaultRetryTimeout bounds how long one call keeps retrying across
	// serialization failures, deadlocks and a database restart.
	DefaultRetryTimeout = 20 * time.Second

	// maxSchemaLength bounds a schema name, so that the notification
	// channel "mesh_store_<schema>" stays within PostgreSQL's 63-byte
	// identifiers.
	maxSchemaLength = 48
	// maxPayload bounds a notification payload read from the database
	// (PostgreSQL's own limit is 8000 bytes).
	maxPayload = 8000
	// maxPeaksBytes bounds the stored Merkle peaks of a container: at most
	// 63 peaks of merkle.HashSize bytes.
	maxPeaksBytes = 63 * 64
	// healthCheckPeriod is how often idle pooled connections are checked,
	// so that connections broken by a database restart are dropped.
	healthCheckPeriod = 5 * time.Second
	// pingTimeout bounds the liveness check of a pooled connection.
	pingTimeout = 2 * time.Second
	// firstBackoff and maxBackoff bound the waits between retries and
	// between reconnections of the notification listener.
	firstBackoff = 20 * time.Millisecond
	maxBackoff   = time.Second
	// listenTimeout bounds Open's wait for the notification listener.
	listenTimeout = 10 * time.Second
)
