package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Change tells a node that the shared database changed.
//
//   - Account and Container set: entries were appended to the container,
//     which now holds Count entries.
//   - Account set, Container empty: the account was deleted.
//   - Account empty: anything may have changed (the listener lost its
//     connection, so notifications may have been missed): drop every
//     cached view of the store.
type Change struct {
	Account   string
	Container string
	Count     int64
}

// notice is the NOTIFY payload (JSON, at most maxPayload bytes).
type notice struct {
	Node      string `json:"n"`
	Account   string `json:"a"`
	Container string `json:"c,omitempty"`
	Count     int64  `json:"i,omitempty"`
}

func (s *Store) payload(c Change) (string, error) {
	b, err := json.Marshal(notice{Node: s.node, Account: c.Account, Container: c.Container, Count: c.Count})
	if err != nil {
		return "", fmt.Errorf("postgres: notification: %w", err)
	}
	if len(b) > maxPayload {
		return "", fmt.Errorf("postgres: notification of %d bytes, limit %d", len(b), maxPayload)
	}
	return string(b), nil
}

// Subscribe calls fn for every Change: the changes made through this Store
// as soon as they commit, and those made by other nodes when their
// notification arrives. fn must return quickly and must not call back into
// Subscribe or cancel. The returned function stops the calls.
func (s *Store) Subscribe(fn func(Change)) (cancel func()) { return s.subs.add(fn) }

type subscribers struct {
	mu   sync.Mutex
	next int
	fns  map[int]func(Change)
}

func (ss *subscribers) add(fn func(Change)) func() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.fns == nil {
		ss.fns = make(map[int]func(Change))
	}
	id := ss.next
	ss.next++
	ss.fns[id] = fn
	return func() {
		ss.mu.Lock()
		defer ss.mu.Unlock()
		delete(ss.fns, id)
	}
}

func (ss *subscribers) publish(changes ...Change) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, c := range changes {
		for _, fn := range ss.fns {
			fn(c)
		}
	}
}

// listener holds one connection outside the pool that LISTENs on the
// store's channel, and reconnects (publishing a Change with no Account,
// since notifications may have been missed meanwhile) when it breaks.
type listener struct {
	s      *Store
	cfg    *pgx.ConnConfig
	ctx    context.Context
	cancel context.CancelFunc
	ready  chan error // the first LISTEN's outcome
	done   chan struct{}
}

func startListener(s *Store, cfg *pgx.ConnConfig) *listener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &listener{s: s, cfg: cfg, ctx: ctx, cancel: cancel, ready: make(chan error, 1), done: make(chan struct{})}
	go l.run()
	return l
}

func (l *listener) waitReady(ctx context.Context) error {
	t := time.NewTimer(listenTimeout)
	defer t.Stop()
	select {
	case err := <-l.ready:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("postgres: no LISTEN connection within %v", listenTimeout)
	}
}

func (l *listener) stop() {
	l.cancel()
	<-l.done
}

func (l *listener) run() {
	defer close(l.done)
	backoff, first := firstBackoff, true
	for {
		err := l.session(&first)
		if l.ctx.Err() != nil {
			return
		}
		if first {
			l.ready <- fmt.Errorf("postgres: LISTEN: %w", err)
			return
		}
		l.s.log.Warn("postgres: notification listener disconnected; reconnecting", "err", err)
		if sleep(l.ctx, backoff) != nil {
			return
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// session connects, listens and dispatches notifications until the
// connection fails or the listener stops. *first is true until the first
// LISTEN succeeds, which is reported to waitReady.
func (l *listener) session(first *bool) error {
	conn, err := pgx.ConnectConfig(l.ctx, l.cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(l.ctx))
	if _, err := conn.Exec(l.ctx, "LISTEN "+pgx.Identifier{l.s.channel}.Sanitize()); err != nil {
		return err
	}
	if *first {
		*first = false
		l.ready <- nil
	} else {
		l.s.subs.publish(Change{}) // notifications may have been missed
	}
	for {
		n, err := conn.WaitForNotification(l.ctx)
		if err != nil {
			return err
		}
		var m notice
		if len(n.Payload) > maxPayload || json.Unmarshal([]byte(n.Payload), &m) != nil || m.Account == "" {
			l.s.log.Warn("postgres: malformed notification ignored", "channel", n.Channel, "bytes", len(n.Payload))
			continue
		}
		if m.Node == l.s.node {
			continue // published locally at commit
		}
		l.s.subs.publish(Change{Account: m.Account, Container: m.Container, Count: m.Count})
	}
}
