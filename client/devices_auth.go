package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// Changing the roles of a connected device (cli.md §5 `device auth`;
// docs/devices.md §5).

// AuthorizeDevice gives the device named by id (its device UDF or an
// unambiguous prefix) exactly roles. In one Transact: its MMM_Device entry
// is replaced by one with a new ConnectionDevice and ActivationCommon
// (profile.AccountSecrets.Reauthorize: same overlaid keys, so the same
// credential), its AccessCapability gets the new rights and the new
// record, its old key shares are replaced by NullCapability entries and
// the shares of the new grants are added. The device picks the change up
// at its next sync (Status returns its changed record, protocol.md §4.6);
// the service enforces the new rights at once. Only the device holding
// the account seed can do this, as for accepting a device.
func (a *Account) AuthorizeDevice(ctx context.Context, id string, roles []string) (*DeviceInfo, error) {
	if _, err := a.adminKey(); err != nil {
		return nil, err
	}
	if len(roles) == 0 {
		return nil, errors.New("client: name at least one role (e.g. --web); to remove every role, delete the device")
	}
	if err := profile.CheckRoles(roles); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if a.secrets == nil {
		return nil, fmt.Errorf("%w: changing a device's roles needs the account seed, which only the device that created (or recovered) %s holds", ErrNotAdministrator, a.rec.AccountAddress)
	}
	host, err := a.accessEncrypt()
	if err != nil {
		return nil, err
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out *DeviceInfo
	containers := []string{profile.StoreDevice, profile.StoreAccess}
	err = a.transactMulti(ctx, containers, func(copies map[string]*localContainer) (*multiUpdate, error) {
		devCat, accCat, err := a.openAdminCatalogs(copies)
		if err != nil {
			return nil, err
		}
		cd, err := findDevice(devCat, id)
		if err != nil {
			return nil, err
		}
		old, err := a.deviceInfo(cd)
		if err != nil {
			return nil, err
		}
		if old.This {
			return nil, fmt.Errorf("client: %s is this device, which holds the account seed; its roles do not limit it", cd.DeviceUdf)
		}
		if slices.Equal(old.Roles, roles) {
			return nil, fmt.Errorf("client: device %s already has the roles %v", cd.DeviceUdf, roles)
		}
		dev, err := profile.VerifyProfileDevice(cd.EnvelopedProfileDevice)
		if err != nil {
			return nil, fmt.Errorf("client: the profile of device %s: %w", cd.DeviceUdf, err)
		}
		now := a.c.cfg.Now()
		conn, err := a.secrets.Reauthorize(dev, cd.Envelopes(), roles, &profile.ConnectOptions{Rand: a.c.cfg.Rand, Created: now,
			Service: &profile.ServiceGrant{AccessEncrypt: host, ServiceAddress: a.rec.AccountAddress}})
		if err != nil {
			return nil, fmt.Errorf("client: changing the roles of %s: %w", cd.DeviceUdf, err)
		}
		next := *cd
		next.EnvelopedConnectionDevice = conn.Envelopes.ConnectionDevice
		next.EnvelopedActivationCommon = conn.Envelopes.ActivationCommon
		updated := now.UTC().Truncate(time.Second)
		next.Updated = &updated
		devEnv, err := devCat.Put(&next, conn.Keys.Encryption)
		if err != nil {
			return nil, fmt.Errorf("client: the device entry: %w", err)
		}
		authID := conn.Keys.Authentication.Fingerprint()
		if !udf.Equal(authID, old.AuthenticationUDF) {
			return nil, fmt.Errorf("client: device %s: the new connection has another authentication key", cd.DeviceUdf)
		}
		access, err := servicedNulls(accCat, authID)
		if err != nil {
			return nil, err
		}
		digest := udf.ContentDigest(devEnv, profile.ContentTypeObject, udf.SHA2_512, 128)
		env, err := accCat.Put(catalog.NewAccessCapability(authID, roles, devEnv, digest))
		if err != nil {
			return nil, fmt.Errorf("client: the access entry: %w", err)
		}
		access = append(access, env)
		for _, s := range conn.Serviced {
			env, err := accCat.Put(servicedCapability(&s, authID, a.rec.AccountAddress, now))
			if err != nil {
				return nil, fmt.Errorf("client: the %s key share entry: %w", s.Resource, err)
			}
			access = append(access, env)
		}
		out = &DeviceInfo{DeviceUDF: cd.DeviceUdf, Roles: conn.Roles, AuthenticationUDF: authID}
		return &multiUpdate{Updates: map[string][][]byte{profile.StoreDevice: {devEnv}, profile.StoreAccess: access}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
