package service_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
	"github.com/mathmesh/mesh/udf"
)

// Regression tests for the findings of the security review of the service
// protocol (/tmp/review; docs/protocol.md §3, §4.8).

// connectWithRoles connects a new device with roles and writes its
// AccessCapability with the account key credential.
func connectWithRoles(t *testing.T, c *protocol.Client, a *account, roles []string) *device {
	t.Helper()
	ds, err := profile.NewDevice(nil)
	if err != nil {
		t.Fatal(err)
	}
	pd, err := ds.ProfileDevice("test device")
	if err != nil {
		t.Fatal(err)
	}
	dc, err := a.secrets.ConnectDevice(pd, roles, nil)
	if err != nil {
		t.Fatal(err)
	}
	pu, err := profile.VerifyProfileUser(a.profileEnv)
	if err != nil {
		t.Fatal(err)
	}
	act, err := ds.Accept(pu, &dc.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := protocol.NewConnectionCredential(a.secrets.UDF(), dc.Envelopes.ConnectionService, act.Authentication())
	if err != nil {
		t.Fatal(err)
	}
	d := &device{secrets: ds, conn: dc, cred: cred, auth: act.Authentication(), keyID: act.Authentication().Public().Fingerprint()}
	writeAccess(t, c, a, catalog.NewAccessCapability(d.keyID, dc.Roles, nil, ""), catalog.EventNew)
	return d
}

func updateOf(container string, envs ...[]byte) protocol.ContainerUpdate {
	u := protocol.ContainerUpdate{ContainerStatus: protocol.ContainerStatus{Container: container}}
	for _, e := range envs {
		u.Envelopes = append(u.Envelopes, jsonb.Raw(e))
	}
	return u
}

func wantStatus(t *testing.T, what string, err error, want protocol.MeshServerStatus) {
	t.Helper()
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Extended != want {
		t.Errorf("%s: got %v, want %s", what, err, want)
	}
}

// TestSpoolAndAdminWrites: finding 1 (PIN escalation). A device without an
// administration role may write MMM_Local, MMM_Device and MMM_Access in no
// field of Transact, and nobody may name a spool in Updates.
func TestSpoolAndAdminWrites(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	web := connectWithRoles(t, c, a, []string{"web"})
	adm := connectWithRoles(t, c, a, []string{"admin"})
	x := entry(t, "x")

	for _, tc := range []struct {
		name string
		cred *protocol.Credential
		req  *protocol.TransactRequest
		want protocol.MeshServerStatus // 0: accepted
	}{
		{"web Local field", web.cred, &protocol.TransactRequest{Local: []jsonb.Raw{x}}, protocol.StatusNotAdministrator},
		{"web Updates MMM_Local", web.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{updateOf(protocol.SpoolLocal, x)}}, protocol.StatusRefused},
		{"web Updates MMM_Device", web.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{updateOf(protocol.CatalogDevice, x)}}, protocol.StatusNotAdministrator},
		{"web Updates MMM_Access", web.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{updateOf(protocol.CatalogAccess, x)}}, protocol.StatusNotAdministrator},
		{"web Updates MMM_Inbound", web.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{updateOf(protocol.SpoolInbound, x)}}, protocol.StatusRefused},
		{"account Updates MMM_Outbound", a.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{updateOf(protocol.SpoolOutbound, x)}}, protocol.StatusRefused},
		{"admin Updates MMM_Local", adm.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{updateOf(protocol.SpoolLocal, x)}}, protocol.StatusRefused},
		{"web Inbound field", web.cred, &protocol.TransactRequest{Inbound: []jsonb.Raw{x}}, 0},
		{"web Updates MMM_Bookmark", web.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{updateOf("MMM_Bookmark", x)}}, 0},
		{"admin Local field", adm.cred, &protocol.TransactRequest{Local: []jsonb.Raw{x}}, 0},
	} {
		_, err := c.Transact(ctx, tc.cred, tc.req)
		if tc.want == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		wantStatus(t, tc.name, err, tc.want)
	}
}

