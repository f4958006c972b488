package profile

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// fixedTime is the Created time of golden envelopes.
var fixedTime = time.Date(2021, 8, 5, 16, 37, 43, 0, time.UTC)

// testSeed returns a deterministic seed for tests.
func testSeed(alg udf.AlgID, b byte) string {
	s := make([]byte, udf.MeshSeedBytes)
	for i := range s {
		s[i] = b + byte(i)
	}
	return udf.Seed(alg, s)
}

type deviceVector struct {
	Seed string `json:"seed"`
	Keys map[string]struct {
		UDF    string `json:"udf"`
		Public string `json:"public"`
	} `json:"keys"`
	Golden string `json:"golden"`
}

// TestDeviceVectorD1 derives the ProfileDevice of seed D1 (udf.md §11) and
// checks each key and the exact JSON form.
func TestDeviceVectorD1(t *testing.T) {
	data, err := os.ReadFile("testdata/device_d1.json")
	if err != nil {
		t.Fatal(err)
	}
	var v deviceVector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	d, err := DeviceFromSeed(v.Seed)
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.ProfileDevice("")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]*keys.KeyData{"ProfileSignature": p.ProfileSignature, "Encryption": p.Encryption,
		"Signature": p.Signature, "Authentication": p.Authentication}
	for name, want := range v.Keys {
		kd := fields[name]
		if kd.Udf != want.UDF {
			t.Errorf("%s Udf = %s, want %s", name, kd.Udf, want.UDF)
		}
		if got := base64.RawURLEncoding.EncodeToString(kd.PublicParameters.PublicKeyECDH.Public); got != want.Public {
			t.Errorf("%s Public = %s, want %s", name, got, want.Public)
		}
	}
	got, err := jsonb.MarshalTagged(p.Tag(), p, jsonb.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != v.Golden {
		t.Errorf("JSON form differs:\n got %s\nwant %s", got, v.Golden)
	}
	if d.UDF() != v.Keys["ProfileSignature"].UDF {
		t.Errorf("UDF() = %s", d.UDF())
	}
}

// TestSignedProfilesRoundTrip signs and verifies every profile type.
func TestSignedProfilesRoundTrip(t *testing.T) {
	dev, _ := DeviceFromSeed(testSeed(udf.MeshProfileDevice, 1))
	host, _ := HostFromSeed(testSeed(udf.MeshProfileDevice, 2))
	acct, _ := AccountFromSeed(testSeed(udf.MeshProfileAccount, 3))
	svc, _ := ServiceFromSeed(testSeed(udf.MeshProfileService, 4))
	opts := &SealOptions{Created: fixedTime}
	tests := []struct {
		name string
		make func() ([]byte, error)
		tag  string
		udf  string
	}{
		{"device", func() ([]byte, error) { return dev.SignedProfile("phone", opts) }, TagProfileDevice, dev.UDF()},
		{"host", func() ([]byte, error) { return host.SignedProfile("host1", opts) }, TagProfileHost, host.UDF()},
		{"user", func() ([]byte, error) { return acct.SignedProfileUser("alice@example.com", svc.UDF(), opts) }, TagProfileUser, acct.UDF()},
		{"group", func() ([]byte, error) { return acct.SignedProfileGroup("group@example.com", svc.UDF(), opts) }, TagProfileGroup, acct.UDF()},
		{"service", func() ([]byte, error) { return svc.SignedProfile("", opts) }, TagProfileService, svc.UDF()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := tt.make()
			if err != nil {
				t.Fatal(err)
			}
			p, err := VerifyProfile(env)
			if err != nil {
				t.Fatal(err)
			}
			if p.Tag() != tt.tag || p.base().UDF() != tt.udf {
				t.Errorf("got %s %s, want %s %s", p.Tag(), p.base().UDF(), tt.tag, tt.udf)
			}
			// Deterministic: same seed, same time, same bytes (EdDSA, no encryption).
			again, _ := tt.make()
			if string(again) != string(env) {
				t.Error("signing the same profile twice gave different envelopes")
			}
		})
	}
}

