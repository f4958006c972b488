package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
)

func batch(account, container string, envs ...string) store.Batch {
	b := store.Batch{Account: account, Container: container}
	for _, e := range envs {
		b.Entries = append(b.Entries, store.Entry{Envelope: []byte(e)})
	}
	return b
}

func mustAppend(t *testing.T, s store.Store, batches ...store.Batch) []int64 {
	t.Helper()
	first, err := s.Append(ctx, batches)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return first
}

func readAll(t *testing.T, s store.Store, account, container string) []string {
	t.Helper()
	envs, err := s.Read(ctx, account, container, 0, 1<<20, 1<<40)
	if err != nil {
		t.Fatalf("Read(%s): %v", container, err)
	}
	out := make([]string, len(envs))
	for i, e := range envs {
		out[i] = string(e)
	}
	return out
}

// wantStatus computes the status independently with protocol.ContainerTree.
func wantStatus(container string, envs ...string) protocol.ContainerStatus {
	var tree protocol.ContainerTree
	for _, e := range envs {
		tree.Append([]byte(e))
	}
	return protocol.ContainerStatus{Container: container, Index: tree.Len(), Digest: tree.Digest()}
}

func testAppendRead(t *testing.T, open Opener) {
	s := openStore(t, open, "append")
	mustCreate(t, s, newAccount("MAAA-UDF1"))
	if got := mustAppend(t, s, batch("MAAA-UDF1", "MMM_Contact", "a", "b")); !cmp.Equal(got, []int64{0}) {
		t.Errorf("first append indexes = %v, want [0]", got)
	}
	got := mustAppend(t, s, batch("MAAA-UDF1", "MMM_Contact", "c"), batch("MAAA-UDF1", "MMM_Inbound", "x"), batch("MAAA-UDF1", "MMM_Contact", "d"))
	if !cmp.Equal(got, []int64{2, 0, 3}) {
		t.Errorf("second append indexes = %v, want [2 0 3]", got)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d"}, readAll(t, s, "MAAA-UDF1", "MMM_Contact")); diff != "" {
		t.Errorf("MMM_Contact (-want +got):\n%s", diff)
	}
	envs, err := s.Read(ctx, "MAAA-UDF1", "MMM_Contact", 2, 10, 1<<20)
	if err != nil || len(envs) != 2 || string(envs[0]) != "c" {
		t.Errorf("Read from 2 = %q, %v; want [c d]", envs, err)
	}
	if envs, err := s.Read(ctx, "MAAA-UDF1", "MMM_Task", 0, 10, 1<<20); err != nil || len(envs) != 0 {
		t.Errorf("Read of a missing container = %q, %v; want empty", envs, err)
	}
	if envs, err := s.Read(ctx, "MAAA-UDF1", "MMM_Contact", 99, 10, 1<<20); err != nil || len(envs) != 0 {
		t.Errorf("Read past the end = %q, %v; want empty", envs, err)
	}
	if _, err := s.Read(ctx, "MAAA-NONE", "MMM_Contact", 0, 10, 1<<20); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Read of unknown account: %v, want ErrNotFound", err)
	}
}

func testReadLimits(t *testing.T, open Opener) {
	s := openStore(t, open, "limits")
	mustCreate(t, s, newAccount("MAAA-UDF1"))
	mustAppend(t, s, batch("MAAA-UDF1", "MMM_Task", "0123456789", "0123456789", "0123456789"))
	cases := []struct {
		maxEntries int
		maxBytes   int64
		want       int
	}{
		{2, 1 << 20, 2},
		{10, 25, 2},
		{10, 5, 1}, // the first entry is always returned
		{10, 30, 3},
	}
	for _, c := range cases {
		envs, err := s.Read(ctx, "MAAA-UDF1", "MMM_Task", 0, c.maxEntries, c.maxBytes)
		if err != nil || len(envs) != c.want {
			t.Errorf("Read(max %d entries, %d bytes) = %d entries, %v; want %d", c.maxEntries, c.maxBytes, len(envs), err, c.want)
		}
	}
}

func testStatus(t *testing.T, open Opener) {
	s := openStore(t, open, "status")
	mustCreate(t, s, newAccount("MAAA-UDF1"))
	var envs []string
	for i := range 13 {
		envs = append(envs, fmt.Sprintf("envelope %d", i))
		mustAppend(t, s, batch("MAAA-UDF1", "MMM_Credential", envs[i]))
		st, err := s.Status(ctx, "MAAA-UDF1")
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if diff := cmp.Diff([]protocol.ContainerStatus{wantStatus("MMM_Credential", envs...)}, st); diff != "" {
			t.Fatalf("Status after %d appends (-want +got):\n%s", i+1, diff)
		}
	}
	mustAppend(t, s, batch("MAAA-UDF1", "MMM_Access", "cap"))
	st, _ := s.Status(ctx, "MAAA-UDF1")
	want := []protocol.ContainerStatus{wantStatus("MMM_Access", "cap"), wantStatus("MMM_Credential", envs...)}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("Status of two containers (-want +got):\n%s", diff)
	}
	if _, err := s.Status(ctx, "MAAA-NONE"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Status of unknown account: %v, want ErrNotFound", err)
	}
}

