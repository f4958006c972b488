package profile

import (
	"errors"
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
	// Service, when set, grants the decryption keys (CommonEncryption and
	// the store keys) with degree Service: the device gets one share of
	// each, the service the other (DeviceConnection.Serviced), and
	// CommonAuthentication is never granted, since whoever holds it can act
	// as the account and bypass the device's revocation (docs/devices.md
	// §3). Nil grants whole keys (degree Direct), for the device that holds
	// the account seed anyway.
	Service *ServiceGrant
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
	// Serviced are the service's halves of the keys granted with degree
	// Service (ConnectOptions.Service), for the Access catalog.
	Serviced []ServicedShare
	// Reshares are the keys a non-seed administrator re-shares
	// (ActivatedDevice.ConnectDevice): each needs the service's answer to
	// an Operate Reshare, which gives its ServicedShare.
	Reshares []Reshare
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
	admin, err := a.AdminKey()
	if err != nil {
		return nil, err
	}
	var serviced []ServicedShare
	out, err := connectWith(admin, a.UDF(), device, roles, opts, func(g *Grant, o *ConnectOptions) (*ActivationCommon, error) {
		ac, s, err := a.activationCommon(g, o.Service, o.Rand)
		serviced = s
		return ac, err
	})
	if err != nil {
		return nil, err
	}
	out.Serviced = serviced
	return out, nil
}

// connectWith is steps 1-5 of ConnectDevice for an administrator whose
// AdministratorSignature key is admin; common fills the ActivationCommon
// of the grant (from the account seed, or from a non-seed administrator's
// own grants, ActivatedDevice.ConnectDevice).
func connectWith(admin keys.Signer, accountUDF string, device *ProfileDevice, roles []string, opts *ConnectOptions,
	common func(*Grant, *ConnectOptions) (*ActivationCommon, error)) (*DeviceConnection, error) {
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
	deviceUDF := device.UDF()
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
	if opts.Service != nil && opts.Service.AccessEncrypt == nil {
		return nil, errors.New("profile: a Service grant needs the host's AccessEncrypt key")
	}
	ac, err := common(grant, opts)
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
	if out.Envelopes.ActivationCommon, err = signed(ac, overlay.Encryption); err != nil {
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

// activationCommon fills an ActivationCommon with the keys grant names:
// whole keys, or with svc the signature keys whole and the decryption keys
// as shares (schema.md §5.3), whose service halves it returns.
func (a *AccountSecrets) activationCommon(g *Grant, svc *ServiceGrant, rand io.Reader) (*ActivationCommon, []ServicedShare, error) {
	var serviced []ServicedShare
	whole := func(op keys.Operation) (keys.PrivateKey, error) {
		return a.sk.key(keys.TypeComplete, keys.ActorAccount, op, "")
	}
	decrypt := func(resource string) (*keys.KeyData, error) {
		var k keys.PrivateKey
		var err error
		if resource == ResourceEncryption {
			k, err = whole(keys.OpEncrypt)
		} else {
			k, err = a.StoreKey(resource)
		}
		if err != nil {
			return nil, err
		}
		if svc == nil {
			return privateKeyData(k)
		}
		kd, share, err := splitKey(resource, k, svc, rand)
		if err != nil {
			return nil, err
		}
		serviced = append(serviced, *share)
		return kd, nil
	}
	ac, err := fillCommon(g, svc, whole, decrypt)
	if err != nil {
		return nil, nil, err
	}
	return ac, serviced, nil
}

// fillCommon fills an ActivationCommon with the keys grant names: whole
// names the signature (and, without svc, authentication) keys by
// operation, decrypt grants the decryption key of a resource
// (ResourceEncryption or a store label) in whatever degree the caller
// chose. With svc, CommonAuthentication is never granted (docs/devices.md
// §3) and each store entry names its service share.
func fillCommon(g *Grant, svc *ServiceGrant, whole func(keys.Operation) (keys.PrivateKey, error),
	decrypt func(resource string) (*keys.KeyData, error)) (*ActivationCommon, error) {
	ac := &ActivationCommon{}
	for _, f := range []struct {
		dst     **keys.KeyData
		want    bool
		op      keys.Operation
		decrypt bool
	}{
		{&ac.ProfileSignature, g.Root, keys.OpProfile, false},
		{&ac.AdministratorSignature, g.Admin, keys.OpAdminSign, false},
		{&ac.Encryption, g.CommonEncryption, keys.OpEncrypt, true},
		{&ac.Authentication, g.CommonAuthentication && svc == nil, keys.OpAuthenticate, false},
		{&ac.Signature, g.CommonSignature, keys.OpSign, false},
	} {
		if !f.want {
			continue
		}
		var err error
		if f.decrypt {
			if *f.dst, err = decrypt(ResourceEncryption); err != nil {
				return nil, err
			}
			continue
		}
		k, err := whole(f.op)
		if err != nil {
			return nil, err
		}
		if *f.dst, err = privateKeyData(k); err != nil {
			return nil, err
		}
	}
	for _, label := range g.Stores {
		kd, err := decrypt(label)
		if err != nil {
			return nil, err
		}
		e := ActivationEntry{Resource: label, Key: kd}
		if svc != nil {
			e.ServiceId, e.ServiceAddress = kd.PrivateParameters.PrivateKeyECDH.Kid, svc.ServiceAddress
		}
		ac.Entries = append(ac.Entries, e)
	}
	return ac, nil
}
