package profile

import (
	"strings"
	"testing"

	"github.com/mathmesh/mesh/udf"
)

// TestReauthorize changes a device's roles: the device accepts the new
// connection with its unchanged overlaid keys, holds the new role's keys
// and not the old ones.
func TestReauthorize(t *testing.T) {
	f := newFixture(t)
	conn, err := f.acct.ConnectDevice(f.prof, []string{RoleWeb}, nil)
	if err != nil {
		t.Fatal(err)
	}
	re, err := f.acct.Reauthorize(f.prof, &conn.Envelopes, []string{RoleAdmin}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(re.Envelopes.ConnectionService) != string(conn.Envelopes.ConnectionService) ||
		string(re.Envelopes.ActivationAccount) != string(conn.Envelopes.ActivationAccount) {
		t.Fatal("the ConnectionService and ActivationAccount must be kept byte for byte")
	}
	if !re.Keys.Authentication.Equal(conn.Keys.Authentication) || !re.Keys.Encryption.Equal(conn.Keys.Encryption) {
		t.Fatal("the overlaid keys changed")
	}
	before, err := f.dev.Accept(f.user, &conn.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	after, err := f.dev.Accept(f.user, &re.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(after.Roles, ","); got != RoleAdmin {
		t.Fatalf("roles after reauthorize = %q, want %q", got, RoleAdmin)
	}
	if _, ok := after.AdminKey(); !ok {
		t.Error("the admin role did not grant AdministratorSignature")
	}
	if _, ok := before.AdminKey(); ok {
		t.Error("the web role granted AdministratorSignature")
	}
	if _, ok := after.StoreKey(StoreCredential); ok {
		t.Error("the admin role still holds the web role's MMM_Credential key")
	}
	if !after.Authentication().Public().Equal(before.Authentication().Public()) {
		t.Error("the device's authentication key changed")
	}
}

// TestReauthorizeRefuses checks the inputs Reauthorize must refuse.
func TestReauthorizeRefuses(t *testing.T) {
	f := newFixture(t)
	conn, err := f.acct.ConnectDevice(f.prof, []string{RoleWeb}, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := AccountFromSeed(testSeed(udf.MeshProfileAccount, 4))
	otherDev, _ := DeviceFromSeed(testSeed(udf.MeshProfileDevice, 2))
	swapped := conn.Envelopes
	swapped.ConnectionDevice = conn.Envelopes.ConnectionService
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"unknown role", func() error {
			_, err := f.acct.Reauthorize(f.prof, &conn.Envelopes, []string{"wizard"}, nil)
			return err
		}, "wizard"},
		{"another account's connection", func() error {
			_, err := other.Reauthorize(f.prof, &conn.Envelopes, []string{RoleWeb}, nil)
			return err
		}, "ConnectionService"},
		{"another device", func() error {
			_, err := f.acct.Reauthorize(mustProfile(t, otherDev), &conn.Envelopes, []string{RoleWeb}, nil)
			return err
		}, "names device"},
		{"wrong envelope type", func() error {
			_, err := f.acct.Reauthorize(f.prof, &swapped, []string{RoleWeb}, nil)
			return err
		}, "ConnectionDevice"},
		{"no connection", func() error {
			_, err := f.acct.Reauthorize(f.prof, nil, []string{RoleWeb}, nil)
			return err
		}, "missing"},
	} {
		err := tc.run()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one naming %q", tc.name, err, tc.want)
		}
	}
}
