package profile

import (
	"fmt"
	"io"
	"time"

	"github.com/mathmesh/mesh/keys"
)

// ConnectOptions adjust ConnectDevice.
type ConnectOptions struct {
	// Rand is the randomness for the activation seed and the encryption;
	// nil means crypto/rand.
	Rand io.Reader
	// Created is the ContentMeta.Created of the envelopes; zero means now.
	Created time.Time
}

// DeviceConnection is what an administrator makes to connect a device
// (protocol.md F1 step 7, F4a step 7; schema.md §4, §5): the connections
// and activations, each also as its envelope, and the overlaid public keys.
// The envelopes go into CatalogedDevice.
type DeviceConnection struct {
	DeviceUDF         string
	Roles             []string
	Keys              *OverlayKeys
	ConnectionService *ConnectionService
	ConnectionDevice  *ConnectionDevice
	Envelopes         DeviceEnvelopes
}

// DeviceEnvelopes are the four signed envelopes that connect a device
// (CatalogedDevice.EnvelopedConnectionService, ...ConnectionDevice,
// ...ActivationAccount, ...ActivationCommon).
type DeviceEnvelopes struct {
	ConnectionService []byte
	ConnectionDevice  []byte
	ActivationAccount []byte
	ActivationCommon  []byte
}

// ConnectDevice connects device to this account with roles (schema.md §5.2,
// §5.3; protocol.md F4a step 7):
//
//  1. draw an activation seed and derive the contributions
//     ActivationDevice{Encrypt,Sign,Authenticate};
//  2. compute the device's account keys B + A from its profile;
//  3. write ConnectionService and ConnectionDevice, signed with
//     AdministratorSignature;
//  4. envelope the ActivationAccount signed with AdministratorSignature and
//     encrypted to the device's base Encryption key;
//  5. envelope the ActivationCommon granted by roles, signed with
//     AdministratorSignature and encrypted to the overlaid Encryption key.
//
// The caller must have authenticated device (a verified profile envelope,
// and the witness or PIN of F4) before calling: the overlay's rogue-key
// rule (threshold.md §3.2) requires that the base keys are known first.
func (a *AccountSecrets) ConnectDevice(device *ProfileDevice, roles []string, opts *ConnectOptions) (*DeviceConnection, error) {
	if opts == nil {
		opts = &ConnectOptions{}
	}
	if err := checkPublished(device); err != nil {
		return nil, err
	}
	grant, err := GrantOf(roles)
	if err != nil {
		return nil, err
	}
	admin, err := a.AdminKey()
	if err != nil {
		return nil, err
	}
	deviceUDF, accountUDF := device.UDF(), a.UDF()
	act, err := newActivationSeed(opts.Rand)
	if err != nil {
		return nil, err
	}
	actAccount := &ActivationAccount{Activation: Activation{ActivationKey: act.seed}, AccountUdf: deviceUDF}
	overlay, err := OverlayPublic(device, actAccount, false)
	if err != nil {
		return nil, err
	}
	cs := ConnectionService{
		Connection: Connection{Subject: deviceUDF, Authority: accountUDF,
			Authentication: keys.NewKeyData(overlay.Authentication)},
		ProfileUdf: accountUDF,
	}
	cd := &ConnectionDevice{ConnectionService: cs, Roles: append([]string(nil), roles...),
		Signature: keys.NewKeyData(overlay.Signature), Encryption: keys.NewKeyData(overlay.Encryption)}
	common, err := a.activationCommon(grant)
	if err != nil {
		return nil, err
	}
	base, err := publicKey(TagProfileDevice, "Encryption", device.Encryption)
	if err != nil {
		return nil, err
	}
	signed := func(obj Object, to ...keys.PublicKey) ([]byte, error) {
		return Seal(obj, &SealOptions{Signers: []keys.Signer{admin}, Recipients: to,
			UniqueID: deviceUDF, Created: opts.Created, Rand: opts.Rand})
	}
	out := &DeviceConnection{DeviceUDF: deviceUDF, Roles: cd.Roles, Keys: overlay,
		ConnectionService: &cs, ConnectionDevice: cd}
	if out.Envelopes.ConnectionService, err = signed(&cs); err != nil {
		return nil, err
	}
	if out.Envelopes.ConnectionDevice, err = signed(cd); err != nil {
		return nil, err
	}
	if out.Envelopes.ActivationAccount, err = signed(actAccount, base); err != nil {
		return nil, err
	}
	if out.Envelopes.ActivationCommon, err = signed(common, overlay.Encryption); err != nil {
		return nil, err
	}
	return out, nil
}

// privateKeyData returns the KeyData of a private key: its public
// parameters and, as PrivateParameters, the private key itself (degree
// Direct, schema.md §5.3).
func privateKeyData(k keys.PrivateKey) (*keys.KeyData, error) {
	kd := keys.NewKeyData(k.Public())
	p, err := keys.NewPrivateKeyECDH(k)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	kd.PrivateParameters = &keys.Key{PrivateKeyECDH: p}
	return kd, nil
}

// activationCommon fills an ActivationCommon with the keys grant names.
func (a *AccountSecrets) activationCommon(g *Grant) (*ActivationCommon, error) {
	ac := &ActivationCommon{}
	add := func(dst **keys.KeyData, want bool, get func() (keys.PrivateKey, error)) error {
		if !want {
			return nil
		}
		k, err := get()
		if err != nil {
			return err
		}
		*dst, err = privateKeyData(k)
		return err
	}
	for _, f := range []struct {
		dst  **keys.KeyData
		want bool
		op   keys.Operation
	}{
		{&ac.ProfileSignature, g.Root, keys.OpProfile},
		{&ac.AdministratorSignature, g.Admin, keys.OpAdminSign},
		{&ac.Encryption, g.CommonEncryption, keys.OpEncrypt},
		{&ac.Authentication, g.CommonAuthentication, keys.OpAuthenticate},
		{&ac.Signature, g.CommonSignature, keys.OpSign},
	} {
		op := f.op
		if err := add(f.dst, f.want, func() (keys.PrivateKey, error) {
			return a.sk.key(keys.TypeComplete, keys.ActorAccount, op, "")
		}); err != nil {
			return nil, err
		}
	}
	for _, label := range g.Stores {
		k, err := a.StoreKey(label)
		if err != nil {
			return nil, err
		}
		kd, err := privateKeyData(k)
		if err != nil {
			return nil, err
		}
		ac.Entries = append(ac.Entries, ActivationEntry{Resource: label, Key: kd})
	}
	return ac, nil
}
