package service

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
)

func newTestService(t *testing.T) (*Service, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, err := New(&Config{DataDir: dir, Store: st, Domains: []string{"example.com"},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv
}

func (c *lru[K, V]) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// TestCredentialCachedAfterMAC: finding 7 of the security review. A request
// whose MAC does not verify does not take a slot in the credential cache; a
// request whose MAC verifies does.
func TestCredentialCachedAfterMAC(t *testing.T) {
	s, srv := newTestService(t)
	for i := 0; i < 20; i++ {
		k, err := keys.Generate(s.id.auth.Algorithm(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		nonce := make([]byte, protocol.NonceSize)
		if _, err := rand.Read(nonce); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+protocol.WellKnownPath, strings.NewReader(`{"Status":{}}`))
		req.Header.Set(protocol.HeaderCredentialKind, string(protocol.CredentialAccount))
		req.Header.Set(protocol.HeaderCredential, b64.EncodeToString(k.Public().Bytes()))
		req.Header.Set(protocol.HeaderAccount, "nobody@example.com")
		req.Header.Set(protocol.HeaderDate, strconv.FormatInt(time.Now().Unix(), 10))
		req.Header.Set(protocol.HeaderNonce, b64.EncodeToString(nonce))
		req.Header.Set(protocol.HeaderMAC, b64.EncodeToString(make([]byte, protocol.KeySize)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad MAC: HTTP %d, want 401", resp.StatusCode)
		}
	}
	if n := s.creds.size(); n != 0 {
		t.Errorf("%d credentials cached after requests whose MAC did not verify, want 0", n)
	}
	k, err := keys.Generate(s.id.auth.Algorithm(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := protocol.NewAccountCredential("nobody@example.com", k.(keys.Agreer))
	if err != nil {
		t.Fatal(err)
	}
	c, err := protocol.NewClient(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Status(context.Background(), cred, &protocol.StatusRequest{}); err == nil {
		t.Fatal("Status of a missing account succeeded")
	}
	if n := s.creds.size(); n != 1 {
		t.Errorf("%d credentials cached after one authenticated request, want 1", n)
	}
}

// TestReplayShardKeyed: nonces chosen to share a first byte still spread
// over the shards (finding 7: the shard is a keyed hash of the nonce).
func TestReplayShardKeyed(t *testing.T) {
	c := newReplayCache(64 * 64) // 64 nonces per shard
	now := time.Now()
	for i := 0; i < 65; i++ {
		var n [16]byte
		n[15] = byte(i)
		if r := c.check(n, now.Unix()+60, now); r != replayFresh {
			t.Fatalf("nonce %d: result %d, want fresh (a shard holds 64: the nonces all went to one shard)", i, r)
		}
	}
}
