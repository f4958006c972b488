package client

import (
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// The keys a device uses for an account (docs/devices.md §2, §3). The
// device that holds the account seed derives every account key from it.
// Every other device holds what its ActivationCommon grants: whole signature
// keys, and one share of each decryption key it may use, which it can only
// use together with the service (servicedKey). Once the device's
// CatalogedDevice is recorded, every request uses the connected-device
// credential (the ConnectionService signed by AdministratorSignature), so
// that revoking the device's AccessCapability refuses it at once.

// ErrNotAdministrator is returned when a device without the administration
// role tries to accept, reject or delete devices (ARCH 3.1).
var ErrNotAdministrator = errors.New("client: this device does not hold the administration role")

// ErrNoKey is returned when this device holds no key for a catalog or for
// the account's CommonEncryption key: its roles do not grant it.
var ErrNoKey = errors.New("client: this device holds no key for that")

// activation returns this device's connection to the account, decrypting
// its activations on first use (protocol.md F4a step 9).
func (a *Account) activation() (*profile.ActivatedDevice, error) {
	if a.activated != nil {
		return a.activated, nil
	}
	if len(a.rec.CatalogedDevice) == 0 {
		return nil, fmt.Errorf("client: this device is not connected to %s", a.rec.AccountAddress)
	}
	cd := &catalog.CatalogedDevice{}
	if err := jsonb.Unmarshal(a.rec.CatalogedDevice, cd); err != nil {
		return nil, fmt.Errorf("client: the device record of %s is damaged: %w", a.rec.AccountAddress, err)
	}
	if err := cd.Validate(); err != nil {
		return nil, fmt.Errorf("client: the device record of %s is damaged: %w", a.rec.AccountAddress, err)
	}
	dev, err := a.c.device()
	if err != nil {
		return nil, err
	}
	if cd.DeviceUdf != dev.UDF() {
		return nil, fmt.Errorf("client: the device record of %s is for device %s, this machine is %s", a.rec.AccountAddress, cd.DeviceUdf, dev.UDF())
	}
	pu, err := a.Profile()
	if err != nil {
		return nil, err
	}
	act, err := dev.Accept(pu, cd.Envelopes())
	if err != nil {
		return nil, fmt.Errorf("client: activating this device for %s: %w", a.rec.AccountAddress, err)
	}
	a.activated, a.device = act, cd
	a.serviced = map[string]*servicedKey{}
	for _, s := range act.Shares() {
		a.serviced[s.Resource] = &servicedKey{a: a, share: s}
	}
	return act, nil
}

// connected reports whether this device acts with its connected-device
// credential.
func (a *Account) connected() bool { return len(a.rec.CatalogedDevice) > 0 }

// credential returns the credential this device presents for the account
// (protocol.md §3.2): the connected-device credential once the device is
// connected, else (while the creating device sets the account up) the
// account key credential from the seed.
func (a *Account) credential() (*protocol.Credential, error) {
	if a.cred != nil {
		return a.cred, nil
	}
	var err error
	switch {
	case a.connected():
		var act *profile.ActivatedDevice
		if act, err = a.activation(); err != nil {
			return nil, err
		}
		a.cred, err = protocol.NewConnectionCredential(a.rec.ProfileUdf, a.device.EnvelopedConnectionService, act.Authentication())
	case a.secrets != nil:
		var k keys.Agreer
		if k, err = a.secrets.CommonAuthentication(); err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
		a.cred, err = protocol.NewAccountCredential(a.rec.ProfileUdf, k)
	default:
		return nil, fmt.Errorf("client: this device holds no credential for %s", a.rec.AccountAddress)
	}
	if err != nil {
		return nil, err
	}
	return a.cred, nil
}

// storeKeys returns the keys of the catalog label (schema.md §7.1):
// envelopes are encrypted to the store key CompleteAccountEncrypt<label>,
// which this device derives from the account seed or was granted (whole or
// as a share, docs/devices.md §3); the Access catalog is also encrypted to
// the host's AccessEncrypt key so that the service can read it. A device
// whose roles do not grant the store gets ErrNoKey: least privilege.
func (a *Account) storeKeys(label string) (catalog.Keys, error) {
	var k keys.Agreer
	switch {
	case a.secrets != nil:
		var err error
		if k, err = a.secrets.StoreKey(label); err != nil {
			return catalog.Keys{}, fmt.Errorf("client: %w", err)
		}
	case a.connected():
		act, err := a.activation()
		if err != nil {
			return catalog.Keys{}, err
		}
		if direct, ok := act.StoreKey(label); ok {
			k = direct
		} else if sk, ok := a.serviced[label]; ok {
			k = sk
		}
	}
	if k == nil {
		return catalog.Keys{}, fmt.Errorf("%w: the %s catalog of %s is not granted to this device's roles", ErrNoKey, label, a.rec.AccountAddress)
	}
	ck := catalog.Keys{
		Recipients: []keys.PublicKey{k.Public()},
		Ring:       &dare.Keyring{Private: []keys.PrivateKey{k}},
		Rand:       a.c.cfg.Rand,
	}
	if label == profile.StoreAccess {
		host, err := a.accessEncrypt()
		if err != nil {
			return catalog.Keys{}, err
		}
		ck.Recipients = append(ck.Recipients, host)
	}
	return ck, nil
}

// DecryptionKeys returns the private keys this device holds that open
// envelopes encrypted to the account (protocol.md F2 step 2): the
// CommonEncryption key from the seed, or the granted share, which decrypts
// only with the service's help and so stops working when the device is
// revoked. A device without the key gets none.
func (a *Account) DecryptionKeys() ([]keys.PrivateKey, error) {
	if a.secrets != nil {
		k, err := a.secrets.CommonEncryption()
		if err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
		return []keys.PrivateKey{k}, nil
	}
	if !a.connected() {
		return nil, nil
	}
	act, err := a.activation()
	if err != nil {
		return nil, err
	}
	if k, ok := act.CommonEncryption(); ok {
		return []keys.PrivateKey{k}, nil
	}
	if sk, ok := a.serviced[profile.ResourceEncryption]; ok {
		return []keys.PrivateKey{sk}, nil
	}
	return nil, nil
}

// adminKey returns the AdministratorSignature key, or ErrNotAdministrator.
func (a *Account) adminKey() (keys.Signer, error) {
	if a.secrets != nil {
		k, err := a.secrets.AdminKey()
		if err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
		return k, nil
	}
	if a.connected() {
		act, err := a.activation()
		if err != nil {
			return nil, err
		}
		if k, ok := act.AdminKey(); ok {
			return k, nil
		}
	}
	return nil, fmt.Errorf("%w of %s (roles: %v)", ErrNotAdministrator, a.rec.AccountAddress, a.rec.Roles)
}
