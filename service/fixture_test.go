package service_test

import (
	"context"
	"testing"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
)

var ctx = context.Background()

// account is a bound account with its secrets, as a client would hold them.
type account struct {
	address    string
	secrets    *profile.AccountSecrets
	profileEnv []byte
	cred       *protocol.Credential // account key credential
	accessKey  keys.PublicKey       // host AccessEncrypt from the assignment
}

// bind creates and binds an account on the server (F1 steps 1-5).
func bind(t *testing.T, srv *servicetest.Server, c *protocol.Client, address string) *account {
	t.Helper()
	return bindWith(t, c, srv.Service.UDF(), address)
}

func bindWith(t *testing.T, c *protocol.Client, serviceUDF, address string) *account {
	t.Helper()
	sec, err := profile.NewAccount(nil)
	if err != nil {
		t.Fatal(err)
	}
	env, err := sec.SignedProfileUser(address, serviceUDF, nil)
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
	resp, err := c.BindAccount(ctx, cred, &protocol.BindRequest{AccountAddress: address, EnvelopedProfileAccount: env})
	if err != nil {
		t.Fatalf("BindAccount(%s): %v", address, err)
	}
	var ha profile.AccountHostAssignment
	if _, err := profile.OpenAs(resp.EnvelopedAccountHostAssignment, nil, profile.TagAccountHostAssignment, &ha); err != nil {
		t.Fatalf("host assignment: %v", err)
	}
	ak, err := ha.AccessEncrypt.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return &account{address: address, secrets: sec, profileEnv: env, cred: cred, accessKey: ak}
}

// device is a connected device with its connection credential.
type device struct {
	secrets *profile.DeviceSecrets
	conn    *profile.DeviceConnection
	cred    *protocol.Credential
	auth    keys.Agreer
	keyID   string
}

// connectDevice connects a new device with the given roles and writes its
// AccessCapability into MMM_Access (F1 step 7).
func connectDevice(t *testing.T, c *protocol.Client, a *account) *device {
	t.Helper()
	ds, err := profile.NewDevice(nil)
	if err != nil {
		t.Fatal(err)
	}
	pd, err := ds.ProfileDevice("test device")
	if err != nil {
		t.Fatal(err)
	}
	dc, err := a.secrets.ConnectDevice(pd, []string{"super", "admin", "web"}, nil)
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

// writeAccess appends an Access catalog entry, encrypted to the host and to
// the Access store key, with the account key credential.
func writeAccess(t *testing.T, c *protocol.Client, a *account, e *catalog.CatalogedAccess, event string) {
	t.Helper()
	storeKey, err := a.secrets.StoreKey(protocol.CatalogAccess)
	if err != nil {
		t.Fatal(err)
	}
	env, err := profile.Seal(e, &profile.SealOptions{
		Recipients: []keys.PublicKey{a.accessKey, storeKey.Public()},
		UniqueID:   e.PrimaryKey(), Event: event})
	if err != nil {
		t.Fatal(err)
	}
	transact(t, c, a.cred, protocol.CatalogAccess, env)
}

// entry returns a small signed catalog envelope.
func entry(t *testing.T, text string) []byte {
	t.Helper()
	env, err := dare.Seal([]byte(text), &dare.EncodeOptions{ContentMeta: &dare.ContentMeta{UniqueID: text, Event: "New"}})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func transact(t *testing.T, c *protocol.Client, cred *protocol.Credential, container string, envs ...[]byte) *protocol.TransactResponse {
	t.Helper()
	u := protocol.ContainerUpdate{ContainerStatus: protocol.ContainerStatus{Container: container}}
	for _, e := range envs {
		u.Envelopes = append(u.Envelopes, jsonb.Raw(e))
	}
	resp, err := c.Transact(ctx, cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{u}})
	if err != nil {
		t.Fatalf("Transact(%s): %v", container, err)
	}
	return resp
}
