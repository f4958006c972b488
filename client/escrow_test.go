package client

import (
	"context"
	"errors"
	"testing"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/shamir"
)

func parseAll(t *testing.T, udfs ...string) []shamir.Share {
	t.Helper()
	var out []shamir.Share
	for _, u := range udfs {
		s, err := shamir.ParseShare(u)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestEscrowRecover runs protocol.md F9: escrow the seed, recover it on a
// fresh device with a quorum of shares, which then reads the account's
// catalogs and administers its groups; bad share sets are refused and
// leave nothing behind.
func TestEscrowRecover(t *testing.T) {
	ctx := context.Background()
	url := testService(t)
	ac := testClient(t, url)
	if _, err := ac.CreateAccount(ctx, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	alice := openDefault(t, ac)
	if _, err := alice.Put(ctx, profile.StoreCredential, &catalog.CatalogedCredential{Protocol: "ftp", Service: "ftp.example.com", Username: "alice1", Password: "password"}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.CreateGroup(ctx, "groupw@example.com"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][2]int{{1, 3}, {3, 2}, {2, 16}} {
		if _, err := alice.Escrow(bad[0], bad[1]); err == nil {
			t.Errorf("escrow quorum %d of %d accepted", bad[0], bad[1])
		}
	}
	esc, err := alice.Escrow(2, 3)
	if err != nil || len(esc.Shares) != 3 {
		t.Fatalf("escrow: %+v, %v", esc, err)
	}

	// Shares of two different accounts do not recover either.
	bc := testClient(t, url)
	if _, err := bc.CreateAccount(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	other, err := openDefault(t, bc).Escrow(2, 3)
	if err != nil {
		t.Fatal(err)
	}
	fresh := testClient(t, url)
	for name, set := range map[string][]string{
		"different secrets":   {esc.Shares[0], other.Shares[1]},
		"different, 3 shares": {esc.Shares[0], esc.Shares[1], other.Shares[2]},
		"below the quorum":    {esc.Shares[1]},
	} {
		if _, err := fresh.RecoverAccount(ctx, parseAll(t, set...), "alice@example.com"); !errors.Is(err, ErrNotAccountSeed) {
			t.Errorf("%s: %v, want ErrNotAccountSeed", name, err)
		}
	}
	if list, err := fresh.Accounts(); err != nil || len(list) != 0 {
		t.Errorf("a refused recovery left %d accounts (%v)", len(list), err)
	}
	if _, err := fresh.RecoverAccount(ctx, parseAll(t, esc.Shares[0], esc.Shares[2]), "bob@example.com"); err == nil {
		t.Error("recovery under another address succeeded")
	}

	res, err := fresh.RecoverAccount(ctx, parseAll(t, esc.Shares[2], esc.Shares[0]), "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if res.Account != alice.ProfileUDF() || res.Address != "alice@example.com" {
		t.Errorf("recovered %+v, want %s", res, alice.ProfileUDF())
	}
	if _, err := fresh.RecoverAccount(ctx, parseAll(t, esc.Shares[1], esc.Shares[0]), "alice@example.com"); err == nil {
		t.Error("a second recovery on the same machine succeeded")
	}
	ra := openDefault(t, fresh)
	v, err := ra.Catalog(ctx, profile.StoreCredential, true)
	if err != nil {
		t.Fatal(err)
	}
	e, err := v.Find(func(e catalog.Entry) bool {
		c, ok := e.(*catalog.CatalogedCredential)
		return ok && c.Service == "ftp.example.com"
	})
	v.Close()
	if err != nil || e.(*catalog.CatalogedCredential).Password != "password" {
		t.Errorf("recovered password: %+v, %v", e, err)
	}
	if _, err := ra.Members(ctx, "groupw@example.com"); err != nil {
		t.Errorf("the recovered device cannot administer the group: %v", err)
	}
	// The device that made the escrow keeps working.
	if _, err := alice.Sync(ctx); err != nil {
		t.Errorf("original device after recovery: %v", err)
	}
}

// TestEscrowNeedsSeed refuses escrow without the seed.
func TestEscrowNeedsSeed(t *testing.T) {
	a := &Account{rec: &accountRecord{AccountAddress: "alice@example.com"}}
	if _, err := a.Escrow(2, 3); !errors.Is(err, ErrNotAdministrator) {
		t.Errorf("escrow without the seed: %v", err)
	}
}
