package service_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
)

func TestAccountLifecycle(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	hello, err := c.Hello(ctx, nil)
	if err != nil {
		t.Fatalf("Hello: %v", err)
	}
	if hello.Version == nil || hello.Version.Major != 3 || c.Service().UDF != srv.Service.UDF() {
		t.Fatalf("Hello = %+v", hello)
	}
	a := bind(t, srv, c, "alice@example.com")

	// A second bind of the name is refused.
	other, err := c.BindAccount(ctx, a.cred, &protocol.BindRequest{AccountAddress: "alice@example.com", EnvelopedProfileAccount: a.profileEnv})
	if !errors.Is(err, protocol.ErrAccountRegistered) {
		t.Errorf("second BindAccount = %v, %v; want ErrAccountRegistered", other, err)
	}

	// Transact, Status, Download with the account key credential.
	e1, e2 := entry(t, "one"), entry(t, "two")
	resp := transact(t, c, a.cred, protocol.CatalogCredential, e1, e2)
	if len(resp.Entries) != 2 || resp.Entries[1].IndexContainer != 1 || resp.Entries[1].Result != protocol.ResultAccept {
		t.Errorf("Transact entries = %+v", resp.Entries)
	}
	st, err := c.Status(ctx, a.cred, &protocol.StatusRequest{})
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	var tree protocol.ContainerTree
	dl, err := c.Download(ctx, a.cred, &protocol.DownloadRequest{Select: []protocol.ConstraintsSelect{{Container: protocol.CatalogCredential}}})
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	if len(dl.Updates) != 1 || len(dl.Updates[0].Envelopes) != 2 {
		t.Fatalf("Download = %+v", dl.Updates)
	}
	for _, e := range dl.Updates[0].Envelopes {
		tree.Append(e)
	}
	want := protocol.ContainerStatus{Container: protocol.CatalogCredential, Index: 2, Digest: tree.Digest()}
	if diff := cmp.Diff([]protocol.ContainerStatus{want}, st.ContainerStatus); diff != "" {
		t.Errorf("Status does not match the downloaded envelopes (-want +got):\n%s", diff)
	}
	// Incremental download from index 1.
	dl, err = c.Download(ctx, a.cred, &protocol.DownloadRequest{Select: []protocol.ConstraintsSelect{{Container: protocol.CatalogCredential, IndexMin: 1}}})
	if err != nil || len(dl.Updates[0].Envelopes) != 1 || dl.Updates[0].Index != 1 {
		t.Errorf("Download from 1 = %+v, %v", dl, err)
	}

	// Conditional update: stale state is a conflict and changes nothing.
	stale := protocol.ContainerUpdate{ContainerStatus: protocol.ContainerStatus{Container: protocol.CatalogCredential, Index: 1, Digest: want.Digest},
		Envelopes: []jsonb.Raw{entry(t, "three")}}
	if _, err := c.Transact(ctx, a.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{stale}}); !errors.Is(err, protocol.ErrConflict) {
		t.Errorf("stale Transact: %v, want ErrConflict", err)
	}

	// Unbind removes the account.
	if _, err := c.UnbindAccount(ctx, a.cred, &protocol.UnbindRequest{}); err != nil {
		t.Fatalf("UnbindAccount: %v", err)
	}
	if _, err := c.Status(ctx, a.cred, &protocol.StatusRequest{}); !errors.Is(err, protocol.ErrNotFound) {
		t.Errorf("Status after Unbind: %v, want ErrNotFound", err)
	}
}

func TestConnectedDeviceAndRevocation(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	d := connectDevice(t, c, a)
	transact(t, c, d.cred, protocol.CatalogBookmark, entry(t, "bookmark"))
	if _, err := c.Status(ctx, d.cred, &protocol.StatusRequest{}); err != nil {
		t.Fatalf("Status as connected device: %v", err)
	}
	// A device whose AccessCapability was revoked is refused.
	d2 := connectDevice(t, c, a)
	writeAccess(t, c, a, catalog.Revoked(d2.keyID), catalog.EventUpdate)
	if _, err := c.Status(ctx, d2.cred, &protocol.StatusRequest{}); !errors.Is(err, protocol.ErrDeviceRevoked) {
		t.Errorf("revoked device Status: %v, want ErrDeviceRevoked", err)
	}
	// Revoking d takes effect on its next request.
	writeAccess(t, c, a, catalog.Revoked(d.keyID), catalog.EventUpdate)
	if _, err := c.Status(ctx, d.cred, &protocol.StatusRequest{}); !errors.Is(err, protocol.ErrDeviceRevoked) {
		t.Errorf("Status after revocation: %v, want ErrDeviceRevoked", err)
	}
}

func TestConnectionWithoutCapability(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	d := connectDevice(t, c, a)
	// A second, valid connection whose capability was never written.
	ds, err := profile.NewDevice(nil)
	if err != nil {
		t.Fatal(err)
	}
	pd, _ := ds.ProfileDevice("")
	dc, err := a.secrets.ConnectDevice(pd, []string{"web"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := profile.VerifyProfileUser(a.profileEnv)
	act, err := ds.Accept(pu, &dc.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	cred, _ := protocol.NewConnectionCredential(a.secrets.UDF(), dc.Envelopes.ConnectionService, act.Authentication())
	if _, err := c.Status(ctx, cred, &protocol.StatusRequest{}); !errors.Is(err, protocol.ErrNotAuthorized) {
		t.Errorf("connection without capability: %v, want ErrNotAuthorized", err)
	}
	// The first device still works.
	if _, err := c.Status(ctx, d.cred, &protocol.StatusRequest{}); err != nil {
		t.Errorf("connected device: %v", err)
	}
}
