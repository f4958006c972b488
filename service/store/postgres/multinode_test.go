package postgres

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
)

func account(udf string) *store.Account {
	return &store.Account{ProfileUDF: udf, Created: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func entries(envs ...string) []store.Entry {
	out := make([]store.Entry, len(envs))
	for i, e := range envs {
		out[i] = store.Entry{Envelope: []byte(e)}
	}
	return out
}

// TestMultiNodeAppend appends to one container from two stores on the same
// schema (two service nodes) concurrently, batches of one to three entries
// at a time, and checks that every acknowledged entry is at its index
// exactly once, the indexes are contiguous and the digest matches.
func TestMultiNodeAppend(t *testing.T) {
	schema := testSchema(t, "multinode")
	nodes := []*Store{openTest(t, schema, nil), openTest(t, schema, nil)}
	if err := nodes[0].CreateAccount(ctx, account("MAAA-ONE")); err != nil {
		t.Fatal(err)
	}
	const writers, each = 6, 20
	var mu sync.Mutex
	at := make(map[int64]string)
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for n, node := range nodes {
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					var envs []string
					for k := range 1 + (i % 3) {
						envs = append(envs, fmt.Sprintf("n%d-w%d-%d-%d", n, w, i, k))
					}
					first, err := node.Append(ctx, []store.Batch{{Account: "MAAA-ONE", Container: "MMM_Inbound", Entries: entries(envs...)}})
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					for k, e := range envs {
						if old, dup := at[first[0]+int64(k)]; dup {
							errs <- fmt.Errorf("index %d acknowledged twice: %s and %s", first[0]+int64(k), old, e)
						}
						at[first[0]+int64(k)] = e
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := nodes[1].Read(ctx, "MAAA-ONE", "MMM_Inbound", 0, 1<<20, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(at) {
		t.Fatalf("%d entries stored, %d acknowledged", len(got), len(at))
	}
	var tree protocol.ContainerTree
	for i, e := range got {
		if at[int64(i)] != string(e) {
			t.Fatalf("entry %d is %q, acknowledged as %q", i, e, at[int64(i)])
		}
		tree.Append(e)
	}
	for _, node := range nodes {
		st, err := node.Status(ctx, "MAAA-ONE")
		if err != nil {
			t.Fatal(err)
		}
		want := []protocol.ContainerStatus{{Container: "MMM_Inbound", Index: tree.Len(), Digest: tree.Digest()}}
		if diff := cmp.Diff(want, st); diff != "" {
			t.Errorf("status (-want +got):\n%s", diff)
		}
	}
}

// waitChange waits until every change of want has arrived on ch, in any
// order.
func waitChange(t *testing.T, ch <-chan Change, want ...Change) {
	t.Helper()
	missing := make(map[Change]bool)
	for _, c := range want {
		missing[c] = true
	}
	deadline := time.After(10 * time.Second)
	for len(missing) > 0 {
		select {
		case c := <-ch:
			delete(missing, c)
		case <-deadline:
			t.Fatalf("notifications %v missing after 10 s", missing)
		}
	}
}

func subscribe(t *testing.T, s *Store) <-chan Change {
	ch := make(chan Change, 1024)
	cancel := s.Subscribe(func(c Change) {
		select {
		case ch <- c:
		default:
		}
	})
	t.Cleanup(cancel)
	return ch
}

// TestNotifyAcrossNodes: a change committed through node A reaches node
// B's subscribers (LISTEN/NOTIFY), and node A's own at once.
func TestNotifyAcrossNodes(t *testing.T) {
	schema := testSchema(t, "notify")
	a, b := openTest(t, schema, nil), openTest(t, schema, nil)
	fromA, fromB := subscribe(t, a), subscribe(t, b)
	if err := a.CreateAccount(ctx, account("MAAA-N")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Append(ctx, []store.Batch{
		{Account: "MAAA-N", Container: "MMM_Inbound", Entries: entries("m1", "m2")},
		{Account: "MAAA-N", Container: "MMM_Access", Entries: entries("cap")},
	}); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []<-chan Change{fromA, fromB} {
		waitChange(t, ch, Change{Account: "MAAA-N", Container: "MMM_Inbound", Count: 2},
			Change{Account: "MAAA-N", Container: "MMM_Access", Count: 1})
	}
	if err := b.DeleteAccount(ctx, "MAAA-N"); err != nil {
		t.Fatal(err)
	}
	waitChange(t, fromA, Change{Account: "MAAA-N"})
	waitChange(t, fromB, Change{Account: "MAAA-N"})
}

// TestDatabaseRestart drops every connection of the database, as a restart
// does: the stores carry on (the pool replaces its connections, calls
// retry), and the listener reconnects, tells its subscribers that changes
// may have been missed, and hears the other node again.
func TestDatabaseRestart(t *testing.T) {
	schema := testSchema(t, "restart")
	a, b := openTest(t, schema, nil), openTest(t, schema, nil)
	if err := a.CreateAccount(ctx, account("MAAA-R")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Append(ctx, []store.Batch{{Account: "MAAA-R", Container: "MMM_Local", Entries: entries("before")}}); err != nil {
		t.Fatal(err)
	}
	fromB := subscribe(t, b)
	conn := admin(t)
	var killed int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed < 2 {
		t.Fatalf("terminated %d connections, want at least the two listeners", killed)
	}
	waitChange(t, fromB, Change{})
	if _, err := a.Append(ctx, []store.Batch{{Account: "MAAA-R", Container: "MMM_Local", Entries: entries("after")}}); err != nil {
		t.Fatalf("Append after the restart: %v", err)
	}
	waitChange(t, fromB, Change{Account: "MAAA-R", Container: "MMM_Local", Count: 2})
	got, err := b.Read(ctx, "MAAA-R", "MMM_Local", 0, 10, 1<<20)
	if err != nil || len(got) != 2 || string(got[1]) != "after" {
		t.Errorf("Read after the restart = %q, %v", got, err)
	}
}

// TestConcurrentOpen: nodes starting together on an empty schema migrate
// it once.
func TestConcurrentOpen(t *testing.T) {
	schema := testSchema(t, "open")
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := Open(ctx, testURL(t), &Options{Schema: schema})
			if err != nil {
				errs <- err
				return
			}
			errs <- s.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := admin(t).QueryRow(ctx, `SELECT count(*) FROM `+schema+`.schema_migrations`).Scan(&n); err != nil || n != 1 {
		t.Errorf("schema_migrations has %d rows, %v; want 1", n, err)
	}
}

func TestOpenErrors(t *testing.T) {
	url := testURL(t)
	for _, schema := range []string{"Upper", "1digit", "semi;colon", "a234567890123456789012345678901234567890123456789"} {
		if _, err := Open(ctx, url, &Options{Schema: schema}); err == nil {
			t.Errorf("schema %q accepted", schema)
		}
	}
	_, err := Open(ctx, "postgres://mesh:s3cret@127.0.0.1:notaport/db", nil)
	if err == nil {
		t.Fatal("a malformed URL was accepted")
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") {
		t.Errorf("error shows the password: %s", msg)
	}
	schema := testSchema(t, "newer")
	s := openTest(t, schema, nil)
	s.Close()
	if _, err := admin(t).Exec(ctx, `INSERT INTO `+schema+`.schema_migrations (version, name) VALUES (999, 'future')`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, url, &Options{Schema: schema}); err == nil {
		t.Error("a schema newer than the binary was accepted")
	}
}

// TestCorruptHead: a damaged head row is an error naming the container,
// not a panic or a wrong digest.
func TestCorruptHead(t *testing.T) {
	schema := testSchema(t, "corrupt")
	s := openTest(t, schema, nil)
	if err := s.CreateAccount(ctx, account("MAAA-C")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, []store.Batch{{Account: "MAAA-C", Container: "MMM_Task", Entries: entries("t0", "t1", "t2")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin(t).Exec(ctx, `UPDATE `+schema+`.containers SET peaks = '\x0102' WHERE container = 'MMM_Task'`); err != nil {
		t.Fatal(err)
	}
	_, err := s.Append(ctx, []store.Batch{{Account: "MAAA-C", Container: "MMM_Task", Entries: entries("t3")}})
	if err == nil || errors.Is(err, store.ErrConflict) {
		t.Fatalf("Append on a corrupt head: %v", err)
	}
	if want := "head of MMM_Task of account MAAA-C"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %q", err, want)
	}
}

// TestResolve checks the lookup that decides, after a connection broke
// during COMMIT, whether the transaction committed.
func TestResolve(t *testing.T) {
	s := openTest(t, testSchema(t, "resolve"), nil)
	conn := admin(t)
	xid := func(commit bool) string {
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var id string
		if err := tx.QueryRow(ctx, `SELECT pg_current_xact_id()::text`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = tx.Commit(ctx)
		} else {
			err = tx.Rollback(ctx)
		}
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	cause := errors.New("connection reset during COMMIT")
	if err := s.resolve(ctx, xid(true), cause); err != nil {
		t.Errorf("committed transaction: %v", err)
	}
	if err := s.resolve(ctx, xid(false), cause); !errors.Is(err, errNotCommitted) || !transient(err) {
		t.Errorf("rolled-back transaction: %v, want a retryable errNotCommitted", err)
	}
	if err := s.resolve(ctx, "999999999999", cause); !errors.Is(err, errOutcomeUnknown) || transient(err) {
		t.Errorf("future transaction: %v, want errOutcomeUnknown, not retried", err)
	}
}
