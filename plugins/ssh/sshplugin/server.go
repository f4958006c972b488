package sshplugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh/agent"
)

// Server serves the ssh-agent protocol on an endpoint listener for one
// Backend. Connections share the key cache; each has its own key channel.
type Server struct {
	backend Backend
	cache   *keyCache
	log     *slog.Logger
	clock   func() time.Time
	// peerOf identifies the process behind a connection (SO_PEERCRED);
	// tests replace it for in-memory connections.
	peerOf func(net.Conn) (Peer, error)

	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	conns  map[io.Closer]*connAgent
	closed bool
	wg     sync.WaitGroup
	served atomic.Int64
	errs   atomic.Int64
}

// Options configure a Server; the zero value is usable.
type Options struct {
	// Logger receives one record per refused request or connection; nil
	// discards them.
	Logger *slog.Logger
	// Now is the clock for key lifetimes; nil means time.Now.
	Now func() time.Time
}

// NewServer returns a Server for b.
func NewServer(b Backend, opts Options) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		backend: b, cache: newKeyCache(b), log: opts.Logger, clock: opts.Now,
		peerOf: peerCredentials, ctx: ctx, cancel: cancel,
		conns: map[io.Closer]*connAgent{},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	return s
}

// Serve accepts connections on l until l is closed or Close is called.
// Each connection is checked with SO_PEERCRED: a peer of another uid is
// closed at once (plugins.md §1). More than MaxConnections at a time are
// closed at accept.
func (s *Server) Serve(l net.Listener) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if s.isClosed() || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return fmt.Errorf("sshplugin: accepting on the ssh-agent endpoint: %w", err)
		}
		peer, err := s.peerOf(c)
		if err != nil {
			s.logf("accept", err)
			c.Close()
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.ServeConn(c, peer); err != nil {
				s.logf("connection", err)
			}
		}()
	}
}

// ServeConn serves one client connection until it closes. It returns nil
// when the client hung up, else the reason the connection was dropped
// (an oversized or empty request, a read error).
func (s *Server) ServeConn(c io.ReadWriteCloser, peer Peer) error {
	a, err := s.track(c, peer)
	if err != nil {
		c.Close()
		return err
	}
	defer s.untrack(c)
	err = agent.ServeAgent(a, newFrameConn(c))
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || s.isClosed() {
		return nil
	}
	return err
}

func (s *Server) track(c io.Closer, peer Peer) (*connAgent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("sshplugin: the server is closed")
	}
	if len(s.conns) >= MaxConnections {
		return nil, fmt.Errorf("sshplugin: %d client connections open, limit %d: connection from pid %d refused", len(s.conns), MaxConnections, peer.PID)
	}
	a := newConnAgent(s.ctx, s, peer)
	s.conns[c] = a
	s.served.Add(1)
	return a, nil
}

func (s *Server) untrack(c io.Closer) {
	s.mu.Lock()
	a := s.conns[c]
	delete(s.conns, c)
	s.mu.Unlock()
	if a != nil {
		a.close()
	}
	c.Close()
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Invalidate makes the next request ask mesh-agent for the keys and known
// hosts again: called on catalog, policy and provisioning changes.
func (s *Server) Invalidate() { s.cache.invalidate() }

// Revoke stops serving keys for good: the device was revoked (plugins.md
// §3 item 6). Open key channels are closed; identity lists are empty.
func (s *Server) Revoke() {
	s.cache.revoke()
	s.mu.Lock()
	agents := make([]*connAgent, 0, len(s.conns))
	for _, a := range s.conns {
		agents = append(agents, a)
	}
	s.mu.Unlock()
	for _, a := range agents {
		a.dropChannel()
	}
}

// Stats are counters for Health.
type Stats struct {
	Open, Served, Errors int64
	Revoked              bool
}

// Stats returns the current counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	open := int64(len(s.conns))
	s.mu.Unlock()
	return Stats{Open: open, Served: s.served.Load(), Errors: s.errs.Load(), Revoked: s.cache.revoked.Load()}
}

// Close closes every connection and waits for their goroutines. The
// listener belongs to the caller (it is mesh-agent's, inherited).
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	conns := make([]io.Closer, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	s.cancel()
	for _, c := range conns {
		c.Close()
	}
	s.wg.Wait()
	return nil
}

// logf records a refused request.
func (s *Server) logf(op string, err error) {
	s.errs.Add(1)
	s.log.Debug("ssh-agent request refused", "op", op, "err", err)
}
