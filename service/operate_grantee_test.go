package service_test

import (
	"strings"
	"testing"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
)

// TestOperateDeviceKeyAsAccountCredential: a connected device presents its
// overlaid authentication key as an "account" credential claiming another
// account, and names its own account in AccountAddress, so that Operate
// takes the grantee path of encryption groups (docs/groups.md §4). That
// path must not answer for the capabilities an account grants its own
// devices: they are reached only with the connection credential, whose
// AccessCapability is checked. Here the device's AccessCapability is
// revoked (and, second, deleted) while its share capability is still
// active, and the device still must get no partial.
func TestOperateDeviceKeyAsAccountCredential(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	bind(t, srv, c, "bob@example.com")
	dev := connectServiced(t, c, a, "web")
	share, ok := dev.act.Share(profile.ResourceEncryption)
	if !ok {
		t.Fatal("the device holds no CommonEncryption share")
	}
	eph, err := keys.Generate(keys.X448, nil)
	if err != nil {
		t.Fatal(err)
	}
	op := &protocol.OperateRequest{AccountAddress: a.address, Operations: []protocol.CryptographicOperation{{
		KeyAgreement: &protocol.CryptographicOperationKeyAgreement{KeyId: share.CapabilityID,
			PublicKey: &keys.Key{PublicKeyECDH: keys.NewPublicKeyECDH(eph.Public())}}}}}

	// The device works while connected.
	resp, err := c.Operate(ctx, dev.cred, &protocol.OperateRequest{Operations: op.Operations})
	if err != nil || resp.Results[0].Error != nil {
		t.Fatalf("the connected device's Operate: %v %+v", err, resp)
	}

	disguised, err := protocol.NewAccountCredential("bob@example.com", dev.act.Authentication())
	if err != nil {
		t.Fatal(err)
	}
	refused := func(what string) {
		t.Helper()
		resp, err := c.Operate(ctx, disguised, op)
		if err == nil && resp.Results[0].Error == nil {
			t.Fatalf("%s: the device key used as an account credential got a partial", what)
		}
		if err == nil && !strings.Contains(resp.Results[0].Error.Error, "own") {
			t.Fatalf("%s: refused for %q, want the account's own grant named", what, resp.Results[0].Error.Error)
		}
	}
	refused("connected")

	writeAccess(t, c, a, catalog.Revoked(dev.id), catalog.EventUpdate)
	_, err = c.Operate(ctx, dev.cred, &protocol.OperateRequest{Operations: op.Operations})
	wantStatus(t, "revoked device's Operate", err, protocol.StatusDeviceRevoked)
	refused("revoked")

	// The AccessCapability deleted outright: the share capability, granted
	// within the account, is still not reachable on the grantee path.
	writeAccess(t, c, a, catalog.Revoked(dev.id), catalog.EventDelete)
	refused("deleted")
}
