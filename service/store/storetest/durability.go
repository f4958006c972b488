package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
)

func testReopen(t *testing.T, open Opener) {
	s := open(t, "reopen")
	mustCreate(t, s, newAccount("MAAA-UDF1", "alice@example.com"))
	mustAppend(t, s, batch("MAAA-UDF1", "MMM_Contact", "a", "b"), batch("MAAA-UDF1", "MMM_Inbound", "m"))
	mustAppend(t, s, store.Batch{Account: "MAAA-UDF1", Container: "MMM_Local",
		Entries: []store.Entry{{Envelope: []byte("l"), EnvelopeID: "ID-L"}}})
	before, err := s.Status(ctx, "MAAA-UDF1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := s.Status(ctx, "MAAA-UDF1"); err == nil {
		t.Error("Status on a closed store succeeded")
	}
	s = openStore(t, open, "reopen")
	after, err := s.Status(ctx, "MAAA-UDF1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("status changed across reopen (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b"}, readAll(t, s, "MAAA-UDF1", "MMM_Contact")); diff != "" {
		t.Errorf("entries changed across reopen:\n%s", diff)
	}
	if _, err := s.Account(ctx, "alice@example.com"); err != nil {
		t.Errorf("account lost across reopen: %v", err)
	}
	if env, _, err := s.Find(ctx, "MAAA-UDF1", "MMM_Local", "ID-L"); err != nil || string(env) != "l" {
		t.Errorf("EnvelopeID index lost across reopen: %q, %v", env, err)
	}
	// Appends continue the tree where it was.
	mustAppend(t, s, batch("MAAA-UDF1", "MMM_Contact", "c"))
	st, _ := s.Status(ctx, "MAAA-UDF1")
	if want := wantStatus("MMM_Contact", "a", "b", "c"); !cmp.Equal(want, findStatus(st, "MMM_Contact")) {
		t.Errorf("status after reopen and append = %v, want %v", findStatus(st, "MMM_Contact"), want)
	}
}

func findStatus(st []protocol.ContainerStatus, name string) protocol.ContainerStatus {
	for _, s := range st {
		if s.Container == name {
			return s
		}
	}
	return protocol.ContainerStatus{}
}

// testConcurrent appends from many goroutines to one container (and to
// per-writer containers) and checks that every acknowledged entry is at the
// index it was given, exactly once.
func testConcurrent(t *testing.T, open Opener) {
	s := openStore(t, open, "concurrent")
	mustCreate(t, s, newAccount("MAAA-UDF1"))
	const writers, each = 8, 25
	var mu sync.Mutex
	at := make(map[int64]string)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				env := fmt.Sprintf("w%d-%d", w, i)
				first, err := s.Append(ctx, []store.Batch{
					batch("MAAA-UDF1", "MMM_Inbound", env),
					batch("MAAA-UDF1", fmt.Sprintf("App%d", w), env),
				})
				if err != nil {
					errs <- err
					return
				}
				if first[1] != int64(i) {
					errs <- fmt.Errorf("writer %d entry %d got index %d in its own container", w, i, first[1])
					return
				}
				mu.Lock()
				at[first[0]] = env
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := readAll(t, s, "MAAA-UDF1", "MMM_Inbound")
	if len(got) != writers*each || len(at) != writers*each {
		t.Fatalf("%d entries stored, %d distinct indexes acknowledged; want %d", len(got), len(at), writers*each)
	}
	for i, env := range got {
		if at[int64(i)] != env {
			t.Fatalf("entry %d is %q, acknowledged as %q", i, env, at[int64(i)])
		}
	}
	st, _ := s.Status(ctx, "MAAA-UDF1")
	if want := wantStatus("MMM_Inbound", got...); !cmp.Equal(want, findStatus(st, "MMM_Inbound")) {
		t.Error("status digest of concurrently appended container does not match its entries")
	}
}
