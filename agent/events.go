package agent

import (
	"context"
	"slices"
	"sync"

	"github.com/mathmesh/mesh/sdk"
)

// eventQueue is how many events a slow watcher may fall behind before the
// agent ends its stream (the plugin reopens it and refreshes everything).
const eventQueue = 64

// eventHub fans catalog and agent events out to the plugins' Catalog.Watch
// streams (plugins.md section 2.3, section 3 item 6).
type eventHub struct {
	mu      sync.Mutex
	subs    map[*subscriber]struct{}
	revoked bool // every account's device is revoked: new watchers hear it at once
}

type subscriber struct {
	plugin string
	req    sdk.WatchRequest
	ch     chan sdk.Event
	lost   chan struct{} // closed when the queue overflowed
}

func newEventHub() *eventHub { return &eventHub{subs: map[*subscriber]struct{}{}} }

// wants reports whether the watch request selects ev. Agent-wide events
// (revocation, policy, lock) reach every watcher; entry events only those
// whose request names the catalog (the backend resolves "every catalog" to
// the ones the plugin may read).
func (s *subscriber) wants(ev sdk.Event) bool {
	switch ev.Kind {
	case sdk.EventNew, sdk.EventUpdate, sdk.EventDelete:
	default:
		return true
	}
	if !slices.Contains(s.req.Catalogs, ev.Entry.Catalog) {
		return false
	}
	return len(s.req.Types) == 0 || slices.Contains(s.req.Types, ev.Entry.Type)
}

// publish queues ev for every watcher that selects it; a watcher whose
// queue is full loses its stream instead of blocking the agent.
func (h *eventHub) publish(ev sdk.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ev.Kind == sdk.EventDeviceRevoked {
		h.revoked = true
	}
	for s := range h.subs {
		if !s.wants(ev) {
			continue
		}
		select {
		case s.ch <- ev:
		default:
			delete(h.subs, s)
			close(s.lost)
		}
	}
}

// watch serves one Watch stream of plugin until ctx ends, send fails or
// the watcher falls too far behind.
func (h *eventHub) watch(ctx context.Context, plugin string, req sdk.WatchRequest, send func(sdk.Event) error) error {
	s := &subscriber{plugin: plugin, req: req, ch: make(chan sdk.Event, eventQueue), lost: make(chan struct{})}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	if h.revoked {
		s.ch <- sdk.Event{Kind: sdk.EventDeviceRevoked}
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.lost:
			return sdk.NewError(sdk.ErrUnavailable, "agent: the watcher fell behind; reopen the stream")
		case ev := <-s.ch:
			if err := send(ev); err != nil {
				return err
			}
		}
	}
}
