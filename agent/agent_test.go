package agent

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mathmesh/mesh/agent/localclient"
	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/service"
	"github.com/mathmesh/mesh/service/store"
)

func testService(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := service.New(&service.Config{DataDir: dir, Store: st, Domains: []string{"example.com"},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return srv.URL + "/.well-known/mmm/"
}

func newClient(t *testing.T, dir, url string) *client.Client {
	t.Helper()
	h, err := client.OpenHome(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Config{Home: h, Env: url})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startAgent runs an agent for c until the test ends and returns its client.
func startAgent(t *testing.T, c *client.Client) *localclient.Client {
	t.Helper()
	run, err := os.MkdirTemp("", "ag")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(run) })
	sock := filepath.Join(run, "mesh", "agent.sock")
	a, err := New(Config{Client: c, Socket: sock, SyncInterval: 200 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("agent Run: %v", err)
		}
	})
	lc := localclient.New(sock)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := lc.Status(context.Background()); err == nil {
			return lc
		} else if time.Now().After(deadline) {
			t.Fatalf("agent did not come up: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTwoAgentsSeeChangeWithin2s: two agents on two homes of the same device
// and account (the client package has no second-device connection yet)
// against a real in-process mesh-service; a credential added through one home
// is in the other home's local catalog within 2 s, fetched by its agent.
func TestTwoAgentsSeeChangeWithin2s(t *testing.T) {
	ctx := context.Background()
	url := testService(t)
	homeA := filepath.Join(t.TempDir(), "a")
	ca := newClient(t, homeA, url)
	if _, err := ca.CreateAccount(ctx, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	homeB := filepath.Join(t.TempDir(), "b")
	if out, err := exec.Command("cp", "-a", homeA, homeB).CombinedOutput(); err != nil {
		t.Fatalf("copy home: %v %s", err, out)
	}
	cb := newClient(t, homeB, url)
	startAgent(t, ca)
	lb := startAgent(t, cb)

	acct, err := ca.Open("")
	if err != nil {
		t.Fatal(err)
	}
	_, err = acct.Put(ctx, profile.StoreCredential, &catalog.CatalogedCredential{Service: "ftp.example.com", Username: "alice1", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	written := time.Now()
	for {
		if seen(t, cb) {
			break
		}
		if time.Since(written) > 2*time.Second {
			t.Fatal("the change was not visible on the second home within 2s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("change visible after %v", time.Since(written))
	st, err := lb.Status(ctx)
	if err != nil || len(st.Accounts) != 1 || st.Accounts[0].Entries < 1 || st.Accounts[0].LastError != "" {
		t.Fatalf("agent B status %+v, %v", st.Accounts, err)
	}
}

func seen(t *testing.T, c *client.Client) bool {
	t.Helper()
	a, err := c.Open("")
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Catalog(context.Background(), profile.StoreCredential, false)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	_, err = client.Lookup(v.Catalog, "ftp.example.com", func(e catalog.Entry) bool {
		return e.(*catalog.CatalogedCredential).Service == "ftp.example.com"
	})
	return err == nil
}
