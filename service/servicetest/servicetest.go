// Package servicetest starts a Mesh service in-process on a loopback port
// for tests of clients (STYLE.md rule 14): an embedded store in a temporary
// directory, the real HTTP handler and a typed client for it.
package servicetest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service"
	"github.com/mathmesh/mesh/service/store"
)

// Options configure Start. The zero value serves "example.com".
type Options struct {
	// Domains hosted; nil means {"example.com"}.
	Domains []string
	// DataDir to use; empty means a new t.TempDir(). Reusing a directory
	// after Close restarts the same service with the same data.
	DataDir string
	// Logger; nil discards the logs.
	Logger *slog.Logger
	// Now is the service's clock; nil means time.Now.
	Now func() time.Time
	// Peers maps a domain to the URL of its Mesh service, overriding DNS
	// discovery (service.Config.Peers).
	Peers map[string]string
}

// Server is a running service.
type Server struct {
	URL     string // endpoint, e.g. http://127.0.0.1:41234/.well-known/mmm/
	Dir     string // data directory
	Service *service.Service
	srv     *http.Server
	store   store.Store
}

// Start starts a service and stops it when the test ends.
func Start(t testing.TB, opts *Options) *Server {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	s := &Server{Dir: opts.DataDir}
	if s.Dir == "" {
		s.Dir = t.TempDir()
	}
	domains := opts.Domains
	if domains == nil {
		domains = []string{"example.com"}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st, err := store.Open(s.Dir, &store.Options{MaxBatchDelay: time.Millisecond})
	if err != nil {
		t.Fatalf("servicetest: %v", err)
	}
	s.store = st
	s.Service, err = service.New(&service.Config{DataDir: s.Dir, Store: st, Domains: domains, Logger: log, Now: opts.Now, Peers: opts.Peers})
	if err != nil {
		st.Close()
		t.Fatalf("servicetest: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		t.Fatalf("servicetest: %v", err)
	}
	s.URL = "http://" + ln.Addr().String() + protocol.WellKnownPath
	s.srv = &http.Server{Handler: s.Service.Handler(), ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes: protocol.MaxHeaderBytes}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("servicetest: serve: %v", err)
		}
	}()
	t.Cleanup(s.Close)
	return s
}

// Client returns a typed client of the server pinned to its UDF.
func (s *Server) Client(t testing.TB) *protocol.Client {
	t.Helper()
	c, err := protocol.NewClient(s.URL, &protocol.ClientOptions{ServiceUDF: s.Service.UDF()})
	if err != nil {
		t.Fatalf("servicetest: %v", err)
	}
	return c
}

// Close stops the server (draining requests) and closes its store. It is
// safe to call twice.
func (s *Server) Close() {
	if s.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	_ = s.store.Close()
	s.srv = nil
}
