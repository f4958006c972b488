package client

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// openGroupFile opens env with the group keys a currently holds and
// returns the plaintext or the error.
func openGroupFile(t *testing.T, a *Account, env []byte) ([]byte, error) {
	t.Helper()
	ks, err := a.GroupDecryptionKeys()
	if err != nil {
		t.Fatalf("group keys of %s: %v", a.Address(), err)
	}
	if len(ks) != 1 {
		t.Fatalf("%s holds %d group keys, want 1", a.Address(), len(ks))
	}
	got, _, err := dare.Open(env, &dare.Keyring{Private: ks})
	return got, err
}

// TestGroupMemberDevices checks docs/groups.md §4 for a member with two
// devices: bob's connected web device, which holds neither the seed nor
// CommonAuthentication, decrypts a group file with its connected-device
// credential; after the member is removed neither device can; after bob
// deletes the web device (and is added again) that device cannot while
// the seed device still can.
func TestGroupMemberDevices(t *testing.T) {
	ctx := context.Background()
	url := testService(t)
	ac, bc, bc2 := testClient(t, url), testClient(t, url), testClient(t, url)
	if _, err := ac.CreateAccount(ctx, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := bc.CreateAccount(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	alice, bob := openDefault(t, ac), openDefault(t, bc)
	req, err := bc2.RequestConnection(ctx, "bob@example.com", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bob.AcceptConnection(ctx, req.Witness, []string{profile.RoleWeb}); err != nil {
		t.Fatal(err)
	}
	if _, err := bc2.CompleteConnection(ctx, ""); err != nil {
		t.Fatal(err)
	}
	bob2 := openDefault(t, bc2)
	if bob2.secrets != nil {
		t.Fatal("bob's second device holds the seed")
	}
	addContact(t, alice, bob)
	addContact(t, bob, alice)

	const grp = "devgroup@example.com"
	if _, err := alice.CreateGroup(ctx, grp); err != nil {
		t.Fatal(err)
	}
	pub, err := alice.GroupEncryptionKey(grp)
	if err != nil || pub == nil {
		t.Fatalf("group key: %v, %v", pub, err)
	}
	plain := []byte("for every device of every member")
	env, err := dare.Seal(plain, &dare.EncodeOptions{Recipients: []keys.PublicKey{pub}})
	if err != nil {
		t.Fatal(err)
	}
	join := func() {
		t.Helper()
		if _, err := alice.AddMember(ctx, grp, "bob@example.com"); err != nil {
			t.Fatal(err)
		}
		if res, err := bob.Sync(ctx); err != nil || len(res.Groups) != 1 || res.Groups[0].Error != "" {
			t.Fatalf("bob's sync: %+v, %v", res, err)
		}
		if _, err := bob2.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	join()
	for _, a := range []*Account{bob, bob2} {
		if got, err := openGroupFile(t, a, env); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("a device of bob (seed %v) decrypts: %q, %v", a.secrets != nil, got, err)
		}
	}

	if _, err := alice.RemoveMember(ctx, grp, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*Account{bob, bob2} {
		if _, err := openGroupFile(t, a, env); err == nil || !strings.Contains(err.Error(), "no capability") {
			t.Errorf("a device of bob (seed %v) decrypts after group delete: %v", a.secrets != nil, err)
		}
	}

	join()
	if got, err := openGroupFile(t, bob2, env); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("bob's second device decrypts after the new add: %q, %v", got, err)
	}
	// Keep bob2's key, as a revoked device would, then revoke the device.
	ks, err := bob2.GroupDecryptionKeys()
	if err != nil || len(ks) != 1 {
		t.Fatalf("bob2's group keys: %d, %v", len(ks), err)
	}
	if _, err := bob.DeleteDevice(ctx, req.DeviceUDF); err != nil {
		t.Fatal(err)
	}
	if _, _, err := dare.Open(env, &dare.Keyring{Private: ks}); err == nil || !strings.Contains(err.Error(), "DeviceRevoked") {
		t.Errorf("deleted device decrypts a group file: %v", err)
	}
	if got, err := openGroupFile(t, bob, env); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("bob's seed device after the other's deletion: %q, %v", got, err)
	}
}
