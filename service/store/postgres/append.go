package postgres

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/sequence/merkle"
	"github.com/mathmesh/mesh/service/store"
)

// head is a container's head row, locked for the transaction.
type head struct {
	account, container string
	tree               *protocol.ContainerTree
	before             int64 // entries when locked
}

type containerKey struct{ account, container string }

// Append implements store.Containers (protocol.md §4.8): all batches in one
// transaction, which locks the head row of each container in (account,
// container) order, checks the conditions, inserts the entries at the
// indexes that follow and updates the heads' Merkle state. It returns once
// the transaction has committed (synchronous_commit, the server default,
// makes that durable).
func (s *Store) Append(ctx context.Context, batches []store.Batch) ([]int64, error) {
	if err := store.CheckBatches(batches); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var first []int64
	var changes []Change
	err := s.inTx(ctx, "append", func(ctx context.Context, tx pgx.Tx, xid *string) error {
		heads, err := lockHeads(ctx, tx, batches)
		if err != nil {
			return err
		}
		var rows entryRows
		if first, err = plan(heads, batches, &rows); err != nil {
			return err
		}
		changes, err = s.write(ctx, tx, heads, &rows, xid)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.subs.publish(changes...)
	return first, nil
}

// lockHeads locks (creating if needed) the head row of every container of
// the batches, after a key-share lock on their accounts that keeps them
// from being deleted until the transaction ends. All statements go in one
// round trip.
func lockHeads(ctx context.Context, tx pgx.Tx, batches []store.Batch) (map[containerKey]*head, error) {
	var keys []containerKey
	var accounts []string
	for _, b := range batches {
		keys = append(keys, containerKey{b.Account, b.Container})
		accounts = append(accounts, b.Account)
	}
	slices.SortFunc(keys, func(a, b containerKey) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.container, b.container))
	})
	keys = slices.Compact(keys)
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)

	var pb pgx.Batch
	pb.Queue(`SELECT profile_udf FROM accounts WHERE profile_udf = ANY($1) FOR KEY SHARE`, accounts)
	for _, k := range keys {
		pb.Queue(`INSERT INTO containers (profile_udf, container, count, peaks) VALUES ($1, $2, 0, '')
			ON CONFLICT (profile_udf, container) DO UPDATE SET count = containers.count
			RETURNING count, peaks`, k.account, k.container)
	}
	br := tx.SendBatch(ctx, &pb)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		if !slices.Contains(found, a) {
			return nil, fmt.Errorf("%w: account %q", store.ErrNotFound, a)
		}
	}
	heads := make(map[containerKey]*head, len(keys))
	for _, k := range keys {
		var n int64
		var peaks []byte
		if err := br.QueryRow().Scan(&n, &peaks); err != nil {
			return nil, err
		}
		tree, err := decodeTree(n, peaks)
		if err != nil {
			return nil, fmt.Errorf("postgres: head of %s of account %s: %w", k.container, k.account, err)
		}
		heads[k] = &head{account: k.account, container: k.container, tree: tree, before: n}
	}
	return heads, br.Close()
}

// decodeTree restores a container tree from its head row: n entries and
// the peaks of protocol.ContainerTree concatenated, largest first.
func decodeTree(n int64, peaks []byte) (*protocol.ContainerTree, error) {
	if n < 0 || len(peaks) > maxPeaksBytes || len(peaks)%merkle.HashSize != 0 {
		return nil, fmt.Errorf("stored state of %d entries and %d bytes of peaks is malformed", n, len(peaks))
	}
	if want := bits.OnesCount64(uint64(n)) * merkle.HashSize; len(peaks) != want {
		return nil, fmt.Errorf("stored state of %d entries has %d bytes of peaks, want %d", n, len(peaks), want)
	}
	list := make([][]byte, 0, len(peaks)/merkle.HashSize)
	for p := peaks; len(p) > 0; p = p[merkle.HashSize:] {
		list = append(list, p[:merkle.HashSize])
	}
	return protocol.NewContainerTree(n, list)
}

// entryRows are the columns of the entries to insert.
type entryRows struct {
	accounts, containers []string
	indexes              []int64
	envelopes            [][]byte
	ids                  []string
}

// plan checks each batch's condition against the locked heads, assigns the
// entries their indexes and advances the trees. It returns the index of
// each batch's first entry.
func plan(heads map[containerKey]*head, batches []store.Batch, rows *entryRows) ([]int64, error) {
	first := make([]int64, len(batches))
	for i, b := range batches {
		h := heads[containerKey{b.Account, b.Container}]
		if c := b.Condition; c != nil && (c.Index != h.tree.Len() || !bytes.Equal(c.Digest, h.tree.Digest())) {
			return nil, fmt.Errorf("%w: container %s holds %d entries, the update expected %d", store.ErrConflict, b.Container, h.tree.Len(), c.Index)
		}
		first[i] = h.tree.Len()
		for _, e := range b.Entries {
			rows.accounts = append(rows.accounts, b.Account)
			rows.containers = append(rows.containers, b.Container)
			rows.indexes = append(rows.indexes, h.tree.Len())
			rows.envelopes = append(rows.envelopes, e.Envelope)
			rows.ids = append(rows.ids, e.EnvelopeID)
			h.tree.Append(e.Envelope)
		}
	}
	return first, nil
}

// write inserts the entries, stores the heads that changed, queues one
// notification per changed container and sets *xid, in one round trip. It
// returns the changes to publish locally once committed.
func (s *Store) write(ctx context.Context, tx pgx.Tx, heads map[containerKey]*head, rows *entryRows, xid *string) ([]Change, error) {
	var accounts, containers, payloads []string
	var counts []int64
	var peaks, digests [][]byte
	var changes []Change
	for _, h := range heads {
		n, ps := h.tree.State()
		if n == h.before {
			continue
		}
		c := Change{Account: h.account, Container: h.container, Count: n}
		payload, err := s.payload(c)
		if err != nil {
			return nil, err
		}
		accounts, containers, counts = append(accounts, h.account), append(containers, h.container), append(counts, n)
		peaks, digests = append(peaks, bytes.Join(ps, nil)), append(digests, h.tree.Digest())
		payloads, changes = append(payloads, payload), append(changes, c)
	}
	if len(changes) == 0 {
		return nil, nil
	}
	var pb pgx.Batch
	pb.Queue(`INSERT INTO entries (profile_udf, container, idx, envelope, envelope_id)
		SELECT a, c, i, e, NULLIF(id, '') FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[], $5::text[]) AS u(a, c, i, e, id)`,
		rows.accounts, rows.containers, rows.indexes, rows.envelopes, rows.ids)
	pb.Queue(`UPDATE containers AS h SET count = u.n, peaks = u.p, digest = u.d
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bytea[], $5::bytea[]) AS u(a, c, n, p, d)
		WHERE h.profile_udf = u.a AND h.container = u.c`,
		accounts, containers, counts, peaks, digests)
	pb.Queue(`SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, s.channel, payloads)
	pb.Queue(xidQuery).QueryRow(func(row pgx.Row) error { return row.Scan(xid) })
	if err := tx.SendBatch(ctx, &pb).Close(); err != nil {
		return nil, err
	}
	return changes, nil
}
