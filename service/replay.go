package service

import (
	"sync"
	"time"
)

// replayCache remembers the nonce of every authenticated request until its
// timestamp leaves the accepted window, so that a replayed request is
// refused (docs/protocol.md §3.3). It is sharded to keep lock contention
// low, and bounded: when full it refuses new requests rather than forget a
// nonce that could still be replayed.
type replayCache struct {
	shards [64]replayShard
	max    int // per shard
}

type replayShard struct {
	mu     sync.Mutex
	seen   map[[16]byte]int64 // nonce -> Unix second after which it may be forgotten
	nextGC int64
}

func newReplayCache(total int) *replayCache {
	c := &replayCache{max: total / 64}
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
	s := &c.shards[nonce[0]&63]
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
