package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/threshold"
)

// addContact puts other's self contact (address and signed profile) into
// a's contacts and other on a's inbound allow-list, as a contact exchange
// would.
func addContact(t *testing.T, a, other *Account) {
	t.Helper()
	p := &catalog.ContactPerson{}
	p.Id = other.ProfileUDF()
	p.NetworkAddresses = []catalog.NetworkAddress{{Address: other.Address(), EnvelopedProfileAccount: other.rec.EnvelopedProfileUser}}
	e := &catalog.CatalogedContact{Key: other.ProfileUDF(), Contact: &catalog.TaggedContact{ContactPerson: p}}
	if _, err := a.Put(context.Background(), profile.StoreContact, e); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Put(context.Background(), profile.StoreAccess, catalog.NewInboundContact(other.Address(), true)); err != nil {
		t.Fatal(err)
	}
}

func openDefault(t *testing.T, c *Client) *Account {
	t.Helper()
	a, err := c.Open("")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestGroupLifecycle runs protocol.md F8 against a real service: create a
// group, encrypt to it, add a member who then decrypts with the service's
// share, refuse changes by a non-administrator, remove the member, and
// check the member can no longer decrypt the same file.
func TestGroupLifecycle(t *testing.T) {
	ctx := context.Background()
	url := testService(t)
	ac, bc := testClient(t, url), testClient(t, url)
	if _, err := ac.CreateAccount(ctx, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := bc.CreateAccount(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	alice, bob := openDefault(t, ac), openDefault(t, bc)
	addContact(t, alice, bob)
	addContact(t, bob, alice)

	const grp = "groupw@example.com"
	if _, err := alice.CreateGroup(ctx, grp); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.CreateGroup(ctx, grp); !errors.Is(err, ErrGroupExists) {
		t.Errorf("second create: %v, want ErrGroupExists", err)
	}
	pub, err := alice.GroupEncryptionKey(grp)
	if err != nil || pub == nil {
		t.Fatalf("group key: %v, %v", pub, err)
	}
	plain := []byte("group secret")
	env, err := dare.Seal(plain, &dare.EncodeOptions{Recipients: []keys.PublicKey{pub}})
	if err != nil {
		t.Fatal(err)
	}
	// The administrator is not a member: no key.
	if ks, err := alice.GroupDecryptionKeys(); err != nil || len(ks) != 0 {
		t.Errorf("administrator holds %d group keys (%v)", len(ks), err)
	}
	// A non-administrator can change nothing.
	if _, err := bob.AddMember(ctx, grp, "bob@example.com"); !errors.Is(err, ErrNotGroupAdministrator) {
		t.Errorf("add by a non-administrator: %v", err)
	}
	if _, err := alice.AddMember(ctx, grp, "nobody@example.com"); !errors.Is(err, ErrUnknownMember) {
		t.Errorf("add of an unknown member: %v", err)
	}

	m, err := alice.AddMember(ctx, grp, "bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.AddMember(ctx, grp, "bob@example.com"); !errors.Is(err, ErrAlreadyMember) {
		t.Errorf("second add: %v", err)
	}
	res, err := bob.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 1 || res.Groups[0].Error != "" || res.Groups[0].Group != grp || !res.Groups[0].Verified {
		t.Fatalf("invitation handling: %+v", res.Groups)
	}
	if res, err := bob.Sync(ctx); err != nil || len(res.Groups) != 0 {
		t.Errorf("a closed invitation was handled again: %+v, %v", res, err)
	}
	ks, err := bob.GroupDecryptionKeys()
	if err != nil || len(ks) != 1 {
		t.Fatalf("member keys: %d, %v", len(ks), err)
	}
	got, _, err := dare.Open(env, &dare.Keyring{Private: ks})
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("member decrypt: %q, %v", got, err)
	}
	if k, err := bob.GroupEncryptionKey(grp); err != nil || k == nil || !k.Equal(pub) {
		t.Errorf("member's view of the group key: %v, %v", k, err)
	}
	// The administrator decrypts once it adds itself.
	if _, err := alice.AddMember(ctx, grp, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	aks, err := alice.GroupDecryptionKeys()
	if err != nil || len(aks) != 1 {
		t.Fatalf("administrator keys after adding itself: %d, %v", len(aks), err)
	}
	if got, _, err := dare.Open(env, &dare.Keyring{Private: aks}); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("administrator decrypt: %q, %v", got, err)
	}
	list, err := alice.Members(ctx, grp)
	if err != nil || len(list) != 2 || list[1].Member != "bob@example.com" || !list[1].Active || list[1].Capability != m.Capability {
		t.Errorf("members: %+v, %v", list, err)
	}
	if s := fmt.Sprintf("%v %+v %#v %s", ks[0], ks[0], ks[0], ks[0]); !strings.Contains(s, "redacted") || strings.Contains(s, "Private") {
		t.Errorf("group key prints %q", s)
	}

	// A raw Operate on the group by another account's key is refused.
	other := openDefault(t, ac)
	cred, _ := other.credential()
	pc, _ := other.service(ctx)
	resp, err := pc.Operate(ctx, cred, &protocol.OperateRequest{
		MeshRequestUser: protocol.MeshRequestUser{Account: other.ProfileUDF()}, AccountAddress: grp,
		Operations: []protocol.CryptographicOperation{{KeyAgreement: &protocol.CryptographicOperationKeyAgreement{
			KeyId: m.Capability, PublicKey: &keys.Key{PublicKeyECDH: keys.NewPublicKeyECDH(pub)}}}},
	})
	// It is a connected device of alice, who is no member: the capability
	// is granted to bob's account, so the operation is refused.
	if err == nil && (len(resp.Results) != 1 || resp.Results[0].Error == nil) {
		t.Errorf("Operate on the group by a device of a non-member: %+v", resp)
	}

	if _, err := alice.RemoveMember(ctx, grp, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.RemoveMember(ctx, grp, "bob@example.com"); !errors.Is(err, ErrNoMember) {
		t.Errorf("second remove: %v", err)
	}
	ks, err = bob.GroupDecryptionKeys()
	if err != nil || len(ks) != 1 {
		t.Fatalf("member keys after removal: %d, %v", len(ks), err)
	}
	if _, _, err := dare.Open(env, &dare.Keyring{Private: ks}); err == nil || !strings.Contains(err.Error(), "refused to decrypt") {
		t.Errorf("removed member decrypts: %v", err)
	}
}

// TestGroupShareHalves checks threshold.md §3.4 on the split AddMember
// makes: the member's share alone and the service's share alone give no
// agreement that opens a file encrypted to the group; both together do.
func TestGroupShareHalves(t *testing.T) {
	gs, err := profile.NewAccount(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	host, err := keys.Generate(keys.X448, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hostRing := &dare.Keyring{Private: []keys.PrivateKey{host}}
	g := &group{acct: &Account{secrets: gs}}
	s, err := g.split(host.Public(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	z, _ := gs.CommonEncryption()
	env, err := dare.Seal([]byte("x"), &dare.EncodeOptions{Recipients: []keys.PublicKey{z.Public()}})
	if err != nil {
		t.Fatal(err)
	}
	// The service's half is not a share the capability names.
	if _, err := openMemberShare(s.service, s.capID, z.Public(), hostRing); err == nil {
		t.Fatal("the service share passed as the member share")
	}
	svc := serviceHalf(t, s.service, hostRing)
	memberEnv, err := sealKeyData(s.member, s.capID, host.Public(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	m, err := openMemberShare(memberEnv, s.capID, z.Public(), hostRing)
	if err != nil {
		t.Fatal(err)
	}
	for name, agree := range map[string]func(keys.PublicKey) ([]byte, error){
		"member alone":  func(p keys.PublicKey) ([]byte, error) { return m.Agree(p.Bytes()) },
		"service alone": func(p keys.PublicKey) ([]byte, error) { return svc.Agree(p.Bytes()) },
	} {
		k := &fixedAgreer{pub: z.Public(), agree: agree}
		if _, _, err := dare.Open(env, &dare.Keyring{Private: []keys.PrivateKey{k}}); err == nil {
			t.Errorf("%s opened the file", name)
		}
	}
	both := &fixedAgreer{pub: z.Public(), agree: func(p keys.PublicKey) ([]byte, error) {
		partial, err := svc.Partial(p.Bytes())
		if err != nil {
			return nil, err
		}
		return m.Decrypt(p.Bytes(), partial)
	}}
	if got, _, err := dare.Open(env, &dare.Keyring{Private: []keys.PrivateKey{both}}); err != nil || string(got) != "x" {
		t.Errorf("member and service together: %q, %v", got, err)
	}
}

// serviceHalf opens the service's enveloped share as the service does.
func serviceHalf(t *testing.T, env []byte, ring *dare.Keyring) *threshold.PrivateKey {
	t.Helper()
	payload, _, err := dare.Open(env, ring)
	if err != nil {
		t.Fatal(err)
	}
	_, inner, err := jsonb.ReadTag(payload)
	if err != nil {
		t.Fatal(err)
	}
	var kd keys.KeyData
	if err := jsonb.Unmarshal(inner, &kd); err != nil {
		t.Fatal(err)
	}
	k, err := threshold.X448.NewPrivateKey(kd.PrivateParameters.PrivateKeyECDH.Private)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// fixedAgreer is a keys.Agreer with a given agreement function.
type fixedAgreer struct {
	pub   keys.PublicKey
	agree func(keys.PublicKey) ([]byte, error)
}

func (f *fixedAgreer) Algorithm() keys.Algorithm                 { return f.pub.Algorithm() }
func (f *fixedAgreer) Public() keys.PublicKey                    { return f.pub }
func (f *fixedAgreer) Agree(peer keys.PublicKey) ([]byte, error) { return f.agree(peer) }
