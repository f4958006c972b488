package service_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service"
)

// pgURL returns MESH_TEST_POSTGRES with a fresh schema for this test
// (dropped at the end): failing under CI when it is unset, skipping
// elsewhere.
func pgURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("MESH_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("MESH_TEST_POSTGRES is not set: CI must start PostgreSQL (.ci/services.d/postgres.sh) before the tests")
		}
		t.Skip("MESH_TEST_POSTGRES is not set: source .ci/services.d/postgres.sh to run the multi-node service tests")
	}
	b := make([]byte, 4)
	rand.Read(b)
	schema := "svc" + hex.EncodeToString(b)
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	// search_path selects the schema; openStore then uses it (the store's
	// default schema is only a default).
	return u + sep + "search_path=" + schema
}

// startNode runs one service node on the shared store and data directory.
func startNode(t *testing.T, url, dir string) *protocol.Client {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := service.OpenStoreForTest(ctx, url, dir, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := service.New(&service.Config{DataDir: dir, Store: st, Domains: []string{"example.com"}, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.FollowStoreForTest(st))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	c, err := protocol.NewClient("http://"+ln.Addr().String()+protocol.WellKnownPath, &protocol.ClientOptions{ServiceUDF: svc.UDF()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Hello(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTwoNodes: two service nodes on one PostgreSQL store serve the same
// account; an entry posted through node A is at once visible through node
// B, and a device revoked through node A is refused by node B (its cached
// Access catalog index is dropped by the cross-node notification).
func TestTwoNodes(t *testing.T) {
	url, dir := pgURL(t), t.TempDir()
	a := startNode(t, url, dir)
	b := startNode(t, url, dir)
	acct := bindWith(t, a, a.Service().UDF, "alice@example.com")
	d := connectDevice(t, a, acct)
	resp := transact(t, a, d.cred, protocol.CatalogCredential, entry(t, "entry through A"))
	st, err := b.Status(ctx, d.cred, &protocol.StatusRequest{})
	if err != nil {
		t.Fatalf("Status through B: %v", err)
	}
	var seen bool
	for _, c := range st.ContainerStatus {
		seen = seen || (c.Container == protocol.CatalogCredential && c.Index == resp.Entries[0].IndexContainer+1)
	}
	if !seen {
		t.Errorf("node B's status %v lacks the entry appended through A", st.ContainerStatus)
	}
	writeAccess(t, a, acct, catalog.Revoked(d.keyID), catalog.EventUpdate)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := b.Status(ctx, d.cred, &protocol.StatusRequest{})
		if errors.Is(err, protocol.ErrDeviceRevoked) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node B still answers the device revoked through node A: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOpenStoreRefusesOtherSchemes(t *testing.T) {
	_, err := service.OpenStoreForTest(ctx, "mysql://root:s3cret@db/mesh", t.TempDir(), nil)
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "mysql://") {
		t.Errorf("openStore(mysql://...) = %v; want an error naming the scheme only", err)
	}
}