// TestTamperedProfile: any change to a profile's payload or signature, or a
// profile signed by another key, fails verification.
func TestTamperedProfile(t *testing.T) {
	dev, _ := DeviceFromSeed(testSeed(udf.MeshProfileDevice, 1))
	other, _ := DeviceFromSeed(testSeed(udf.MeshProfileDevice, 9))
	env, err := dev.SignedProfile("phone", &SealOptions{Created: fixedTime})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := dev.ProfileDevice("phone")
	p.Encryption = mustProfile(t, other).Encryption // substitute a key
	otherSigner, _ := other.ProfileKey()
	tests := []struct {
		name string
		env  func() []byte
	}{
		{"payload byte flipped", func() []byte { return flipInBody(t, env) }},
		{"signature byte flipped", func() []byte {
			i := strings.Index(string(env), `"signature":"`) + len(`"signature":"`) + 3
			b := []byte(string(env))
			b[i] = flipChar(b[i])
			return b
		}},
		{"signed by another key", func() []byte {
			b, err := Seal(p, &SealOptions{Signers: []keys.Signer{otherSigner}})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{"unsigned", func() []byte {
			b, err := Seal(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{"truncated", func() []byte { return env[:len(env)/2] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := VerifyProfile(tt.env()); err == nil {
				t.Fatal("tampered profile verified")
			}
		})
	}
	if _, err := SignProfile(p, otherSigner, nil); err == nil {
		t.Error("SignProfile accepted a signer that is not the ProfileSignature key")
	}
}

func mustProfile(t *testing.T, d *DeviceSecrets) *ProfileDevice {
	t.Helper()
	p, err := d.ProfileDevice("")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// flipInBody changes one character of the base64url payload string.
func flipInBody(t *testing.T, env []byte) []byte {
	t.Helper()
	s := string(env)
	i := strings.Index(s, `},"`) // end of header, start of the body string
	if i < 0 {
		t.Fatal("no body in envelope")
	}
	b := []byte(s)
	b[i+10] = flipChar(b[i+10])
	return b
}

func flipChar(c byte) byte {
	if c == 'A' {
		return 'B'
	}
	return 'A'
}

// TestPrivateParametersRefused: a profile that publishes a private key is
// invalid (schema.md §3.2).
func TestPrivateParametersRefused(t *testing.T) {
	dev, _ := DeviceFromSeed(testSeed(udf.MeshProfileDevice, 1))
	p := mustProfile(t, dev)
	k, _ := dev.BaseEncryption()
	kd, err := privateKeyData(k)
	if err != nil {
		t.Fatal(err)
	}
	p.Encryption = kd
	signer, _ := dev.ProfileKey()
	if _, err := SignProfile(p, signer, nil); err == nil || !strings.Contains(err.Error(), "private parameters") {
		t.Fatalf("err = %v, want a private parameters error", err)
	}
}

func TestSecretsRedacted(t *testing.T) {
	dev, _ := DeviceFromSeed(testSeed(udf.MeshProfileDevice, 1))
	acct, _ := AccountFromSeed(testSeed(udf.MeshProfileAccount, 3))
	act := &ActivationAccount{Activation: Activation{ActivationKey: testSeed(udf.MeshActivationAccount, 5)}}
	for _, v := range []any{dev, acct, act, &act.Activation} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			for _, secret := range []string{dev.Seed(), acct.Seed(), act.ActivationKey} {
				if strings.Contains(out, secret) {
					t.Errorf("%s of %T prints a seed: %s", verb, v, out)
				}
			}
		}
	}
}

func TestSeedErrors(t *testing.T) {
	tests := []struct {
		name string
		fn   func() error
		want string
	}{
		{"account seed as device", func() error { _, err := DeviceFromSeed(testSeed(udf.MeshProfileAccount, 1)); return err }, "want MeshProfileDevice"},
		{"garbage", func() error { _, err := AccountFromSeed("not a seed!"); return err }, "profile: seed"},
		{"too long", func() error { _, err := ServiceFromSeed(strings.Repeat("A", 2000)); return err }, "exceeds the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fn()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestRoles checks the role table (schema.md §6) through what it grants.
func TestRoles(t *testing.T) {
	tests := []struct {
		roles []string
		want  Grant
	}{
		{[]string{RoleDevice}, Grant{Stores: []string{StoreApplication, StoreNetwork}}},
		{[]string{RoleMessage}, Grant{CommonEncryption: true, CommonSignature: true, CommonAuthentication: true,
			Stores: []string{StoreApplication, StoreContact, StoreInbound, StoreNetwork, StoreOutbound, StorePublication}}},
		{[]string{RoleWeb}, Grant{CommonEncryption: true, CommonSignature: true, CommonAuthentication: true,
			Stores: []string{StoreApplication, StoreBookmark, StoreContact, StoreCredential, StoreInbound, StoreNetwork,
				StoreOutbound, StorePublication, StoreTask}}},
		{[]string{RoleSuper}, Grant{Root: true, Admin: true, Stores: []string{StoreAccess, StoreDevice}}},
		{[]string{RoleAdmin}, Grant{Admin: true, Stores: []string{StoreAccess, StoreApplication, StoreBookmark,
			StoreContact, StoreDevice, StoreInbound, StoreNetwork, StoreOutbound, StorePublication, StoreTask}}},
		{[]string{RoleGroupMember}, Grant{CommonEncryption: true, Stores: []string{StorePublication}}},
		{[]string{RoleGroupAdmin}, Grant{CommonEncryption: true, CommonSignature: true,
			Stores: []string{StoreMember, StorePublication}}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.roles, ","), func(t *testing.T) {
			g, err := GrantOf(tt.roles)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, g); diff != "" {
				t.Errorf("grant (-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range [][]string{{"store"}, {"root"}, {"web", "web"}, {""}} {
		if _, err := GrantOf(bad); err == nil {
			t.Errorf("roles %q accepted", bad)
		}
	}
}
