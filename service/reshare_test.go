package service_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
)

// servicedDevice is a device connected with degree Service grants, its
// shares' capabilities written to MMM_Access (docs/devices.md §3).
type servicedDevice struct {
	act  *profile.ActivatedDevice
	cred *protocol.Credential
	id   string
}

// acceptServiced activates conn on ds and files its AccessCapability and
// share capabilities with the account key credential.
func acceptServiced(t *testing.T, c *protocol.Client, a *account, ds *profile.DeviceSecrets, conn *profile.DeviceConnection) *servicedDevice {
	t.Helper()
	pu, err := profile.VerifyProfileUser(a.profileEnv)
	if err != nil {
		t.Fatal(err)
	}
	act, err := ds.Accept(pu, &conn.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := protocol.NewConnectionCredential(a.secrets.UDF(), conn.Envelopes.ConnectionService, act.Authentication())
	if err != nil {
		t.Fatal(err)
	}
	id := act.Authentication().Public().Fingerprint()
	writeAccess(t, c, a, catalog.NewAccessCapability(id, conn.Roles, nil, ""), catalog.EventNew)
	for _, s := range conn.Serviced {
		writeAccess(t, c, a, &catalog.CatalogedAccess{Capability: &catalog.Capability{CapabilityDecryptServiced: &catalog.CapabilityDecryptServiced{
			CryptographicCapability: catalog.CryptographicCapability{
				CapabilityBase: catalog.CapabilityBase{Id: s.CapabilityID, Active: true},
				KeyData:        keys.NewKeyData(s.Primary), GranteeAccount: a.address, GranteeUdf: id,
				EnvelopedKeyShare: s.EnvelopedKeyShare,
			}, AuthenticationId: id}}}, catalog.EventNew)
	}
	return &servicedDevice{act: act, cred: cred, id: id}
}

func newDeviceProfile(t *testing.T) (*profile.DeviceSecrets, *profile.ProfileDevice) {
	t.Helper()
	ds, err := profile.NewDevice(nil)
	if err != nil {
		t.Fatal(err)
	}
	pd, err := ds.ProfileDevice("test device")
	if err != nil {
		t.Fatal(err)
	}
	return ds, pd
}

// connectServiced connects a new device with roles from the seed.
func connectServiced(t *testing.T, c *protocol.Client, a *account, roles ...string) *servicedDevice {
	t.Helper()
	ds, pd := newDeviceProfile(t)
	conn, err := a.secrets.ConnectDevice(pd, roles, &profile.ConnectOptions{
		Service: &profile.ServiceGrant{AccessEncrypt: a.accessKey, ServiceAddress: a.address}})
	if err != nil {
		t.Fatal(err)
	}
	return acceptServiced(t, c, a, ds, conn)
}

// reshareOps returns the Operate of a connection's re-shares.
func reshareOps(conn *profile.DeviceConnection) *protocol.OperateRequest {
	req := &protocol.OperateRequest{}
	for _, r := range conn.Reshares {
		req.Operations = append(req.Operations, protocol.CryptographicOperation{Reshare: &protocol.CryptographicOperationReshare{
			KeyId: r.KeyId, ShareId: r.CapabilityID, SharePublic: r.SharePublic,
			GranteeUdf: conn.Keys.Authentication.Fingerprint(), EnvelopedDelta: r.EnvelopedDelta}})
	}
	return req
}

// TestReshareDecrypts: an admin device without the seed connects a device
// whose re-shared CommonEncryption share, with the service's, decrypts.
func TestReshareDecrypts(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	admin := connectServiced(t, c, a, "admin", "web")

	ds, pd := newDeviceProfile(t)
	conn, err := admin.act.ConnectDevice(pd, []string{"web"}, &profile.ConnectOptions{
		Service: &profile.ServiceGrant{AccessEncrypt: a.accessKey, ServiceAddress: a.address}})
	if err != nil {
		t.Fatal(err)
	}
	if len(conn.Reshares) == 0 || len(conn.Serviced) != 0 {
		t.Fatalf("%d re-shares and %d fresh splits, want only re-shares", len(conn.Reshares), len(conn.Serviced))
	}
	resp, err := c.Operate(ctx, admin.cred, reshareOps(conn))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range resp.Results {
		if r.Error != nil || r.Reshare == nil {
			t.Fatalf("re-share %d (%s) refused: %+v", i, conn.Reshares[i].Resource, r.Error)
		}
		conn.Serviced = append(conn.Serviced, conn.Reshares[i].Serviced(r.Reshare.EnvelopedKeyShare))
	}
	dev := acceptServiced(t, c, a, ds, conn)

	whole, err := a.secrets.CommonEncryption()
	if err != nil {
		t.Fatal(err)
	}
	eph, err := keys.Generate(keys.X448, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := whole.Agree(eph.Public())
	if err != nil {
		t.Fatal(err)
	}
	share, ok := dev.act.Share(profile.ResourceEncryption)
	if !ok {
		t.Fatal("the new device holds no CommonEncryption share")
	}
	ka, err := c.Operate(ctx, dev.cred, &protocol.OperateRequest{Operations: []protocol.CryptographicOperation{{
		KeyAgreement: &protocol.CryptographicOperationKeyAgreement{KeyId: share.CapabilityID,
			PublicKey: &keys.Key{PublicKeyECDH: keys.NewPublicKeyECDH(eph.Public())}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := ka.Results[0]; r.Error != nil || r.KeyAgreement == nil {
		t.Fatalf("the new device's partial refused: %+v", r.Error)
	}
	got, err := share.Combine(eph.Public(), ka.Results[0].KeyAgreement.KeyAgreement.PublicKeyECDH.Public)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("d_N·E + s_N·E is not the whole key's agreement")
	}
	// The administrator may not use the new device's share.
	ka, err = c.Operate(ctx, admin.cred, &protocol.OperateRequest{Operations: []protocol.CryptographicOperation{{
		KeyAgreement: &protocol.CryptographicOperationKeyAgreement{KeyId: share.CapabilityID,
			PublicKey: &keys.Key{PublicKeyECDH: keys.NewPublicKeyECDH(eph.Public())}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if ka.Results[0].Error == nil {
		t.Fatal("the administrator got the partial of the new device's share")
	}
}

// TestReshareRefused: every check of the Reshare operation refuses.
func TestReshareRefused(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	bind(t, srv, c, "bob@example.com")
	admin := connectServiced(t, c, a, "admin", "web")
	web := connectServiced(t, c, a, "web")
	svc := &profile.ServiceGrant{AccessEncrypt: a.accessKey, ServiceAddress: a.address}

	_, pd := newDeviceProfile(t)
	conn, err := admin.act.ConnectDevice(pd, []string{"web"}, &profile.ConnectOptions{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	// The web device cannot build a connection, and may not ask either.
	if _, err := web.act.ConnectDevice(pd, []string{"web"}, &profile.ConnectOptions{Service: svc}); err == nil {
		t.Fatal("a web device connected a device")
	}
	webShare, _ := web.act.Share(profile.ResourceEncryption)

	op := func() *protocol.CryptographicOperationReshare { return reshareOps(conn).Operations[0].Reshare }
	enc := conn.Reshares[0]
	other := conn.Reshares[1]
	cases := []struct {
		name string
		cred *protocol.Credential
		op   *protocol.CryptographicOperationReshare
		want string
	}{
		{"not an administrator", web.cred, func() *protocol.CryptographicOperationReshare {
			o := op()
			o.KeyId = webShare.CapabilityID
			return o
		}(), "administration device"},
		{"another device's capability", admin.cred, func() *protocol.CryptographicOperationReshare {
			o := op()
			o.KeyId = webShare.CapabilityID
			return o
		}(), "not granted to this caller"},
		{"no such capability", admin.cred, func() *protocol.CryptographicOperationReshare {
			o := op()
			o.KeyId = "MAAA-AAAA-AAAA-AAAA"
			return o
		}(), "no capability"},
		{"zero scalar", admin.cred, withDelta(t, op(), a.accessKey, enc, make([]byte, 56)), "EnvelopedDelta"},
		{"non-canonical scalar", admin.cred, withDelta(t, op(), a.accessKey, enc, bytes.Repeat([]byte{0xff}, 56)), "EnvelopedDelta"},
		{"short scalar", admin.cred, withDelta(t, op(), a.accessKey, enc, []byte{1, 2, 3}), "EnvelopedDelta"},
		{"delta for another share", admin.cred, func() *protocol.CryptographicOperationReshare {
			o := op()
			o.EnvelopedDelta = other.EnvelopedDelta
			return o
		}(), "EnvelopedDelta"},
		{"share public of another share", admin.cred, func() *protocol.CryptographicOperationReshare {
			o := op()
			o.SharePublic = other.SharePublic
			return o
		}(), "do not add up"},
		{"bad point", admin.cred, func() *protocol.CryptographicOperationReshare {
			o := op()
			o.SharePublic = bytes.Repeat([]byte{0xff}, 57)
			return o
		}(), "SharePublic"},
		{"to itself", admin.cred, func() *protocol.CryptographicOperationReshare {
			o := op()
			o.GranteeUdf = admin.id
			return o
		}(), "caller's own key"},
		{"existing share id", admin.cred, func() *protocol.CryptographicOperationReshare {
			o := op()
			o.ShareId = enc.KeyId
			return o
		}(), "already names"},
		{"missing grantee", admin.cred, func() *protocol.CryptographicOperationReshare {
			o := op()
			o.GranteeUdf = ""
			return o
		}(), "GranteeUdf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := c.Operate(ctx, tc.cred, &protocol.OperateRequest{Operations: []protocol.CryptographicOperation{{Reshare: tc.op}}})
			if err != nil {
				t.Fatal(err)
			}
			r := resp.Results[0]
			if r.Error == nil || !strings.Contains(r.Error.Error, tc.want) {
				t.Fatalf("result %+v, want a refusal containing %q", r.Error, tc.want)
			}
		})
	}

	// Another account: the whole request is refused.
	if _, err := c.Operate(ctx, admin.cred, &protocol.OperateRequest{AccountAddress: "bob@example.com",
		Operations: []protocol.CryptographicOperation{{Reshare: op()}}}); err == nil {
		t.Fatal("a Reshare on another account was answered")
	}

	// An inactive capability: the administrator's share revoked.
	writeAccess(t, c, a, &catalog.CatalogedAccess{Capability: &catalog.Capability{CapabilityDecryptServiced: &catalog.CapabilityDecryptServiced{
		CryptographicCapability: catalog.CryptographicCapability{CapabilityBase: catalog.CapabilityBase{Id: enc.KeyId, Active: false},
			GranteeUdf: admin.id}}}}, catalog.EventUpdate)
	resp, err := c.Operate(ctx, admin.cred, &protocol.OperateRequest{Operations: []protocol.CryptographicOperation{{Reshare: op()}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := resp.Results[0]; r.Error == nil || !strings.Contains(r.Error.Error, "revoked") {
		t.Fatalf("result %+v, want a refusal for the revoked capability", r.Error)
	}
}

// withDelta replaces the operation's EnvelopedDelta with one holding the
// raw bytes scalar (kid = the share id), enveloped to the host.
func withDelta(t *testing.T, op *protocol.CryptographicOperationReshare, host keys.PublicKey, r profile.Reshare, scalar []byte) *protocol.CryptographicOperationReshare {
	t.Helper()
	kd := keys.NewKeyData(r.Primary)
	kd.PrivateParameters = &keys.Key{PrivateKeyECDH: &keys.PrivateKeyECDH{Kid: r.CapabilityID, Curve: "X448z", Private: scalar}}
	payload, err := jsonb.MarshalTagged(profile.TagKeyData, kd, jsonb.JSON)
	if err != nil {
		t.Fatal(err)
	}
	env, err := dare.Seal(payload, &dare.EncodeOptions{Recipients: []keys.PublicKey{host}})
	if err != nil {
		t.Fatal(err)
	}
	op.EnvelopedDelta = env
	return op
}
