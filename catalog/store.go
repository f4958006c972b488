package catalog

import (
	"fmt"
	"sync"
)

// Store persists the envelopes of one catalog or spool, in order. Entries
// are numbered from 1 (the index of an envelope is its frame index in a
// DARE sequence, whose frame 0 is the sequence header). A store must mirror
// the service's container exactly: append only envelopes the service
// acknowledged or sent, in its order, so that ContentMeta.Previous indexes
// mean the same on every device.
type Store interface {
	// Append stores envelopes durably after the existing ones and returns
	// the index of the first.
	Append(envelopes ...[]byte) (first int64, err error)
	// Read returns up to max envelopes starting at index from (1-based).
	// It returns fewer (none) at the end.
	Read(from int64, max int) ([][]byte, error)
	// Count returns the number of envelopes, which is also the index of
	// the last one.
	Count() int64
}

// MemoryStore is a Store held in memory, for tests and for objects that
// are replayed from downloaded envelopes without a local copy.
type MemoryStore struct {
	mu   sync.RWMutex
	envs [][]byte
}

// Append stores copies of envelopes.
func (m *MemoryStore) Append(envelopes ...[]byte) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if int64(len(m.envs)+len(envelopes)) > MaxEntries {
		return 0, fmt.Errorf("catalog: store would hold more than %d envelopes", MaxEntries)
	}
	first := int64(len(m.envs)) + 1
	for i, e := range envelopes {
		if len(e) > MaxEnvelopeSize {
			return 0, fmt.Errorf("catalog: envelope %d of %d bytes exceeds the limit of %d", i, len(e), MaxEnvelopeSize)
		}
	}
	for _, e := range envelopes {
		m.envs = append(m.envs, append([]byte(nil), e...))
	}
	return first, nil
}

// Read returns copies of up to max envelopes from index from.
func (m *MemoryStore) Read(from int64, max int) ([][]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if from < 1 {
		return nil, fmt.Errorf("catalog: read from index %d, indexes start at 1", from)
	}
	var out [][]byte
	for i := from - 1; i < int64(len(m.envs)) && len(out) < max; i++ {
		out = append(out, append([]byte(nil), m.envs[i]...))
	}
	return out, nil
}

// Count returns the number of envelopes.
func (m *MemoryStore) Count() int64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return int64(len(m.envs))
}
