package profile

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// ErrKeyActivation reports that the keys a device computes from its
// activation do not match the keys the administrator published (schema.md
// §5.2, REF KeyActivationFailed).
var ErrKeyActivation = errors.New("profile: activated keys do not match the published connection")

// AccountProfile is implemented by ProfileUser and ProfileGroup.
type AccountProfile interface {
	Any
	Account() *ProfileAccount
}

// Account returns the account fields.
func (p *ProfileUser) Account() *ProfileAccount { return &p.ProfileAccount }

// Account returns the account fields.
func (p *ProfileGroup) Account() *ProfileAccount { return &p.ProfileAccount }

// ActivatedDevice is a device connected to an account: its overlaid account
// keys, its roles and the keys its ActivationCommon granted. It never prints
// its secrets.
type ActivatedDevice struct {
	DeviceUDF         string
	AccountUDF        string
	Roles             []string
	ConnectionService *ConnectionService
	ConnectionDevice  *ConnectionDevice

	encryption     keys.Agreer
	signature      keys.Signer
	authentication keys.Agreer
	granted        granted
}

// granted are the private keys of an ActivationCommon.
type granted struct {
	root, admin, commonSign keys.Signer
	commonEnc, commonAuth   keys.Agreer
	stores                  map[string]keys.Agreer
	// shares are the keys granted with degree Service, by resource
	// (ResourceEncryption or a store label).
	shares map[string]*KeyShare
}

// Accept completes a connection on the device (protocol.md F4a step 9;
// schema.md §5.2, §5.3). It checks that the connections are signed by the
// account's AdministratorSignature key and name this device and account,
// decrypts the ActivationAccount with the device's base encryption key,
// adds the private scalars (b + a), checks that the results match every key
// of ConnectionDevice and ConnectionService (ErrKeyActivation otherwise),
// then decrypts the ActivationCommon with the overlaid encryption key and
// checks each granted key against the account profile.
func (d *DeviceSecrets) Accept(account AccountProfile, env *DeviceEnvelopes) (*ActivatedDevice, error) {
	if err := checkPublished(account); err != nil {
		return nil, err
	}
	acc := account.Account()
	admin, err := publicKey(account.Tag(), "AdministratorSignature", acc.AdministratorSignature)
	if err != nil {
		return nil, err
	}
	out := &ActivatedDevice{DeviceUDF: d.UDF(), AccountUDF: acc.UDF()}
	cs, cd := &ConnectionService{}, &ConnectionDevice{}
	if err := OpenSigned(env.ConnectionService, nil, admin, TagConnectionService, cs); err != nil {
		return nil, err
	}
	if err := OpenSigned(env.ConnectionDevice, nil, admin, TagConnectionDevice, cd); err != nil {
		return nil, err
	}
	for _, c := range []*ConnectionService{cs, &cd.ConnectionService} {
		if !udf.Equal(c.Subject, out.DeviceUDF) || !udf.Equal(c.Authority, out.AccountUDF) || !udf.Equal(c.ProfileUdf, out.AccountUDF) {
			return nil, fmt.Errorf("profile: connection names device %q and account %q, want %q and %q",
				c.Subject, c.Authority, out.DeviceUDF, out.AccountUDF)
		}
	}
	if err := CheckRoles(cd.Roles); err != nil {
		return nil, fmt.Errorf("profile: ConnectionDevice field \"Roles\": %w", err)
	}
	out.ConnectionService, out.ConnectionDevice, out.Roles = cs, cd, cd.Roles
	if err := out.activate(d, admin, env.ActivationAccount); err != nil {
		return nil, err
	}
	common := &ActivationCommon{}
	ring := &dare.Keyring{Private: []keys.PrivateKey{out.encryption}}
	if err := OpenSigned(env.ActivationCommon, ring, admin, TagActivationCommon, common); err != nil {
		return nil, err
	}
	if out.granted, err = loadGrants(account, common); err != nil {
		return nil, err
	}
	return out, nil
}

