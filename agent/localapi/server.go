package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
)

// Backend is what the agent gives the local API.
type Backend interface {
	Status(ctx context.Context) (Status, error)
	SyncNow(ctx context.Context) (SyncResult, error)
	// Shutdown asks the agent to stop; it returns at once.
	Shutdown()
}

// Server serves the local API on a listener made by Listen.
type Server struct {
	backend Backend
	logger  *slog.Logger
	srv     *http.Server
	// checkPeer decides who may connect; the default accepts only this uid.
	checkPeer func(Cred) error
}

// NewServer returns a server for backend.
func NewServer(backend Backend, logger *slog.Logger) *Server {
	s := &Server{backend: backend, logger: logger, checkPeer: sameUser}
	s.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: ReadHeaderTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ConnContext:       connContext,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
	return s
}

// Serve serves l until Shutdown; it returns nil after a clean shutdown.
func (s *Server) Serve(l *net.UnixListener) error {
	pl := &peerListener{UnixListener: l, check: s.checkPeer, reject: func(c Cred, err error) {
		s.logger.Warn("local API connection refused", "uid", c.UID, "pid", c.PID, "error", err)
	}}
	err := s.srv.Serve(pl)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting and waits for requests in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Handler is the API with its browser defences, without the listener.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathStatus, s.status)
	mux.HandleFunc("POST "+PathSync, s.sync)
	mux.HandleFunc("POST "+PathShutdown, s.shutdown)
	return guard(mux)
}

// CheckRequest refuses requests that a browser could have made or that are
// too large. It returns the HTTP status and the reason, or 0.
func CheckRequest(r *http.Request) (int, string) {
	for _, h := range []string{"Origin", "Referer", "Sec-Fetch-Site", "Sec-Fetch-Mode"} {
		if r.Header.Get(h) != "" {
			return http.StatusForbidden, "localapi: request with a " + h + " header refused (browser-originated)"
		}
	}
	if !strings.EqualFold(r.Host, Host) {
		return http.StatusForbidden, fmt.Sprintf("localapi: request for host %q refused, want %q", r.Host, Host)
	}
	if r.ContentLength > MaxRequestBytes {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("localapi: request body of %d bytes, limit %d", r.ContentLength, MaxRequestBytes)
	}
	return 0, ""
}

func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if code, why := CheckRequest(r); code != 0 {
			writeError(w, code, why)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBytes)
		// Every endpoint takes an empty or tiny JSON body: read it whole so an
		// oversized chunked body is refused too.
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("localapi: request body over %d bytes", MaxRequestBytes))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(ErrorBody{Error: msg})
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	st, err := s.backend.Status(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, st)
}

func (s *Server) sync(w http.ResponseWriter, r *http.Request) {
	res, err := s.backend.SyncNow(r.Context())
	if err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	writeJSON(w, res)
}

func (s *Server) shutdown(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, struct{}{})
	s.backend.Shutdown()
}
