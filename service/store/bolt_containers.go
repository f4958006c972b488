package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/mathmesh/mesh/protocol"
	bolt "go.etcd.io/bbolt"
)

func indexKey(i int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(i)) }

func checkBatches(batches []Batch) error {
	total := 0
	for i, b := range batches {
		if err := protocol.CheckContainerName(b.Container); err != nil {
			return fmt.Errorf("store: batch %d: %w", i, err)
		}
		if b.Account == "" || len(b.Account) > MaxNameLength {
			return fmt.Errorf("store: batch %d: account must be 1 to %d bytes", i, MaxNameLength)
		}
		for j, e := range b.Entries {
			if len(e.Envelope) == 0 || len(e.Envelope) > MaxEnvelopeSize {
				return fmt.Errorf("store: batch %d entry %d: envelope must be 1 to %d bytes, got %d", i, j, MaxEnvelopeSize, len(e.Envelope))
			}
			if len(e.EnvelopeID) > MaxEnvelopeIDLength {
				return fmt.Errorf("store: batch %d entry %d: EnvelopeID of %d bytes, limit %d", i, j, len(e.EnvelopeID), MaxEnvelopeIDLength)
			}
		}
		total += len(b.Entries)
	}
	if total > MaxEntriesPerAppend {
		return fmt.Errorf("store: %d entries in one append, limit %d", total, MaxEntriesPerAppend)
	}
	return nil
}

// Append implements Containers. Concurrent calls are committed together
// (bolt.DB.Batch: one transaction and one fsync for the group); a call that
// fails is rolled back and retried alone, so its failure never affects the
// others.
func (s *Embedded) Append(ctx context.Context, batches []Batch) ([]int64, error) {
	if err := checkBatches(batches); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var first []int64
	err := s.db.Batch(func(tx *bolt.Tx) error {
		var err error
		first, err = appendTx(tx, batches)
		return err
	})
	if err != nil {
		return nil, mapClosed(err)
	}
	return first, nil
}

type openContainer struct {
	states, entries, ids *bolt.Bucket
	state                *containerState
}

func appendTx(tx *bolt.Tx, batches []Batch) ([]int64, error) {
	first := make([]int64, len(batches))
	open := make(map[[2]string]*openContainer)
	for i, b := range batches {
		c, err := openForAppend(tx, open, b.Account, b.Container)
		if err != nil {
			return nil, err
		}
		if err := checkCondition(c.state, b); err != nil {
			return nil, err
		}
		first[i] = c.state.tree.Len()
		for _, e := range b.Entries {
			idx := c.state.tree.Len()
			if err := c.entries.Put(indexKey(idx), e.Envelope); err != nil {
				return nil, err
			}
			if e.EnvelopeID != "" {
				if err := c.ids.Put([]byte(e.EnvelopeID), indexKey(idx)); err != nil {
					return nil, err
				}
			}
			c.state.tree.Append(e.Envelope)
		}
	}
	for key, c := range open {
		c.state.digest = c.state.tree.Digest()
		if c.state.tree.Len() == 0 {
			continue
		}
		if err := c.states.Put([]byte(key[1]), c.state.encode()); err != nil {
			return nil, err
		}
	}
	return first, nil
}

func openForAppend(tx *bolt.Tx, open map[[2]string]*openContainer, account, container string) (*openContainer, error) {
	key := [2]string{account, container}
	if c, ok := open[key]; ok {
		return c, nil
	}
	ab := accountBucket(tx, account)
	if ab == nil {
		return nil, fmt.Errorf("%w: account %q", ErrNotFound, account)
	}
	c := &openContainer{}
	var err error
	if c.states, err = ab.CreateBucketIfNotExists(bucketStates); err != nil {
		return nil, err
	}
	if c.entries, err = nestedBucket(ab, bucketEntries, container); err != nil {
		return nil, err
	}
	c.entries.FillPercent = 0.95 // keys only ever grow
	if c.ids, err = nestedBucket(ab, bucketIDs, container); err != nil {
		return nil, err
	}
	if c.state, err = loadState(c.states, container); err != nil {
		return nil, err
	}
	open[key] = c
	return c, nil
}

