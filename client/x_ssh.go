package client

// SSH applications (cli.md §10; schema.md §5.4, §7.3; architecture draft
// §4.2.2), added for `meshman ssh` and for mesh-agent's SSH keys:
//
//   - CreateSSH makes an Ed25519 client key, stores its public part as a
//     CatalogedApplicationSsh in MMM_Application (Key = the key's UDF,
//     Grant = the roles, EnvelopedEscrow = the private key enveloped to the
//     account's EscrowEncryption key), and gives every device whose roles
//     the grant covers an ApplicationEntrySsh: an ActivationApplicationSsh
//     with the private key, signed with AdministratorSignature and
//     encrypted to that device's overlaid encryption key.
//   - DeleteSSH removes the application entry and the devices' activations.
//   - SSHKeys opens this device's activations: the keys mesh-agent serves.
//
// The private key of an SSH application is a KeyData whose
// PrivateParameters hold a PrivateKeyECDH with crv "Ed25519" and the
// 32-byte RFC 8032 seed: exactly an OpenSSH Ed25519 key.

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// SSHKey is the private key of one SSH application held by this device.
// It never prints its secret.
type SSHKey struct {
	// Entry is the application's catalog entry (public key, grant).
	Entry *catalog.CatalogedApplicationSsh
	priv  ed25519.PrivateKey
}

// PrivateKey returns a copy of the Ed25519 private key.
func (k *SSHKey) PrivateKey() ed25519.PrivateKey { return append(ed25519.PrivateKey(nil), k.priv...) }

// String redacts the key.
func (k *SSHKey) String() string { return "client.SSHKey{" + k.Entry.Key + ", private key redacted}" }

// GoString redacts the key.
func (k *SSHKey) GoString() string { return k.String() }

// ErrNoSSHKey is returned when this device holds no activation for an SSH
// application (its roles are not granted, or the application was deleted).
var ErrNoSSHKey = errors.New("client: this device holds no private key for the SSH application")

// CreateSSH creates an SSH application named name for the devices with
// one of roles (cli.md §10 `ssh create`).
func (a *Account) CreateSSH(ctx context.Context, name string, roles []string) (*catalog.CatalogedApplicationSsh, error) {
	if len(roles) == 0 {
		return nil, errors.New("client: ssh create needs at least one role for the devices that get the key")
	}
	if err := profile.CheckRoles(roles); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if a.secrets == nil {
		return nil, fmt.Errorf("client: only an administration device of %s can create SSH applications", a.rec.AccountAddress)
	}
	p, err := a.Profile()
	if err != nil {
		return nil, err
	}
	priv, err := keys.Generate(keys.Ed25519, a.c.cfg.Rand)
	if err != nil {
		return nil, fmt.Errorf("client: making the SSH key: %w", err)
	}
	privData, err := privateKeyData(priv)
	if err != nil {
		return nil, err
	}
	escrowKey, err := p.EscrowEncryption.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: EscrowEncryption of %s: %w", a.rec.AccountAddress, err)
	}
	escrow, err := profile.Seal(&profile.ActivationApplicationSsh{ClientKey: privData},
		&profile.SealOptions{Recipients: []keys.PublicKey{escrowKey}, Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()})
	if err != nil {
		return nil, fmt.Errorf("client: escrowing the SSH key: %w", err)
	}
	app := &catalog.CatalogedApplicationSsh{ClientKey: keys.NewKeyData(priv.Public())}
	app.Key, app.Grant, app.LocalName = app.ClientKey.Udf, roles, name
	app.EnvelopedEscrow = append(app.EnvelopedEscrow, escrow)
	if _, err := a.Put(ctx, profile.StoreApplication, app); err != nil {
		return nil, err
	}
	if err := a.updateDevices(ctx, func(d *catalog.CatalogedDevice, cd *profile.ConnectionDevice) (bool, error) {
		if !app.DeviceAuthorized(cd.Roles) {
			return false, nil
		}
		return true, a.addSSHActivation(d, cd, app.Key, privData)
	}); err != nil {
		return nil, fmt.Errorf("client: the SSH application %s was created, but giving it to the devices failed: %w", app.Key, err)
	}
	return app, nil
}

// privateKeyData is the KeyData of an SSH private key.
func privateKeyData(priv keys.PrivateKey) (*keys.KeyData, error) {
	j, err := keys.NewPrivateKeyECDH(priv)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	kd := keys.NewKeyData(priv.Public())
	kd.PrivateParameters = &keys.Key{PrivateKeyECDH: j}
	return kd, nil
}