// activate decrypts the ActivationAccount and computes the overlaid keys.
func (a *ActivatedDevice) activate(d *DeviceSecrets, admin keys.PublicKey, env []byte) error {
	baseEnc, err := d.BaseEncryption()
	if err != nil {
		return err
	}
	act := &ActivationAccount{}
	if err := OpenSigned(env, &dare.Keyring{Private: []keys.PrivateKey{baseEnc}}, admin, TagActivationAccount, act); err != nil {
		return err
	}
	if !udf.Equal(act.AccountUdf, a.DeviceUDF) {
		return fmt.Errorf("profile: ActivationAccount is for device %q, not %q", act.AccountUdf, a.DeviceUDF)
	}
	sk, err := newSeedKeys(act.ActivationKey, udf.MeshActivationAccount)
	if err != nil {
		return fmt.Errorf("profile: ActivationAccount field \"ActivationKey\": %w", err)
	}
	combined := make([]keys.PrivateKey, len(overlayOps))
	for i, op := range overlayOps {
		b, err := d.sk.key(keys.TypeBase, d.actor, op, "")
		if err != nil {
			return err
		}
		c, err := sk.contribution(activationActor(d.actor == keys.ActorHost), op)
		if err != nil {
			return err
		}
		if combined[i], err = overlayPrivate(b, c); err != nil {
			return err
		}
	}
	checks := []struct {
		name string
		kd   *keys.KeyData
		k    keys.PrivateKey
	}{
		{"ConnectionDevice.Encryption", a.ConnectionDevice.Encryption, combined[0]},
		{"ConnectionDevice.Signature", a.ConnectionDevice.Signature, combined[1]},
		{"ConnectionDevice.Authentication", a.ConnectionDevice.Authentication, combined[2]},
		{"ConnectionService.Authentication", a.ConnectionService.Authentication, combined[2]},
	}
	for _, c := range checks {
		pub, err := publicKey("connection", c.name, c.kd)
		if err != nil {
			return err
		}
		if !pub.Equal(c.k.Public()) {
			return fmt.Errorf("%w: %s is %s, the device computes %s", ErrKeyActivation, c.name, pub.Fingerprint(), c.k.Public().Fingerprint())
		}
	}
	var ok1, ok2, ok3 bool
	a.encryption, ok1 = combined[0].(keys.Agreer)
	a.signature, ok2 = combined[1].(keys.Signer)
	a.authentication, ok3 = combined[2].(keys.Agreer)
	if !ok1 || !ok2 || !ok3 {
		return fmt.Errorf("profile: activated keys have the wrong kinds (%s, %s, %s)",
			combined[0].Algorithm(), combined[1].Algorithm(), combined[2].Algorithm())
	}
	return nil
}

// grantedKey decodes a granted private key and checks it against the
// public key the account publishes (nil: no published key to check).
func grantedKey(field string, kd *keys.KeyData, published *keys.KeyData) (keys.PrivateKey, error) {
	if kd.PrivateParameters == nil || kd.PrivateParameters.PrivateKeyECDH == nil {
		return nil, fmt.Errorf("profile: ActivationCommon field %q holds no PrivateKeyECDH", field)
	}
	k, err := kd.PrivateParameters.PrivateKeyECDH.PrivateKey()
	if err != nil {
		return nil, fmt.Errorf("profile: ActivationCommon field %q: %w", field, err)
	}
	want, err := publicKey("ActivationCommon", field, kd)
	if err != nil {
		return nil, err
	}
	if published != nil {
		if want, err = publicKey("account profile", field, published); err != nil {
			return nil, err
		}
	}
	if !k.Public().Equal(want) {
		return nil, fmt.Errorf("profile: ActivationCommon field %q holds key %s, want %s", field, k.Public().Fingerprint(), want.Fingerprint())
	}
	return k, nil
}

// loadGrants decodes every key of an ActivationCommon.
func loadGrants(account AccountProfile, ac *ActivationCommon) (granted, error) {
	acc := account.Account()
	var commonSig *keys.KeyData
	if u, ok := account.(*ProfileUser); ok {
		commonSig = u.CommonSignature
	}
	g := granted{stores: map[string]keys.Agreer{}, shares: map[string]*KeyShare{}}
	// share records a key granted with degree Service; it reports false for
	// a whole key.
	share := func(resource, field string, kd, pub *keys.KeyData, serviceAddress string) (bool, error) {
		if kd.PrivateParameters == nil || kd.PrivateParameters.PrivateKeyECDH == nil {
			return false, nil
		}
		ks, err := loadShare(field, kd, serviceAddress)
		if errors.Is(err, errNotShare) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if pub != nil {
			want, err := publicKey("account profile", field, pub)
			if err != nil {
				return false, err
			}
			if !ks.Primary.Equal(want) {
				return false, fmt.Errorf("profile: ActivationCommon field %q shares key %s, want %s", field, ks.Primary.Fingerprint(), want.Fingerprint())
			}
		}
		ks.Resource = resource
		g.shares[resource] = ks
		return true, nil
	}
	sign := func(field string, kd, pub *keys.KeyData, dst *keys.Signer) error {
		if kd == nil {
			return nil
		}
		if pub == nil {
			return fmt.Errorf("profile: ActivationCommon grants %q, which the %s does not publish", field, account.Tag())
		}
		k, err := grantedKey(field, kd, pub)
		if err != nil {
			return err
		}
		s, ok := k.(keys.Signer)
		if !ok {
			return fmt.Errorf("profile: ActivationCommon field %q is a %s key, which cannot sign", field, k.Algorithm())
		}
		*dst = s
		return nil
	}
	agree := func(field string, kd, pub *keys.KeyData, dst *keys.Agreer) error {
		if kd == nil {
			return nil
		}
		k, err := grantedKey(field, kd, pub)
		if err != nil {
			return err
		}
		ag, ok := k.(keys.Agreer)
		if !ok {
			return fmt.Errorf("profile: ActivationCommon field %q is a %s key, which cannot decrypt", field, k.Algorithm())
		}
		*dst = ag
		return nil
	}
	encShared := false
	if ac.Encryption != nil {
		var err error
		if encShared, err = share(ResourceEncryption, "Encryption", ac.Encryption, acc.CommonEncryption, acc.AccountAddress); err != nil {
			return granted{}, err
		}
	}
	encKD := ac.Encryption
	if encShared {
		encKD = nil
	}
	if err := errors.Join(
		sign("ProfileSignature", ac.ProfileSignature, acc.ProfileSignature, &g.root),
		sign("AdministratorSignature", ac.AdministratorSignature, acc.AdministratorSignature, &g.admin),
		sign("Signature", ac.Signature, commonSig, &g.commonSign),
		agree("Encryption", encKD, acc.CommonEncryption, &g.commonEnc),
		agree("Authentication", ac.Authentication, acc.CommonAuthentication, &g.commonAuth),
	); err != nil {
		return granted{}, err
	}
	if len(ac.Entries) > MaxEntries {
		return granted{}, fmt.Errorf("profile: ActivationCommon has %d entries, limit is %d", len(ac.Entries), MaxEntries)
	}
	for i, e := range ac.Entries {
		if err := checkLabel(e.Resource); err != nil {
			return granted{}, fmt.Errorf("profile: ActivationCommon entry %d: %w", i, err)
		}
		if e.Key == nil {
			return granted{}, fmt.Errorf("profile: ActivationCommon entry %d (%s) has no Key", i, e.Resource)
		}
		field := "Entries[" + e.Resource + "]"
		if ok, err := share(e.Resource, field, e.Key, nil, e.ServiceAddress); err != nil {
			return granted{}, err
		} else if ok {
			continue
		}
		var k keys.Agreer
		if err := agree(field, e.Key, nil, &k); err != nil {
			return granted{}, err
		}
		g.stores[e.Resource] = k
	}
	return g, nil
}

