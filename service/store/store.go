// Package store is the persistence of the Mesh service: the account
// registry and each account's containers (catalogs and spools), behind an
// interface with two implementations: the embedded store of this package
// (Open, on go.etcd.io/bbolt) for a single node, and package
// service/store/postgres for several stateless nodes sharing one database.
// Start with [Store] and [Open]. Package storetest is the conformance suite
// every implementation must pass.
//
// Specifications: protocol.md §4.2 (the account record and the callsign
// registry), §4.6 to §4.8 (Status, Download, Transact) and schema.md §7.5
// (service-local records); the design and the choice of bbolt are in
// docs/protocol.md §6.
//
// A container is an append-only list of envelopes numbered from 0. Its
// status is the number of entries and the Merkle root of
// protocol.ContainerTree over them. Envelopes are opaque to the store; an
// entry may carry an EnvelopeID under which it can be found again (Find),
// as Complete and PollClaim need.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/mathmesh/mesh/protocol"
)

// Sentinel errors callers branch on.
var (
	// ErrNotFound: no such account or entry.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: the profile UDF or an account name is already registered.
	ErrExists = errors.New("store: already exists")
	// ErrConflict: a conditional append found the container in another state.
	ErrConflict = errors.New("store: conflict")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store: closed")
)

// Account is the service's record of a bound account (protocol.md §4.2,
// schema.md §7.5 AccountUser).
type Account struct {
	ProfileUDF string // the account profile's UDF: the primary key
	// Names are the lower-cased account addresses bound to the account
	// (the MMM_Callsign registry of REF); each maps to ProfileUDF.
	Names          []string
	Profile        []byte // EnvelopedProfileAccount
	HostAssignment []byte // EnvelopedAccountHostAssignment
	Created        time.Time
}

// Entry is one envelope to append.
type Entry struct {
	Envelope []byte
	// EnvelopeID, if set, indexes the entry for Find; a later entry with
	// the same ID replaces it in the index.
	EnvelopeID string
}

// Batch is the part of an atomic Append that goes to one container.
type Batch struct {
	Account   string // profile UDF
	Container string
	Entries   []Entry
	// Condition, if set, makes the whole Append fail with ErrConflict unless
	// the container is in that state now (Index entries, Merkle root Digest;
	// an empty container has Index 0 and a nil Digest).
	Condition *protocol.ContainerStatus
}

// Registry is the account registry.
type Registry interface {
	// CreateAccount registers a new account and its names. It fails with
	// ErrExists if the profile UDF or any name is already taken.
	CreateAccount(ctx context.Context, a *Account) error
	// Account returns the account with this profile UDF or (lower-cased)
	// name, or ErrNotFound.
	Account(ctx context.Context, id string) (*Account, error)
	// DeleteAccount removes an account, its names and all its containers.
	DeleteAccount(ctx context.Context, profileUDF string) error
}

// Containers holds the containers of every account.
type Containers interface {
	// Append adds every batch, across containers and accounts, all or
	// nothing, and returns the index of the first new entry of each batch.
	// It returns only once the entries are durable. A batch for an unknown
	// account fails the whole Append with ErrNotFound.
	Append(ctx context.Context, batches []Batch) ([]int64, error)
	// Read returns the envelopes of a container from index from on, at
	// most maxEntries of them and, beyond the first, at most maxBytes in
	// all. A container that does not exist reads as empty.
	Read(ctx context.Context, account, container string, from int64, maxEntries int, maxBytes int64) ([][]byte, error)
	// Status returns the status of every container of the account that
	// holds at least one entry, sorted by name.
	Status(ctx context.Context, account string) ([]protocol.ContainerStatus, error)
	// Find returns the entry last appended with this EnvelopeID and its
	// index, or ErrNotFound.
	Find(ctx context.Context, account, container, envelopeID string) ([]byte, int64, error)
}

// Store is a complete service store.
type Store interface {
	Registry
	Containers
	Close() error
}
