package service

import (
	"hash/maphash"
	"sync"
	"time"
)

// replayCache remembers the nonce of every authenticated request until its
// timestamp leaves the accepted window, so that a replayed request is
// refused (docs/protocol.md §3.3). It is sharded to keep lock contention
// low, and bounded: when full it refuses new requests rather than forget a
// nonce that could still be replayed. The shard is chosen by a hash keyed
// with a per-process random seed, so that a client cannot aim its nonces at
// one shard and fill it (the nonce is the client's choice).
type replayCache struct {
	shards [64]replayShard
	max    int // per shard
	seed   maphash.Seed
}

type replayShard struct {
	mu     sync.Mutex
	seen   map[[16]byte]int64 // nonce -> Unix second after which it may be forgotten
	nextGC int64
}

func newReplayCache(total int) *replayCache {
	c := &replayCache{max: total / 64, seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].seen = make(map[[16]byte]int64)
	}
	return c
}

// replayResult is the outcome of check.
type replayResult int

const (
	replayFresh replayResult = iota
	replaySeen
	replayFull
)

// check records nonce, which expires at expiry (Unix seconds), and reports
// whether it was already there.
func (c *replayCache) check(nonce [16]byte, expiry int64, now time.Time) replayResult {
	s := &c.shards[maphash.Bytes(c.seed, nonce[:])&63]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[nonce]; ok {
		return replaySeen
	}
	t := now.Unix()
	if len(s.seen) >= c.max || t >= s.nextGC {
		for n, exp := range s.seen {
			if exp < t {
				delete(s.seen, n)
			}
		}
		s.nextGC = t + 10
		if len(s.seen) >= c.max {
			return replayFull
		}
	}
	s.seen[nonce] = expiry
	return replayFresh
}