func testAtomic(t *testing.T, open Opener) {
	s := openStore(t, open, "atomic")
	mustCreate(t, s, newAccount("MAAA-UDF1"))
	mustAppend(t, s, batch("MAAA-UDF1", "MMM_Device", "d0"))
	_, err := s.Append(ctx, []store.Batch{
		batch("MAAA-UDF1", "MMM_Device", "d1"),
		batch("MAAA-UDF1", "MMM_Access", "a1"),
		batch("MAAA-NONE", "MMM_Inbound", "m"),
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Append with an unknown account: %v, want ErrNotFound", err)
	}
	st, _ := s.Status(ctx, "MAAA-UDF1")
	if diff := cmp.Diff([]protocol.ContainerStatus{wantStatus("MMM_Device", "d0")}, st); diff != "" {
		t.Errorf("a failed Append left changes (-want +got):\n%s", diff)
	}
}

func testCondition(t *testing.T, open Opener) {
	s := openStore(t, open, "condition")
	mustCreate(t, s, newAccount("MAAA-UDF1"))
	empty := protocol.ContainerStatus{Container: "MMM_Contact"}
	b := batch("MAAA-UDF1", "MMM_Contact", "c0")
	b.Condition = &empty
	mustAppend(t, s, b)
	// The same condition again is stale.
	b = batch("MAAA-UDF1", "MMM_Contact", "c1")
	b.Condition = &empty
	other := batch("MAAA-UDF1", "MMM_Inbound", "m")
	if _, err := s.Append(ctx, []store.Batch{other, b}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale condition: %v, want ErrConflict", err)
	}
	if got := readAll(t, s, "MAAA-UDF1", "MMM_Inbound"); len(got) != 0 {
		t.Errorf("a conflicting Append wrote %q", got)
	}
	cur := wantStatus("MMM_Contact", "c0")
	b.Condition = &cur
	mustAppend(t, s, b)
	// Right index, wrong digest.
	wrong := protocol.ContainerStatus{Container: "MMM_Contact", Index: 2, Digest: cur.Digest}
	b = batch("MAAA-UDF1", "MMM_Contact", "c2")
	b.Condition = &wrong
	if _, err := s.Append(ctx, []store.Batch{b}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("wrong digest: %v, want ErrConflict", err)
	}
}

func testFind(t *testing.T, open Opener) {
	s := openStore(t, open, "find")
	mustCreate(t, s, newAccount("MAAA-UDF1"))
	b := store.Batch{Account: "MAAA-UDF1", Container: "MMM_Local", Entries: []store.Entry{
		{Envelope: []byte("first"), EnvelopeID: "ID-1"},
		{Envelope: []byte("plain")},
		{Envelope: []byte("second"), EnvelopeID: "ID-2"},
	}}
	mustAppend(t, s, b)
	mustAppend(t, s, store.Batch{Account: "MAAA-UDF1", Container: "MMM_Local",
		Entries: []store.Entry{{Envelope: []byte("first again"), EnvelopeID: "ID-1"}}})
	env, idx, err := s.Find(ctx, "MAAA-UDF1", "MMM_Local", "ID-1")
	if err != nil || string(env) != "first again" || idx != 3 {
		t.Errorf("Find(ID-1) = %q, %d, %v; want the newest, index 3", env, idx, err)
	}
	if env, idx, err = s.Find(ctx, "MAAA-UDF1", "MMM_Local", "ID-2"); err != nil || string(env) != "second" || idx != 2 {
		t.Errorf("Find(ID-2) = %q, %d, %v", env, idx, err)
	}
	for _, c := range [][2]string{{"MMM_Local", "ID-3"}, {"MMM_Inbound", "ID-1"}} {
		if _, _, err := s.Find(ctx, "MAAA-UDF1", c[0], c[1]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Find(%s, %s) = %v, want ErrNotFound", c[0], c[1], err)
		}
	}
}

func testBadInput(t *testing.T, open Opener) {
	s := openStore(t, open, "bad")
	mustCreate(t, s, newAccount("MAAA-UDF1"))
	bad := []store.Batch{
		batch("MAAA-UDF1", "../etc", "x"),
		batch("MAAA-UDF1", "", "x"),
		batch("MAAA-UDF1", "MMM_Inbound", ""),
		{Account: "MAAA-UDF1", Container: "MMM_Local", Entries: []store.Entry{{Envelope: make([]byte, store.MaxEnvelopeSize+1)}}},
	}
	for i, b := range bad {
		if _, err := s.Append(ctx, []store.Batch{b}); err == nil {
			t.Errorf("bad batch %d accepted", i)
		}
	}
	if st, _ := s.Status(ctx, "MAAA-UDF1"); len(st) != 0 {
		t.Errorf("bad batches left %v", st)
	}
	if err := s.CreateAccount(ctx, &store.Account{}); err == nil {
		t.Error("account without a profile UDF accepted")
	}
	if _, err := s.Read(ctx, "MAAA-UDF1", "MMM_Local", -1, 1, 1); err == nil {
		t.Error("read from a negative index accepted")
	}
}
