package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Bucket layout of the embedded store (docs/protocol.md §6; frozen: it is on
// disk):
//
//	accounts/<profile UDF>        account record (jsonb, see accountRecord)
//	names/<lower-cased name>      profile UDF
//	data/<profile UDF>/           one bucket per account:
//	    s/<container>             container state (containerState)
//	    e/<container>/<index>     envelope; index 8 bytes big-endian
//	    i/<container>/<id>        index of the entry last stored with EnvelopeID id
var (
	bucketAccounts = []byte("accounts")
	bucketNames    = []byte("names")
	bucketData     = []byte("data")
	bucketStates   = []byte("s")
	bucketEntries  = []byte("e")
	bucketIDs      = []byte("i")
)

// FileName is the name of the embedded store's file inside the data
// directory.
const FileName = "mesh-service.db"

// Options configure Open.
type Options struct {
	// LockTimeout bounds the wait for the file lock held by another
	// process; zero means one second.
	LockTimeout time.Duration
	// MaxBatchDelay is how long concurrent Appends wait to be committed
	// together (group commit); zero means bbolt's default (10 ms).
	MaxBatchDelay time.Duration
}

// Embedded is the embedded store: one bbolt file under the data directory.
// Every Append is one bbolt transaction, committed (fsync) before it
// returns; concurrent Appends are grouped into one commit (bolt.DB.Batch).
type Embedded struct {
	db *bolt.DB
}

var _ Store = (*Embedded)(nil)

// Open opens (creating if needed) the embedded store in directory dir,
// which must exist. Only one process may open it at a time.
func Open(dir string, opts *Options) (*Embedded, error) {
	if opts == nil {
		opts = &Options{}
	}
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = time.Second
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("store: data directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("store: data directory %s is not a directory", dir)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        timeout,
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: true,
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("store: %s is in use by another process", path)
		}
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	if opts.MaxBatchDelay > 0 {
		db.MaxBatchDelay = opts.MaxBatchDelay
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketAccounts, bucketNames, bucketData} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: initialising %s: %w", path, err)
	}
	return &Embedded{db: db}, nil
}

// Close closes the store file.
func (s *Embedded) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: closing: %w", err)
	}
	return nil
}

func (s *Embedded) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return mapClosed(s.db.View(fn))
}

func (s *Embedded) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return mapClosed(s.db.Update(fn))
}

func mapClosed(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// accountBucket returns the data bucket of account, or nil.
func accountBucket(tx *bolt.Tx, account string) *bolt.Bucket {
	return tx.Bucket(bucketData).Bucket([]byte(account))
}