// addSSHActivation appends the device's ApplicationEntrySsh.
func (a *Account) addSSHActivation(d *catalog.CatalogedDevice, cd *profile.ConnectionDevice, key string, priv *keys.KeyData) error {
	enc, err := cd.Encryption.PublicKey()
	if err != nil {
		return fmt.Errorf("client: the encryption key of device %s: %w", d.DeviceUdf, err)
	}
	admin, err := a.secrets.AdminKey()
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	env, err := profile.Seal(&profile.ActivationApplicationSsh{ClientKey: priv}, &profile.SealOptions{
		Signers: []keys.Signer{admin}, Recipients: []keys.PublicKey{enc}, Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()})
	if err != nil {
		return fmt.Errorf("client: the SSH activation of device %s: %w", d.DeviceUdf, err)
	}
	d.ApplicationEntries = append(d.ApplicationEntries, catalog.ApplicationEntry{
		ApplicationEntrySsh: &catalog.ApplicationEntryBody{Identifier: key, EnvelopedActivation: env}})
	return nil
}

// updateDevices rewrites the MMM_Device entries that change reports as
// changed, each encrypted to the store key and to the device's own
// overlaid encryption key (as at connection time).
func (a *Account) updateDevices(ctx context.Context, change func(*catalog.CatalogedDevice, *profile.ConnectionDevice) (bool, error)) error {
	ck, err := a.storeKeys(profile.StoreDevice)
	if err != nil {
		return err
	}
	admin, err := a.adminPublic()
	if err != nil {
		return err
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	_, err = a.transact(ctx, profile.StoreDevice, func(lc *localContainer) ([][]byte, error) {
		cat, err := catalog.Open(lc, profile.StoreDevice, ck)
		if err != nil {
			return nil, fmt.Errorf("client: the local copy of %s: %w", profile.StoreDevice, err)
		}
		list, err := cat.List()
		if err != nil {
			return nil, err
		}
		var envs [][]byte
		for _, e := range list {
			d, ok := e.(*catalog.CatalogedDevice)
			if !ok {
				continue
			}
			cd := &profile.ConnectionDevice{}
			if err := profile.OpenSigned(d.EnvelopedConnectionDevice, nil, admin, profile.TagConnectionDevice, cd); err != nil {
				return nil, fmt.Errorf("client: the connection of device %s: %w", d.DeviceUdf, err)
			}
			changed, err := change(d, cd)
			if err != nil || !changed {
				if err != nil {
					return nil, err
				}
				continue
			}
			enc, err := cd.Encryption.PublicKey()
			if err != nil {
				return nil, fmt.Errorf("client: the encryption key of device %s: %w", d.DeviceUdf, err)
			}
			env, err := cat.Put(d, enc)
			if err != nil {
				return nil, err
			}
			envs = append(envs, env)
		}
		return envs, nil
	})
	return err
}

func (a *Account) adminPublic() (keys.PublicKey, error) {
	p, err := a.Profile()
	if err != nil {
		return nil, err
	}
	k, err := p.AdministratorSignature.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: AdministratorSignature of %s: %w", a.rec.AccountAddress, err)
	}
	return k, nil
}