func nestedBucket(ab *bolt.Bucket, kind []byte, container string) (*bolt.Bucket, error) {
	parent, err := ab.CreateBucketIfNotExists(kind)
	if err != nil {
		return nil, err
	}
	return parent.CreateBucketIfNotExists([]byte(container))
}

func loadState(states *bolt.Bucket, container string) (*containerState, error) {
	data := states.Get([]byte(container))
	if data == nil {
		return &containerState{tree: &protocol.ContainerTree{}}, nil
	}
	st, err := decodeContainerState(data)
	if err != nil {
		return nil, fmt.Errorf("store: container %s: %w", container, err)
	}
	return st, nil
}

func checkCondition(st *containerState, b Batch) error {
	c := b.Condition
	if c == nil {
		return nil
	}
	if c.Index != st.tree.Len() || !bytes.Equal(c.Digest, st.tree.Digest()) {
		return fmt.Errorf("%w: container %s holds %d entries, the update expected %d", ErrConflict, b.Container, st.tree.Len(), c.Index)
	}
	return nil
}

// Read implements Containers.
func (s *Embedded) Read(ctx context.Context, account, container string, from int64, maxEntries int, maxBytes int64) ([][]byte, error) {
	if from < 0 {
		return nil, fmt.Errorf("store: read from negative index %d", from)
	}
	var out [][]byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ab := accountBucket(tx, account)
		if ab == nil {
			return fmt.Errorf("%w: account %q", ErrNotFound, account)
		}
		eb := ab.Bucket(bucketEntries)
		if eb == nil || eb.Bucket([]byte(container)) == nil {
			return nil
		}
		cur := eb.Bucket([]byte(container)).Cursor()
		var size int64
		for k, v := cur.Seek(indexKey(from)); k != nil && len(out) < maxEntries; k, v = cur.Next() {
			if len(out) > 0 && size+int64(len(v)) > maxBytes {
				break
			}
			size += int64(len(v))
			out = append(out, bytes.Clone(v))
		}
		return nil
	})
	return out, err
}

// Status implements Containers.
func (s *Embedded) Status(ctx context.Context, account string) ([]protocol.ContainerStatus, error) {
	var out []protocol.ContainerStatus
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ab := accountBucket(tx, account)
		if ab == nil {
			return fmt.Errorf("%w: account %q", ErrNotFound, account)
		}
		sb := ab.Bucket(bucketStates)
		if sb == nil {
			return nil
		}
		return sb.ForEach(func(k, v []byte) error {
			st, err := decodeContainerState(v)
			if err != nil {
				return fmt.Errorf("store: container %s: %w", k, err)
			}
			out = append(out, protocol.ContainerStatus{Container: string(k), Index: st.tree.Len(), Digest: st.digest})
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Container < out[j].Container })
	return out, err
}

// Find implements Containers.
func (s *Embedded) Find(ctx context.Context, account, container, envelopeID string) ([]byte, int64, error) {
	var env []byte
	var idx int64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		notFound := fmt.Errorf("%w: %s has no entry %q", ErrNotFound, container, envelopeID)
		ab := accountBucket(tx, account)
		if ab == nil {
			return fmt.Errorf("%w: account %q", ErrNotFound, account)
		}
		ib, eb := ab.Bucket(bucketIDs), ab.Bucket(bucketEntries)
		if ib == nil || ib.Bucket([]byte(container)) == nil || eb == nil || eb.Bucket([]byte(container)) == nil {
			return notFound
		}
		k := ib.Bucket([]byte(container)).Get([]byte(envelopeID))
		if len(k) != 8 {
			return notFound
		}
		v := eb.Bucket([]byte(container)).Get(k)
		if v == nil {
			return fmt.Errorf("store: index of %q names missing entry in %s", envelopeID, container)
		}
		env, idx = bytes.Clone(v), int64(binary.BigEndian.Uint64(k))
		return nil
	})
	return env, idx, err
}
