package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/service/store"
)

func newAccount(udf string, names ...string) *store.Account {
	return &store.Account{
		ProfileUDF:     udf,
		Names:          names,
		Profile:        []byte(`["profile of ` + udf + `"]`),
		HostAssignment: []byte(`["assignment"]`),
		Created:        time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func mustCreate(t *testing.T, s store.Store, a *store.Account) {
	t.Helper()
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatalf("CreateAccount(%s): %v", a.ProfileUDF, err)
	}
}

func testRegistry(t *testing.T, open Opener) {
	s := openStore(t, open, "registry")
	a := newAccount("MAAA-UDF1", "alice@example.com")
	mustCreate(t, s, a)
	for _, id := range []string{"MAAA-UDF1", "alice@example.com", "Alice@Example.COM"} {
		got, err := s.Account(ctx, id)
		if err != nil {
			t.Fatalf("Account(%q): %v", id, err)
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("Account(%q) mismatch (-want +got):\n%s", id, diff)
		}
	}
	if _, err := s.Account(ctx, "bob@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Account(unknown) = %v, want ErrNotFound", err)
	}
}

func testRegistryConflicts(t *testing.T, open Opener) {
	s := openStore(t, open, "conflicts")
	mustCreate(t, s, newAccount("MAAA-UDF1", "alice@example.com"))
	// Same UDF, other name.
	if err := s.CreateAccount(ctx, newAccount("MAAA-UDF1", "other@example.com")); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate UDF: %v, want ErrExists", err)
	}
	// Other UDF, a taken name (in another letter case): refused, and
	// nothing of it registered.
	if err := s.CreateAccount(ctx, newAccount("MAAA-UDF2", "new@example.com", "ALICE@example.com")); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate name: %v, want ErrExists", err)
	}
	for _, id := range []string{"MAAA-UDF2", "new@example.com", "other@example.com"} {
		if _, err := s.Account(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after refused creations, Account(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

func testDeleteAccount(t *testing.T, open Opener) {
	s := openStore(t, open, "delete")
	mustCreate(t, s, newAccount("MAAA-UDF1", "alice@example.com"))
	mustAppend(t, s, batch("MAAA-UDF1", "MMM_Inbound", "m1", "m2"))
	if err := s.DeleteAccount(ctx, "MAAA-UDF1"); err != nil {
		t.Fatalf("DeleteAccount: %v", err)
	}
	if _, err := s.Account(ctx, "alice@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted account by name: %v, want ErrNotFound", err)
	}
	if err := s.DeleteAccount(ctx, "MAAA-UDF1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if _, err := s.Append(ctx, []store.Batch{batch("MAAA-UDF1", "MMM_Inbound", "m3")}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("append to deleted account: %v, want ErrNotFound", err)
	}
	// The name is free again and the new account starts empty.
	mustCreate(t, s, newAccount("MAAA-UDF3", "alice@example.com"))
	st, err := s.Status(ctx, "MAAA-UDF3")
	if err != nil || len(st) != 0 {
		t.Errorf("new account status = %v, %v; want empty", st, err)
	}
}