// TestAccountCachePoisoning: finding 3. A callsign may not name another
// account's profile UDF (nor anything that reads as a UDF or lies outside
// the service's domains), and no spelling of an identifier takes the cache
// entry of a profile UDF.
func TestAccountCachePoisoning(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	victim := bind(t, srv, c, "victim@example.com")
	vdev := connectWithRoles(t, c, victim, []string{"web"})
	victimUDF := victim.secrets.UDF()

	// Restart so that the victim is not cached.
	dir := srv.Dir
	srv.Close()
	srv = servicetest.Start(t, &servicetest.Options{DataDir: dir})
	c = srv.Client(t)

	for i, tc := range []struct{ name, canonical string }{
		{"victim UDF", victimUDF},
		{"lower-case victim UDF", strings.ToLower(victimUDF)},
		{"not local@domain", "@mallory"},
		{"foreign domain", "mallory@example.net"},
	} {
		sec, err := profile.NewAccount(nil)
		if err != nil {
			t.Fatal(err)
		}
		addr := "mallory" + strconv.Itoa(i) + "@example.com"
		env, err := sec.SignedProfileUser(addr, srv.Service.UDF(), nil)
		if err != nil {
			t.Fatal(err)
		}
		admin, err := sec.AdminKey()
		if err != nil {
			t.Fatal(err)
		}
		cb, err := profile.Seal(&profile.CallsignBinding{Canonical: tc.canonical, ProfileUdf: sec.UDF()},
			&profile.SealOptions{Signers: []keys.Signer{admin}})
		if err != nil {
			t.Fatal(err)
		}
		ca, err := sec.CommonAuthentication()
		if err != nil {
			t.Fatal(err)
		}
		cred, err := protocol.NewAccountCredential(sec.UDF(), ca)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.BindAccount(ctx, cred, &protocol.BindRequest{AccountAddress: addr, EnvelopedProfileAccount: env,
			EnvelopedCallsignBinding: []jsonb.Raw{cb}})
		wantStatus(t, tc.name, err, protocol.StatusRefused)
	}

	// A lower-cased (or otherwise respelled) UDF resolves to nothing and
	// does not disturb the exact UDF.
	for _, id := range []string{strings.ToLower(victimUDF), victimUDF} {
		_, _ = c.PollClaim(ctx, nil, &protocol.PollClaimRequest{TargetAccountAddress: id, PublicationId: victimUDF})
	}
	if _, err := c.Status(ctx, vdev.cred, &protocol.StatusRequest{}); err != nil {
		t.Errorf("victim's device refused: %v", err)
	}
}

// TestUnbindNeedsAdministrator: finding 5. A device without admin or super
// may not delete the account; an administration device may.
func TestUnbindNeedsAdministrator(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	web := connectWithRoles(t, c, a, []string{"web"})
	adm := connectWithRoles(t, c, a, []string{"admin"})
	_, err := c.UnbindAccount(ctx, web.cred, &protocol.UnbindRequest{})
	wantStatus(t, "web device unbinds", err, protocol.StatusNotAdministrator)
	if _, err := c.Status(ctx, a.cred, &protocol.StatusRequest{}); err != nil {
		t.Fatalf("the account is gone after a refused unbind: %v", err)
	}
	if _, err := c.UnbindAccount(ctx, adm.cred, &protocol.UnbindRequest{}); err != nil {
		t.Fatalf("admin device unbinds: %v", err)
	}
	_, err = c.Status(ctx, a.cred, &protocol.StatusRequest{})
	wantStatus(t, "status after unbind", err, protocol.StatusNotFound)
}

