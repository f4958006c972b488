package client

import (
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// TestForgedPinRefused is the regression test of the PIN escalation found
// by the security review (/tmp/review/pinescalation_test.go): a
// MessagePin that the AdministratorSignature key did not sign must not
// connect a device, even when it reaches the Local spool (here written with
// the account key credential, as a service that did not enforce the
// administration role would have let any device do).
func TestForgedPinRefused(t *testing.T) {
	ctx := context.Background()
	url := testService(t)
	admin := testClient(t, url)
	res, err := admin.CreateAccount(ctx, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := admin.Open("")
	if err != nil {
		t.Fatal(err)
	}
	seed, err := admin.Home().AccountSeed(res.Account)
	if err != nil {
		t.Fatal(err)
	}
	sec, err := profile.AccountFromSeed(seed)
	if err != nil {
		t.Fatal(err)
	}
	pu, err := acct.Profile()
	if err != nil {
		t.Fatal(err)
	}
	encPub, err := pu.CommonEncryption.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	pin, err := udf.AuthenticationKey(rand.Reader, PinBits)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := spool.NewMessagePin(pin, "alice@example.com", spool.ActionDevice, []string{"super", "admin"}, time.Now().Add(time.Hour), true)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := spool.Seal(mp, &profile.SealOptions{Recipients: []keys.PublicKey{encPub}})
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
	pc, err := protocol.NewClient(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.Transact(ctx, cred, &protocol.TransactRequest{Local: []jsonb.Raw{forged}}); err != nil {
		t.Fatal(err)
	}

	mallory := testClient(t, url)
	if _, err := mallory.RequestConnection(ctx, "alice@example.com", pin, nil); err != nil {
		t.Fatal(err)
	}
	sr, err := acct.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sr.Connections) != 1 || sr.Connections[0].Result == spool.ResultAccept {
		t.Fatalf("sync outcomes %+v, want one refused PIN request", sr.Connections)
	}
	if !strings.Contains(sr.Connections[0].Error, "PIN") {
		t.Errorf("refusal %q does not say the PIN is invalid", sr.Connections[0].Error)
	}
	cr, err := mallory.CompleteConnection(ctx, "alice@example.com")
	if err == nil {
		t.Fatalf("a device connected with a forged PIN, roles %v", cr.Roles)
	}
	if !errors.Is(err, ErrPending) {
		t.Errorf("CompleteConnection: %v, want ErrPending", err)
	}

	// A real PIN, with a forged (unsigned) close marker placed before the
	// device asks: the marker is ignored and the PIN still works once.
	real, err := acct.CreatePin(ctx, []string{"web"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	salted, err := udf.SaltPIN(real.PIN, spool.ActionDevice)
	if err != nil {
		t.Fatal(err)
	}
	pinID, err := udf.PinID(salted, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	mc, err := spool.Complete(spool.RelationshipClosed, pinID)
	if err != nil {
		t.Fatal(err)
	}
	closer, err := spool.Seal(mc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.Transact(ctx, cred, &protocol.TransactRequest{Local: []jsonb.Raw{closer}}); err != nil {
		t.Fatal(err)
	}
	web := testClient(t, url)
	if _, err := web.RequestConnection(ctx, "alice@example.com", real.PIN, nil); err != nil {
		t.Fatal(err)
	}
	if sr, err = acct.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	wr, err := web.CompleteConnection(ctx, "alice@example.com")
	if err != nil {
		t.Fatalf("real PIN after a forged close marker: %v (sync %+v)", err, sr.Connections)
	}
	if !slices.Equal(wr.Roles, []string{"web"}) {
		t.Errorf("roles %v, want [web]", wr.Roles)
	}
}