// ListSSH returns the account's SSH applications.
func (a *Account) ListSSH(ctx context.Context, sync bool) ([]*catalog.CatalogedApplicationSsh, error) {
	v, err := a.Catalog(ctx, profile.StoreApplication, sync)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	list, err := v.List()
	if err != nil {
		return nil, err
	}
	var out []*catalog.CatalogedApplicationSsh
	for _, e := range list {
		if s, ok := e.(*catalog.CatalogedApplicationSsh); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// GetSSH returns the SSH application whose key (UDF) or local name is id.
func (a *Account) GetSSH(ctx context.Context, id string, sync bool) (*catalog.CatalogedApplicationSsh, error) {
	list, err := a.ListSSH(ctx, sync)
	if err != nil {
		return nil, err
	}
	return findSSH(list, id)
}

func findSSH(list []*catalog.CatalogedApplicationSsh, id string) (*catalog.CatalogedApplicationSsh, error) {
	for _, s := range list {
		if strings.EqualFold(s.Key, id) {
			return s, nil
		}
	}
	for _, s := range list {
		if s.LocalName != "" && s.LocalName == id {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%w: no SSH application %q", ErrNoEntry, id)
}

// DeleteSSH deletes the SSH application id and takes its activation from
// every device, so no agent serves the key any more (cli.md §10).
func (a *Account) DeleteSSH(ctx context.Context, id string) (*catalog.CatalogedApplicationSsh, error) {
	app, err := a.GetSSH(ctx, id, true)
	if err != nil {
		return nil, err
	}
	if _, err := a.Remove(ctx, profile.StoreApplication, app.PrimaryKey(), nil); err != nil {
		return nil, err
	}
	err = a.updateDevices(ctx, func(d *catalog.CatalogedDevice, _ *profile.ConnectionDevice) (bool, error) {
		kept := d.ApplicationEntries[:0]
		for _, ae := range d.ApplicationEntries {
			if ae.ApplicationEntrySsh == nil || ae.ApplicationEntrySsh.Identifier != app.Key {
				kept = append(kept, ae)
			}
		}
		changed := len(kept) != len(d.ApplicationEntries)
		d.ApplicationEntries = kept
		return changed, nil
	})
	if err != nil {
		return nil, fmt.Errorf("client: the SSH application %s was deleted, but removing it from the devices failed: %w", app.Key, err)
	}
	return app, nil
}

// SSHKeys returns the private keys of the SSH applications this device
// holds: its ApplicationEntrySsh activations whose application still
// exists, each opened with the device's overlaid encryption key and
// checked against the application's public key and the account's
// AdministratorSignature. This is what mesh-agent serves to the SSH plugin.
func (a *Account) SSHKeys(ctx context.Context, sync bool) ([]*SSHKey, error) {
	apps, err := a.ListSSH(ctx, sync)
	if err != nil {
		return nil, err
	}
	dev, self, err := a.thisDevice(ctx)
	if err != nil {
		return nil, err
	}
	admin, err := a.adminPublic()
	if err != nil {
		return nil, err
	}
	ring := &dare.Keyring{Private: []keys.PrivateKey{dev.Encryption()}}
	var out []*SSHKey
	for _, ae := range self.ApplicationEntries {
		body := ae.ApplicationEntrySsh
		if body == nil {
			continue
		}
		app, err := findSSH(apps, body.Identifier)
		if err != nil {
			continue // the application was deleted; its activation is void
		}
		k, err := openSSHActivation(ring, admin, app, body.EnvelopedActivation)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

func openSSHActivation(ring *dare.Keyring, admin keys.PublicKey, app *catalog.CatalogedApplicationSsh, env []byte) (*SSHKey, error) {
	act := &profile.ActivationApplicationSsh{}
	if err := profile.OpenSigned(env, ring, admin, profile.TagActivationApplicationSsh, act); err != nil {
		return nil, fmt.Errorf("client: the SSH activation of %s: %w", app.Key, err)
	}
	if act.ClientKey == nil || act.ClientKey.PrivateParameters == nil || act.ClientKey.PrivateParameters.PrivateKeyECDH == nil {
		return nil, fmt.Errorf("client: the SSH activation of %s holds no private key", app.Key)
	}
	priv, err := act.ClientKey.PrivateParameters.PrivateKeyECDH.PrivateKey()
	if err != nil {
		return nil, fmt.Errorf("client: the SSH activation of %s: %w", app.Key, err)
	}
	want, err := app.ClientKey.PublicKey()
	if err != nil || !priv.Public().Equal(want) || priv.Algorithm() != keys.Ed25519 {
		return nil, fmt.Errorf("client: the SSH activation of %s does not hold the application's Ed25519 key", app.Key)
	}
	seed := act.ClientKey.PrivateParameters.PrivateKeyECDH.Private
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("client: the SSH activation of %s holds a %d-byte secret, want an Ed25519 seed", app.Key, len(seed))
	}
	k := &SSHKey{Entry: app, priv: ed25519.NewKeyFromSeed(seed)}
	clear(seed)
	return k, nil
}

// thisDevice returns this device's activation and its entry in the device
// catalog. A device whose roles do not grant the device catalog uses the
// record kept with the account instead (refreshed from Status at every
// sync, so application entries added since reach it at its next sync).
func (a *Account) thisDevice(ctx context.Context) (*profile.ActivatedDevice, *catalog.CatalogedDevice, error) {
	p, err := a.Profile()
	if err != nil {
		return nil, nil, err
	}
	ds, err := a.c.device()
	if err != nil {
		return nil, nil, err
	}
	v, err := a.Catalog(ctx, profile.StoreDevice, false)
	if err != nil {
		if errors.Is(err, ErrNoKey) && a.connected() {
			dev, aerr := a.activation()
			if aerr != nil {
				return nil, nil, aerr
			}
			return dev, a.device, nil
		}
		return nil, nil, err
	}
	defer v.Close()
	e, err := v.Get(a.rec.DeviceUdf)
	if err != nil {
		return nil, nil, fmt.Errorf("client: this device %s is not in the account's device catalog: %w", a.rec.DeviceUdf, err)
	}
	d, ok := e.(*catalog.CatalogedDevice)
	if !ok {
		return nil, nil, fmt.Errorf("client: the device entry %s is a %s", a.rec.DeviceUdf, e.Tag())
	}
	dev, err := ds.Accept(p, d.Envelopes())
	if err != nil {
		return nil, nil, fmt.Errorf("client: activating this device: %w", err)
	}
	return dev, d, nil
}
