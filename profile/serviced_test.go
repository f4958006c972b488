package profile

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/threshold"
)

// TestServicedGrant connects a device with degree Service (schema.md §5.3):
// the device gets shares, not keys; the share plus the service's half
// decrypts what was encrypted to the whole key; neither half alone does;
// CommonAuthentication is never granted.
func TestServicedGrant(t *testing.T) {
	f := newFixture(t)
	host, err := keys.Generate(keys.X448, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	svc := &ServiceGrant{AccessEncrypt: host.Public(), ServiceAddress: "alice@example.com"}
	conn, err := f.acct.ConnectDevice(f.prof, []string{RoleWeb}, &ConnectOptions{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	ad, err := f.dev.Accept(f.user, &conn.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ad.CommonEncryption(); ok {
		t.Error("a serviced device holds the whole CommonEncryption key")
	}
	if _, ok := ad.CommonAuthentication(); ok {
		t.Error("a serviced device holds CommonAuthentication")
	}
	if len(ad.Stores()) != 0 {
		t.Errorf("a serviced device holds whole store keys %v", ad.Stores())
	}
	grant, _ := GrantOf([]string{RoleWeb})
	if got, want := len(ad.Shares()), len(grant.Stores)+1; got != want || len(conn.Serviced) != want {
		t.Fatalf("%d device shares and %d service shares, want %d", got, len(conn.Serviced), want)
	}
	whole, _ := f.acct.CommonEncryption()
	for _, ss := range conn.Serviced {
		ds, ok := ad.Share(ss.Resource)
		if !ok || ds.CapabilityID != ss.CapabilityID || !ds.Primary.Equal(ss.Primary) {
			t.Fatalf("%s: device share %v does not pair with service share %s", ss.Resource, ds, ss.CapabilityID)
		}
		if ss.Resource == ResourceEncryption && !ss.Primary.Equal(whole.Public()) {
			t.Errorf("Encryption share is of %s, want CommonEncryption %s", ss.Primary.Fingerprint(), whole.Public().Fingerprint())
		}
		sshare := openServiceShare(t, host, ss.EnvelopedKeyShare)
		eph, _ := keys.Generate(keys.X448, rand.Reader)
		want, _ := eph.(keys.Agreer).Agree(ss.Primary)
		partial, err := sshare.Partial(eph.Public().Bytes())
		if err != nil {
			t.Fatal(err)
		}
		got, err := ds.Combine(eph.Public(), partial)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: share + service partial != the sender's agreement", ss.Resource)
		}
		// The service's half alone is not the key.
		if alone, _ := sshare.Partial(eph.Public().Bytes()); bytes.Equal(alone[:56], want) {
			t.Errorf("%s: the service's share alone decrypts", ss.Resource)
		}
		if s := fmt.Sprintf("%v %+v %#v", ds, ds, ds); strings.Contains(s, "Private") {
			t.Errorf("KeyShare prints %q", s)
		}
	}
}

// TestServicedGrantFreshSplit checks that two devices get unrelated shares of
// the same key (a fresh split per device and key).
func TestServicedGrantFreshSplit(t *testing.T) {
	f := newFixture(t)
	host, _ := keys.Generate(keys.X448, rand.Reader)
	svc := &ServiceGrant{AccessEncrypt: host.Public(), ServiceAddress: "alice@example.com"}
	a, err := f.acct.ConnectDevice(f.prof, []string{RoleMessage}, &ConnectOptions{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.acct.ConnectDevice(f.prof, []string{RoleMessage}, &ConnectOptions{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range append(a.Serviced, b.Serviced...) {
		if seen[s.CapabilityID] {
			t.Errorf("capability %s issued twice", s.CapabilityID)
		}
		seen[s.CapabilityID] = true
	}
}

// TestServicedShareTampered refuses a share whose kid does not name it.
func TestServicedShareTampered(t *testing.T) {
	f := newFixture(t)
	host, _ := keys.Generate(keys.X448, rand.Reader)
	svc := &ServiceGrant{AccessEncrypt: host.Public(), ServiceAddress: "alice@example.com"}
	k, _ := f.acct.CommonEncryption()
	kd, _, err := splitKey(ResourceEncryption, k, svc, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kd.PrivateParameters.PrivateKeyECDH.Kid = "MBAD-KIDX"
	if _, err := loadShare("Encryption", kd, ""); err == nil || !strings.Contains(err.Error(), "kid") {
		t.Errorf("tampered kid: %v", err)
	}
}

func openServiceShare(t *testing.T, host keys.PrivateKey, env []byte) *threshold.PrivateKey {
	t.Helper()
	payload, _, err := dare.Open(env, &dare.Keyring{Private: []keys.PrivateKey{host}})
	if err != nil {
		t.Fatal(err)
	}
	tag, inner, err := jsonb.ReadTag(payload)
	if err != nil || tag != TagKeyData {
		t.Fatalf("service share payload tag %q: %v", tag, err)
	}
	var kd keys.KeyData
	if err := jsonb.Unmarshal(inner, &kd); err != nil {
		t.Fatal(err)
	}
	if kd.PrivateParameters.PrivateKeyECDH.Curve != "X448z" {
		t.Fatalf("service share curve %q", kd.PrivateParameters.PrivateKeyECDH.Curve)
	}
	s, err := threshold.X448.NewPrivateKey(kd.PrivateParameters.PrivateKeyECDH.Private)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
