package client

import (
	"context"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
)

// TestGroupInvitationFromStranger: Bob has Mallory on his inbound
// allow-list (as after Bob's own contact request to her) but not among his
// contacts. Mallory's invitation to her group reaches Bob's MMM_Inbound.
// Its signature cannot be checked, so Bob's sync must not store the group
// contact (a self-signed ProfileGroup can name any address): it reports the
// invitation and leaves it open.
func TestGroupInvitationFromStranger(t *testing.T) {
	ctx := context.Background()
	url := testService(t)
	mc, bc := testClient(t, url), testClient(t, url)
	if _, err := mc.CreateAccount(ctx, "mallory@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := bc.CreateAccount(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	mallory, bob := openDefault(t, mc), openDefault(t, bc)
	addContact(t, mallory, bob)
	if _, err := bob.Put(ctx, profile.StoreAccess, catalog.NewInboundContact(mallory.Address(), true)); err != nil {
		t.Fatal(err)
	}

	const grp = "team@example.com"
	if _, err := mallory.CreateGroup(ctx, grp); err != nil {
		t.Fatal(err)
	}
	if _, err := mallory.AddMember(ctx, grp, bob.Address()); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		res, err := bob.Sync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Groups) != 1 || res.Groups[0].Verified || !strings.Contains(res.Groups[0].Error, "neither a contact") {
			t.Fatalf("sync %d: invitation handling %+v, want it reported unverified and left open", round, res.Groups)
		}
	}
	if k, err := bob.GroupEncryptionKey(grp); err != nil || k != nil {
		t.Fatalf("bob stored the group key of an unverified invitation: %v, %v", k, err)
	}
	if ks, err := bob.GroupDecryptionKeys(); err != nil || len(ks) != 0 {
		t.Fatalf("bob holds %d group keys from an unverified invitation (%v)", len(ks), err)
	}

	// Once Mallory is a contact the same invitation is verified and taken.
	addContact(t, bob, mallory)
	res, err := bob.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 1 || !res.Groups[0].Verified || res.Groups[0].Error != "" {
		t.Fatalf("invitation from a contact: %+v", res.Groups)
	}
}
