package localapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type fakeBackend struct{ shutdowns atomic.Int32 }

func (b *fakeBackend) Status(context.Context) (Status, error) { return Status{PID: 42}, nil }
func (b *fakeBackend) SyncNow(context.Context) (SyncResult, error) {
	return SyncResult{Accounts: []AccountStatus{{Address: "alice@example.com"}}}, nil
}
func (b *fakeBackend) Shutdown() { b.shutdowns.Add(1) }

func shortDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "la")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func TestListenModesAndStaleSocket(t *testing.T) {
	dir := filepath.Join(shortDir(t), "run")
	path := filepath.Join(dir, "agent.sock")
	// A stale socket: bound, then its owner gone without unlinking.
	if _, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"}); err == nil {
		t.Fatal("listen in a missing directory should fail")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	stale.SetUnlinkOnClose(false)
	stale.Close()

	l, err := Listen(path, true)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	defer l.Close()
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %04o, want 0700", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %04o, want 0600", fi.Mode().Perm())
	}
	if _, err := Listen(path, true); !errors.Is(err, ErrAgentRunning) {
		t.Errorf("second Listen on a live socket: %v, want ErrAgentRunning", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(filepath.Join(dir, "file"), true); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("Listen over a regular file: %v", err)
	}
	if _, err := Listen("/"+strings.Repeat("x", 120), true); err == nil {
		t.Error("Listen on a path over 107 bytes succeeded")
	}
}

func TestCheckPeer(t *testing.T) {
	uid := os.Getuid()
	if err := CheckPeer(Cred{UID: uint32(uid), PID: 1}, uid); err != nil {
		t.Errorf("same uid refused: %v", err)
	}
	if err := CheckPeer(Cred{UID: uint32(uid) + 1, PID: 1}, uid); !errors.Is(err, ErrForeignPeer) {
		t.Errorf("other uid: %v, want ErrForeignPeer", err)
	}
}

// serve starts the API on a real socket and returns a client for it.
func serve(t *testing.T, check func(Cred) error) (*http.Client, *fakeBackend) {
	t.Helper()
	path := filepath.Join(shortDir(t), "agent.sock")
	l, err := Listen(path, true)
	if err != nil {
		t.Fatal(err)
	}
	b := &fakeBackend{}
	s := NewServer(b, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if check != nil {
		s.checkPeer = check
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s.Shutdown(ctx)
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", path)
	}}, Timeout: 5 * time.Second}
	t.Cleanup(c.CloseIdleConnections)
	return c, b
}

func TestRealPeerAccepted(t *testing.T) {
	c, _ := serve(t, nil)
	resp, err := c.Get("http://" + Host + PathStatus)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("status %s, CSP %q", resp.Status, resp.Header.Get("Content-Security-Policy"))
	}
}

func TestForeignPeerClosed(t *testing.T) {
	var seen atomic.Value
	c, _ := serve(t, func(cr Cred) error {
		seen.Store(cr)
		return CheckPeer(Cred{UID: cr.UID + 1, PID: cr.PID}, int(cr.UID)) // as if the peer had another uid
	})
	_, err := c.Get("http://" + Host + PathStatus)
	if err == nil {
		t.Fatal("request from a foreign uid got an answer")
	}
	if cr, ok := seen.Load().(Cred); !ok || cr.PID != int32(os.Getpid()) || int(cr.UID) != os.Getuid() {
		t.Fatalf("peer credential %+v, want this process", seen.Load())
	}
}

func TestBrowserRequestsRefused(t *testing.T) {
	s := NewServer(&fakeBackend{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h := s.Handler()
	cases := []struct {
		name   string
		mutate func(*http.Request)
		want   int
	}{
		{"plain", func(*http.Request) {}, 200},
		{"origin", func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") }, 403},
		{"referer", func(r *http.Request) { r.Header.Set("Referer", "https://evil.example/") }, 403},
		{"sec-fetch-site", func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }, 403},
		{"foreign host", func(r *http.Request) { r.Host = "evil.example" }, 403},
		{"localhost", func(r *http.Request) { r.Host = "localhost" }, 403},
		{"oversized declared", func(r *http.Request) { r.ContentLength = MaxRequestBytes + 1 }, 413},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://"+Host+PathSync, nil)
			c.mutate(r)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d (%s)", w.Code, c.want, w.Body)
			}
		})
	}
	t.Run("oversized chunked", func(t *testing.T) {
		r := httptest.NewRequest("POST", "http://"+Host+PathSync, io.LimitReader(zeros{}, MaxRequestBytes+1))
		r.ContentLength = -1
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 413 {
			t.Fatalf("status %d, want 413", w.Code)
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestOversizedHeadersOverSocket(t *testing.T) {
	c, b := serve(t, nil)
	req, _ := http.NewRequest("POST", "http://"+Host+PathShutdown, nil)
	req.Header.Set("X-Big", strings.Repeat("a", 2*MaxHeaderBytes+4096))
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("oversized headers: %s", resp.Status)
		}
	}
	if b.shutdowns.Load() != 0 {
		t.Fatal("oversized request reached the backend")
	}
	resp, err = c.Post("http://"+Host+PathShutdown, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if b.shutdowns.Load() != 1 {
		t.Fatal("shutdown did not reach the backend")
	}
}