// TestRequestShapeLimits: finding 6. The number of ContainerUpdates and
// Selects per request and of containers per account is bounded, and an
// update without envelopes creates nothing.
func TestRequestShapeLimits(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	containers := func() int {
		st, err := c.Status(ctx, a.cred, &protocol.StatusRequest{})
		if err != nil {
			t.Fatal(err)
		}
		return len(st.ContainerStatus)
	}
	n0 := containers()

	empty := &protocol.TransactRequest{}
	for i := 0; i < 64; i++ {
		empty.Updates = append(empty.Updates, updateOf(fmt.Sprintf("E%03d", i)))
	}
	if _, err := c.Transact(ctx, a.cred, empty); err != nil {
		t.Fatalf("64 empty updates: %v", err)
	}
	if n := containers(); n != n0 {
		t.Errorf("empty updates created %d containers", n-n0)
	}
	empty.Updates = append(empty.Updates, updateOf("E064"))
	_, err := c.Transact(ctx, a.cred, empty)
	wantStatus(t, "65 updates", err, protocol.StatusTooLarge)

	cond := updateOf("MMM_Bookmark")
	cond.Digest = []byte{1}
	_, err = c.Transact(ctx, a.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{cond}})
	wantStatus(t, "condition without envelopes", err, protocol.StatusBadRequest)

	sel := &protocol.DownloadRequest{}
	for i := 0; i < 65; i++ {
		sel.Select = append(sel.Select, protocol.ConstraintsSelect{Container: fmt.Sprintf("S%03d", i)})
	}
	_, err = c.Download(ctx, a.cred, sel)
	wantStatus(t, "65 selects", err, protocol.StatusTooLarge)

	// Fill the account to its container limit, 64 new containers at a time.
	x := entry(t, "x")
	for batch := 0; ; batch++ {
		req := &protocol.TransactRequest{}
		for i := 0; i < 64; i++ {
			req.Updates = append(req.Updates, updateOf(fmt.Sprintf("C%02d%02d", batch, i), x))
		}
		_, err := c.Transact(ctx, a.cred, req)
		if err != nil {
			wantStatus(t, "containers beyond the limit", err, protocol.StatusTooLarge)
			break
		}
		if batch > 10 {
			t.Fatal("no limit on the containers of an account")
		}
	}
	if n := containers(); n > 256 {
		t.Errorf("the account has %d containers, limit 256", n)
	}
	// Existing containers can still be written.
	_, err = c.Transact(ctx, a.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{updateOf("C0000", x)}})
	if err != nil {
		t.Errorf("writing an existing container at the limit: %v", err)
	}
}

// TestLocalLookupsScoped: finding 10. Complete returns only a
// RespondConnection encrypted to the device that asks, with that device's
// credential; PollClaim returns only a MessageClaim of the publication.
func TestLocalLookupsScoped(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	devCred := func(ds *profile.DeviceSecrets) *protocol.Credential {
		env, err := ds.SignedProfile("d", nil)
		if err != nil {
			t.Fatal(err)
		}
		auth, err := ds.BaseAuthentication()
		if err != nil {
			t.Fatal(err)
		}
		cred, err := protocol.NewDeviceCredential(a.address, env, auth)
		if err != nil {
			t.Fatal(err)
		}
		return cred
	}
	dsA, _ := profile.NewDevice(nil)
	dsB, _ := profile.NewDevice(nil)
	credA, credB := devCred(dsA), devCred(dsB)
	encA, err := dsA.BaseEncryption()
	if err != nil {
		t.Fatal(err)
	}
	responseID, err := udf.Nonce(rand.Reader, 128)
	if err != nil {
		t.Fatal(err)
	}
	envID, _ := udf.EnvelopeID(responseID)
	answer, err := profile.Seal(&respondConnection{MessageId: responseID, Result: "Accept"},
		&profile.SealOptions{EnvelopeID: envID, Recipients: []keys.PublicKey{encA.Public()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Transact(ctx, a.cred, &protocol.TransactRequest{Local: []jsonb.Raw{answer}}); err != nil {
		t.Fatal(err)
	}
	req := &protocol.CompleteRequest{AccountAddress: a.address, ResponseID: responseID}
	_, err = c.Complete(ctx, a.cred, req)
	wantStatus(t, "Complete with the account credential", err, protocol.StatusNotAuthorized)
	_, err = c.Complete(ctx, credB, req)
	wantStatus(t, "Complete by another device", err, protocol.StatusNotFound)
	if got, err := c.Complete(ctx, credA, req); err != nil || len(got.EnvelopedRespondConnection) == 0 {
		t.Errorf("Complete by the device answered: %v", err)
	}

	// PollClaim for the id of that answer finds no claim.
	pc, err := c.PollClaim(ctx, nil, &protocol.PollClaimRequest{TargetAccountAddress: a.address, PublicationId: responseID})
	if err != nil {
		t.Fatal(err)
	}
	if len(pc.EnvelopedMessage) != 0 {
		t.Errorf("PollClaim returned a Local entry that is not a claim: %s", pc.EnvelopedMessage)
	}
}
