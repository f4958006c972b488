package profile

import (
	"errors"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/threshold"
	"github.com/mathmesh/mesh/udf"
)

type fixture struct {
	acct *AccountSecrets
	user *ProfileUser
	dev  *DeviceSecrets
	prof *ProfileDevice
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	acct, _ := AccountFromSeed(testSeed(udf.MeshProfileAccount, 3))
	dev, _ := DeviceFromSeed(testSeed(udf.MeshProfileDevice, 1))
	user, err := acct.ProfileUser("alice@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{acct: acct, user: user, dev: dev, prof: mustProfile(t, dev)}
}

// TestConnectAccept runs F1 step 7 / F4a steps 7 and 9: the administrator
// connects the device, the device accepts, and the device's combined private
// keys match the public keys the administrator computed.
func TestConnectAccept(t *testing.T) {
	f := newFixture(t)
	conn, err := f.acct.ConnectDevice(f.prof, DefaultRoles, nil)
	if err != nil {
		t.Fatal(err)
	}
	ad, err := f.dev.Accept(f.user, &conn.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	pairs := []struct {
		name string
		priv keys.PrivateKey
		pub  keys.PublicKey
	}{
		{"encryption", ad.Encryption(), conn.Keys.Encryption},
		{"signature", ad.Signature(), conn.Keys.Signature},
		{"authentication", ad.Authentication(), conn.Keys.Authentication},
	}
	for _, p := range pairs {
		if !p.priv.Public().Equal(p.pub) {
			t.Errorf("%s: device key %s, admin computed %s", p.name, p.priv.Public().Fingerprint(), p.pub.Fingerprint())
		}
		// Independent check with the threshold package's CheckOverlay.
		tk, err := toThreshold(p.priv)
		if err != nil {
			t.Fatal(err)
		}
		if err := threshold.CheckOverlay(tk, p.pub.Bytes()); err != nil {
			t.Errorf("%s: %v", p.name, err)
		}
		// The overlaid key differs from the base key.
		base, _ := basePublic(f.prof, overlayOps[map[string]int{"encryption": 0, "signature": 1, "authentication": 2}[p.name]])
		if base.Equal(p.pub) {
			t.Errorf("%s: overlaid key equals the base key", p.name)
		}
	}
	// The overlaid signature key signs verifiably.
	sig, err := ad.Signature().Sign([]byte("m"))
	if err != nil || !keys.Verify(conn.Keys.Signature, []byte("m"), sig) {
		t.Errorf("overlaid signature does not verify: %v", err)
	}
	// Grants of super, admin, web.
	if _, ok := ad.RootKey(); !ok {
		t.Error("super did not grant the root key")
	}
	if _, ok := ad.AdminKey(); !ok {
		t.Error("admin did not grant the administration key")
	}
	if k, ok := ad.StoreKey(StoreCredential); !ok {
		t.Error("web did not grant MMM_Credential")
	} else if want, _ := f.acct.StoreKey(StoreCredential); !k.Public().Equal(want.Public()) {
		t.Error("granted MMM_Credential key is not the account's store key")
	}
	if _, ok := ad.StoreKey(StoreMember); ok {
		t.Error("MMM_Member granted to a user device")
	}
	// A device with the web role only gets no root or admin key.
	conn2, _ := f.acct.ConnectDevice(f.prof, []string{RoleWeb}, nil)
	ad2, err := f.dev.Accept(f.user, &conn2.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ad2.AdminKey(); ok {
		t.Error("web device got the administration key")
	}
}

// TestAcceptRejects: tampered or mismatched connections are refused.
func TestAcceptRejects(t *testing.T) {
	f := newFixture(t)
	conn, err := f.acct.ConnectDevice(f.prof, DefaultRoles, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := AccountFromSeed(testSeed(udf.MeshProfileAccount, 7))
	otherConn, _ := other.ConnectDevice(f.prof, DefaultRoles, nil)
	otherDev, _ := DeviceFromSeed(testSeed(udf.MeshProfileDevice, 8))

	// A ConnectionDevice whose keys differ from the activation, signed by
	// the real administrator: the device must detect the mismatch.
	admin, _ := f.acct.AdminKey()
	bad := *conn.ConnectionDevice
	bad.Encryption = keys.NewKeyData(conn.Keys.Authentication)
	badEnv, err := Seal(&bad, &SealOptions{Signers: []keys.Signer{admin}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		dev    *DeviceSecrets
		env    DeviceEnvelopes
		wantIs error
	}{
		{"mismatched published key", f.dev, with(conn.Envelopes, func(e *DeviceEnvelopes) { e.ConnectionDevice = badEnv }), ErrKeyActivation},
		{"connection signed by another account", f.dev, with(conn.Envelopes, func(e *DeviceEnvelopes) { e.ConnectionDevice = otherConn.Envelopes.ConnectionDevice }), ErrNotSigned},
		{"activation from another account", f.dev, with(conn.Envelopes, func(e *DeviceEnvelopes) { e.ActivationAccount = otherConn.Envelopes.ActivationAccount }), ErrNotSigned},
		{"another device", otherDev, conn.Envelopes, nil},
		{"common swapped", f.dev, with(conn.Envelopes, func(e *DeviceEnvelopes) { e.ActivationCommon = otherConn.Envelopes.ActivationCommon }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.dev.Accept(f.user, &tt.env)
			if err == nil {
				t.Fatal("accepted")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Fatalf("err = %v, want %v", err, tt.wantIs)
			}
		})
	}
}

func with(e DeviceEnvelopes, f func(*DeviceEnvelopes)) DeviceEnvelopes {
	f(&e)
	return e
}

// TestActivationEncrypted: the activation needs the device's base key and
// the ActivationCommon the overlaid key.
func TestActivationEncrypted(t *testing.T) {
	f := newFixture(t)
	conn, _ := f.acct.ConnectDevice(f.prof, DefaultRoles, nil)
	if _, err := Open(conn.Envelopes.ActivationAccount, nil); !errors.Is(err, dare.ErrNoKey) {
		t.Errorf("ActivationAccount opened without a key: %v", err)
	}
	base, _ := f.dev.BaseEncryption()
	if _, err := Open(conn.Envelopes.ActivationCommon, &dare.Keyring{Private: []keys.PrivateKey{base}}); err == nil {
		t.Error("ActivationCommon opened with the base key")
	}
}
