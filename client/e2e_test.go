package client

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/service"
	"github.com/mathmesh/mesh/service/store"
)

// testService starts a real Mesh service (package service on the embedded
// store) on a loopback port for the end-to-end tests.
func testService(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := service.New(&service.Config{
		DataDir: dir, Store: st, Domains: []string{"example.com"},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return srv.URL + "/.well-known/mmm/"
}

func testClient(t testing.TB, url string) *Client {
	t.Helper()
	h, err := OpenHome(filepath.Join(t.TempDir(), "mesh"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Home: h, Env: url})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAccountLifecycle runs F1, F3 and F0 against a real service: create,
// add and read passwords, sync, then delete.
func TestAccountLifecycle(t *testing.T) {
	ctx := context.Background()
	url := testService(t)
	c := testClient(t, url)

	res, err := c.CreateAccount(ctx, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Account, "M") || !res.Default {
		t.Errorf("create result %+v", res)
	}
	// The name is now taken, for this machine and at the service.
	if _, err := c.CreateAccount(ctx, "alice@example.com"); err == nil {
		t.Error("second create on the same machine succeeded")
	}
	other := testClient(t, url)
	if _, err := other.CreateAccount(ctx, "Alice@example.com"); !errors.Is(err, ErrAccountTaken) {
		t.Errorf("create of a taken name: %v, want ErrAccountTaken", err)
	}
	if list, err := other.Accounts(); err != nil || len(list) != 0 {
		t.Errorf("a refused create left %d accounts (%v)", len(list), err)
	}

	a, err := c.Open("")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*catalog.CatalogedCredential{
		{Service: "ftp.example.com", Username: "alice1", Password: "password"},
		{Service: "www.example.com", Username: "alice@example.com", Password: "newpassword"},
	} {
		if replaced, err := a.Put(ctx, profile.StoreCredential, e); err != nil || replaced {
			t.Fatalf("Put %s: replaced=%v, %v", e.Service, replaced, err)
		}
	}
	v, err := a.Catalog(ctx, profile.StoreCredential, true)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Lookup(v.Catalog, "ftp.example.com", func(e catalog.Entry) bool {
		return e.(*catalog.CatalogedCredential).Service == "ftp.example.com"
	})
	v.Close()
	if err != nil {
		t.Fatal(err)
	}
	if c := e.(*catalog.CatalogedCredential); c.Username != "alice1" || c.Password != "password" {
		t.Errorf("got %+v", c)
	}

	// Nothing new: a sync fetches nothing.
	sr, err := a.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sr.Fetched != 0 {
		t.Errorf("sync after local writes fetched %d entries", sr.Fetched)
	}
	st, err := a.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range st.Containers {
		if cs.Index != cs.Local {
			t.Errorf("%s: service %d, local %d", cs.Container, cs.Index, cs.Local)
		}
	}

	if _, err := a.Remove(ctx, profile.StoreCredential, ":ftp.example.com", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Remove(ctx, profile.StoreCredential, ":ftp.example.com", nil); !errors.Is(err, ErrNoEntry) {
		t.Errorf("second delete: %v, want ErrNoEntry", err)
	}

	if _, err := c.DeleteAccount(ctx, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Open(""); !errors.Is(err, ErrNoAccount) {
		t.Errorf("after delete: %v", err)
	}
	if _, err := os.Stat(c.Home().accountDir(res.Account)); !os.IsNotExist(err) {
		t.Errorf("account directory left after delete: %v", err)
	}
}
