package profile

import (
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// Reauthorize changes the roles of a device already connected to this
// account (cli.md §5 `device auth`; schema.md §4, §5.3; docs/devices.md §5).
//
// The device keeps its overlaid keys: ConnectionService and the
// ActivationAccount in prev are kept byte for byte (so its credential and
// its AccessCapability Id do not change), and the administrator, who cannot
// read the ActivationAccount (it is encrypted to the device's base key),
// needs only the overlaid public keys that prev's ConnectionDevice states.
// A new ConnectionDevice with roles and a new ActivationCommon with the
// grants of roles (fresh shares with opts.Service, as ConnectDevice) are
// signed with AdministratorSignature; the ActivationCommon is encrypted to
// the overlaid Encryption key. The device checks all of it with
// DeviceSecrets.Accept, as for a first connection.
//
// prev must be signed by this account's AdministratorSignature and name
// device and this account; anything else is refused.
func (a *AccountSecrets) Reauthorize(device *ProfileDevice, prev *DeviceEnvelopes, roles []string, opts *ConnectOptions) (*DeviceConnection, error) {
	if opts == nil {
		opts = &ConnectOptions{}
	}
	if prev == nil {
		return nil, errors.New("profile: reauthorize: the device's current connection is missing")
	}
	if err := checkPublished(device); err != nil {
		return nil, err
	}
	grant, err := GrantOf(roles)
	if err != nil {
		return nil, err
	}
	if opts.Service != nil && opts.Service.AccessEncrypt == nil {
		return nil, errors.New("profile: a Service grant needs the host's AccessEncrypt key")
	}
	admin, err := a.AdminKey()
	if err != nil {
		return nil, err
	}
	deviceUDF, accountUDF := device.UDF(), a.UDF()
	cs, old := &ConnectionService{}, &ConnectionDevice{}
	if err := OpenSigned(prev.ConnectionService, nil, admin.Public(), TagConnectionService, cs); err != nil {
		return nil, fmt.Errorf("profile: reauthorize: the current ConnectionService: %w", err)
	}
	if err := OpenSigned(prev.ConnectionDevice, nil, admin.Public(), TagConnectionDevice, old); err != nil {
		return nil, fmt.Errorf("profile: reauthorize: the current ConnectionDevice: %w", err)
	}
	for _, c := range []*ConnectionService{cs, &old.ConnectionService} {
		if !udf.Equal(c.Subject, deviceUDF) || !udf.Equal(c.Authority, accountUDF) || !udf.Equal(c.ProfileUdf, accountUDF) {
			return nil, fmt.Errorf("profile: reauthorize: the current connection names device %q and account %q, want %q and %q",
				c.Subject, c.Authority, deviceUDF, accountUDF)
		}
	}
	if len(prev.ActivationAccount) == 0 {
		return nil, errors.New("profile: reauthorize: the current EnvelopedActivationAccount is missing")
	}
	overlay := &OverlayKeys{}
	for _, k := range []struct {
		dst   *keys.PublicKey
		field string
		kd    *keys.KeyData
	}{
		{&overlay.Encryption, "Encryption", old.Encryption},
		{&overlay.Signature, "Signature", old.Signature},
		{&overlay.Authentication, "Authentication", cs.Authentication},
	} {
		if *k.dst, err = publicKey(TagConnectionDevice, k.field, k.kd); err != nil {
			return nil, err
		}
	}
	if old.Authentication == nil || !udf.Equal(old.Authentication.Udf, cs.Authentication.Udf) {
		return nil, errors.New("profile: reauthorize: the current ConnectionDevice and ConnectionService state different authentication keys")
	}
	cd := &ConnectionDevice{ConnectionService: old.ConnectionService, Roles: append([]string(nil), roles...),
		Signature: old.Signature, Encryption: old.Encryption}
	common, serviced, err := a.activationCommon(grant, opts.Service, opts.Rand)
	if err != nil {
		return nil, err
	}
	seal := func(obj Object, to ...keys.PublicKey) ([]byte, error) {
		return Seal(obj, &SealOptions{Signers: []keys.Signer{admin}, Recipients: to,
			UniqueID: deviceUDF, Created: opts.Created, Rand: opts.Rand})
	}
	out := &DeviceConnection{DeviceUDF: deviceUDF, Roles: cd.Roles, Keys: overlay,
		ConnectionService: cs, ConnectionDevice: cd, Serviced: serviced}
	out.Envelopes.ConnectionService = append([]byte(nil), prev.ConnectionService...)
	out.Envelopes.ActivationAccount = append([]byte(nil), prev.ActivationAccount...)
	if out.Envelopes.ConnectionDevice, err = seal(cd); err != nil {
		return nil, err
	}
	if out.Envelopes.ActivationCommon, err = seal(common, overlay.Encryption); err != nil {
		return nil, err
	}
	return out, nil
}
