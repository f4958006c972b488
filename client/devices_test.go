package client

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// TestDeviceLeastPrivilege connects a web device and checks, below the
// client's own checks, that the service refuses its writes to MMM_Device
// and MMM_Access (NotAdministrator), that Operate answers only the
// grantee, and that after DeleteDevice its Operate calls are refused.
func TestDeviceLeastPrivilege(t *testing.T) {
	ctx := context.Background()
	url := testService(t)
	admin, dev := testClient(t, url), testClient(t, url)
	if _, err := admin.CreateAccount(ctx, "erin@example.com"); err != nil {
		t.Fatal(err)
	}
	req, err := dev.RequestConnection(ctx, "erin@example.com", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dev.CompleteConnection(ctx, ""); !errors.Is(err, ErrPending) {
		t.Fatalf("complete before accept: %v, want ErrPending", err)
	}
	aa, _ := admin.Open("")
	if _, err := aa.AcceptConnection(ctx, req.Witness, []string{profile.RoleWeb}); err != nil {
		t.Fatal(err)
	}
	if _, err := aa.AcceptConnection(ctx, req.Witness, []string{profile.RoleWeb}); !errors.Is(err, ErrNoRequest) {
		t.Fatalf("second accept: %v, want ErrNoRequest", err)
	}
	if _, err := dev.CompleteConnection(ctx, ""); err != nil {
		t.Fatal(err)
	}
	da, err := dev.Open("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := da.storeKeys(profile.StoreDevice); !errors.Is(err, ErrNoKey) {
		t.Errorf("web device holds the MMM_Device key: %v", err)
	}
	// Bypass the client: a raw Transact to MMM_Device with the web
	// device's credential.
	cred, err := da.credential()
	if err != nil {
		t.Fatal(err)
	}
	pc, err := da.service(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = pc.Transact(ctx, cred, &protocol.TransactRequest{
		MeshRequestUser: protocol.MeshRequestUser{Account: da.ProfileUDF()},
		Updates:         []protocol.ContainerUpdate{{ContainerStatus: protocol.ContainerStatus{Container: profile.StoreDevice}}},
	})
	if err == nil || !strings.Contains(err.Error(), "NotAdministrator") {
		t.Errorf("web device wrote MMM_Device: %v", err)
	}
	keys, err := da.DecryptionKeys()
	if err != nil || len(keys) != 1 {
		t.Fatalf("web device decryption keys: %v, %v", keys, err)
	}
	if _, ok := keys[0].(*servicedKey); !ok {
		t.Fatalf("web device holds a whole CommonEncryption key (%T)", keys[0])
	}
	if _, err := aa.DeleteDevice(ctx, req.DeviceUDF); err != nil {
		t.Fatal(err)
	}
	enc, _ := aa.EncryptionKey()
	if _, err := keys[0].(*servicedKey).Agree(enc); !errors.Is(err, ErrDecryptRefused) {
		t.Errorf("revoked device's Operate: %v, want ErrDecryptRefused", err)
	}
}