// Encryption returns the device's overlaid account encryption key.
func (a *ActivatedDevice) Encryption() keys.Agreer { return a.encryption }

// Signature returns the device's overlaid account signature key.
func (a *ActivatedDevice) Signature() keys.Signer { return a.signature }

// Authentication returns the device's overlaid account authentication key,
// the key of its connected-device credential.
func (a *ActivatedDevice) Authentication() keys.Agreer { return a.authentication }

// StoreKey returns the granted private key of a store, if any.
func (a *ActivatedDevice) StoreKey(label string) (keys.Agreer, bool) {
	k, ok := a.granted.stores[label]
	return k, ok
}

// Stores returns the labels of the stores whose keys were granted, sorted.
func (a *ActivatedDevice) Stores() []string {
	out := make([]string, 0, len(a.granted.stores))
	for l := range a.granted.stores {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Share returns the key share granted with degree Service for resource
// (ResourceEncryption or a store label), if any.
func (a *ActivatedDevice) Share(resource string) (*KeyShare, bool) {
	s, ok := a.granted.shares[resource]
	return s, ok
}

// Shares returns every key share, sorted by resource.
func (a *ActivatedDevice) Shares() []*KeyShare {
	out := make([]*KeyShare, 0, len(a.granted.shares))
	for _, s := range a.granted.shares {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}

// RootKey returns the account root key if the super role granted it.
func (a *ActivatedDevice) RootKey() (keys.Signer, bool) { return a.granted.root, a.granted.root != nil }

// AdminKey returns the AdministratorSignature key if granted.
func (a *ActivatedDevice) AdminKey() (keys.Signer, bool) {
	return a.granted.admin, a.granted.admin != nil
}

// CommonEncryption returns the account encryption key if granted.
func (a *ActivatedDevice) CommonEncryption() (keys.Agreer, bool) {
	return a.granted.commonEnc, a.granted.commonEnc != nil
}

// CommonAuthentication returns the account authentication key if granted.
func (a *ActivatedDevice) CommonAuthentication() (keys.Agreer, bool) {
	return a.granted.commonAuth, a.granted.commonAuth != nil
}

// CommonSignature returns the account signature key if granted.
func (a *ActivatedDevice) CommonSignature() (keys.Signer, bool) {
	return a.granted.commonSign, a.granted.commonSign != nil
}

// Keyring returns the decryption keys of the device: its overlaid
// encryption key, the Common encryption key if granted, and every granted
// store key.
func (a *ActivatedDevice) Keyring() *dare.Keyring {
	r := &dare.Keyring{Private: []keys.PrivateKey{a.encryption}}
	if a.granted.commonEnc != nil {
		r.Private = append(r.Private, a.granted.commonEnc)
	}
	for _, l := range a.Stores() {
		r.Private = append(r.Private, a.granted.stores[l])
	}
	return r
}

// String prints the device and account UDFs only.
func (a *ActivatedDevice) String() string {
	return "ActivatedDevice(" + a.DeviceUDF + " in " + a.AccountUDF + ", secrets redacted)"
}

// GoString prints the device and account UDFs only.
func (a *ActivatedDevice) GoString() string { return a.String() }

// Format prints the device and account UDFs only, for every verb.
func (a *ActivatedDevice) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }
