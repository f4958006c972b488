package client

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// The devices of an account (protocol.md §7 F5; cli.md §5): list them, and
// revoke one.

// DeviceInfo describes one entry of MMM_Device.
type DeviceInfo struct {
	DeviceUDF string   `json:"device_udf"`
	Roles     []string `json:"roles"`
	// AuthenticationUDF is the device's overlaid authentication key: the
	// Id of its AccessCapability.
	AuthenticationUDF string `json:"authentication_udf"`
	// This is true for the device the command runs on.
	This bool `json:"this,omitempty"`
}

// Devices lists the account's devices, after a sync of MMM_Device unless
// offline. It needs the MMM_Device key (admin or super role).
func (a *Account) Devices(ctx context.Context, sync bool) ([]*DeviceInfo, error) {
	v, err := a.Catalog(ctx, profile.StoreDevice, sync)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	list, err := v.List()
	if err != nil {
		return nil, err
	}
	var out []*DeviceInfo
	for _, e := range list {
		cd, ok := e.(*catalog.CatalogedDevice)
		if !ok {
			continue
		}
		info, err := a.deviceInfo(cd)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DeviceUDF < out[j].DeviceUDF })
	return out, nil
}

// deviceInfo reads a CatalogedDevice's ConnectionDevice, checking the
// administrator's signature.
func (a *Account) deviceInfo(cd *catalog.CatalogedDevice) (*DeviceInfo, error) {
	pu, err := a.Profile()
	if err != nil {
		return nil, err
	}
	admin, err := pu.AdministratorSignature.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: the account's AdministratorSignature: %w", err)
	}
	conn := &profile.ConnectionDevice{}
	if err := profile.OpenSigned(cd.EnvelopedConnectionDevice, nil, admin, profile.TagConnectionDevice, conn); err != nil {
		return nil, fmt.Errorf("client: device %s: %w", cd.DeviceUdf, err)
	}
	if conn.Authentication == nil {
		return nil, fmt.Errorf("client: device %s: its ConnectionDevice has no Authentication key", cd.DeviceUdf)
	}
	return &DeviceInfo{DeviceUDF: cd.DeviceUdf, Roles: conn.Roles, AuthenticationUDF: conn.Authentication.Udf,
		This: udf.Equal(cd.DeviceUdf, a.rec.DeviceUdf)}, nil
}

// ErrNoDeviceEntry is returned when no device matches the id given.
var ErrNoDeviceEntry = errors.New("client: no such device")

// DeleteDevice revokes the device named by id (its device UDF, or an
// unambiguous prefix of it; F5): in one Transact its MMM_Device entry is
// deleted, its AccessCapability is made inactive and every
// CapabilityDecryptServiced granted to it is replaced by a NullCapability.
// From then on the service refuses the device's requests and its Operate
// calls, so it can no longer decrypt anything encrypted to the account or
// to the catalogs, including what it synced before; nothing is
// re-encrypted and the other devices are unaffected. Keys the device held
// whole (signature keys of its roles) stay with it until rotated.
func (a *Account) DeleteDevice(ctx context.Context, id string) (*DeviceInfo, error) {
	if _, err := a.adminKey(); err != nil {
		return nil, err
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var gone *DeviceInfo
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
		if gone, err = a.deviceInfo(cd); err != nil {
			return nil, err
		}
		if gone.This {
			return nil, fmt.Errorf("client: %s is this device; delete it from another administration device", cd.DeviceUdf)
		}
		devEnv, err := devCat.Delete(cd.PrimaryKey())
		if err != nil {
			return nil, err
		}
		access, err := revocations(accCat, gone.AuthenticationUDF)
		if err != nil {
			return nil, err
		}
		return &multiUpdate{Updates: map[string][][]byte{profile.StoreDevice: {devEnv}, profile.StoreAccess: access}}, nil
	})
	if err != nil {
		return nil, err
	}
	return gone, nil
}

// findDevice finds a device entry by UDF or unambiguous UDF prefix.
func findDevice(cat *catalog.Catalog, id string) (*catalog.CatalogedDevice, error) {
	want, err := udf.Canonical(id)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrNoDeviceEntry, id, err)
	}
	var match []string
	for _, k := range cat.Keys() {
		if c, err := udf.Canonical(k); err == nil && strings.HasPrefix(strings.ReplaceAll(c, "-", ""), strings.ReplaceAll(want, "-", "")) {
			match = append(match, k)
		}
	}
	switch len(match) {
	case 0:
		return nil, fmt.Errorf("%w %q in %s", ErrNoDeviceEntry, id, cat.Label())
	case 1:
	default:
		return nil, fmt.Errorf("client: %q names %d devices; give more of the UDF", id, len(match))
	}
	e, err := cat.Get(match[0])
	if err != nil {
		return nil, err
	}
	cd, ok := e.(*catalog.CatalogedDevice)
	if !ok {
		return nil, fmt.Errorf("client: entry %s of %s is a %s", match[0], cat.Label(), e.Tag())
	}
	return cd, nil
}

// revocations returns the Access catalog updates that revoke the device
// whose authentication key is authID (F5 step 1).
func revocations(cat *catalog.Catalog, authID string) ([][]byte, error) {
	env, err := cat.Put(catalog.Revoked(authID))
	if err != nil {
		return nil, err
	}
	nulls, err := servicedNulls(cat, authID)
	if err != nil {
		return nil, err
	}
	return append([][]byte{env}, nulls...), nil
}

// servicedNulls returns the Access catalog updates that replace every
// CapabilityDecryptServiced granted to the key authID by a NullCapability,
// so that the service no longer helps that device decrypt.
func servicedNulls(cat *catalog.Catalog, authID string) ([][]byte, error) {
	list, err := cat.List()
	if err != nil {
		return nil, fmt.Errorf("client: reading %s: %w", cat.Label(), err)
	}
	var out [][]byte
	for _, e := range list {
		ca, ok := e.(*catalog.CatalogedAccess)
		if !ok || ca.Capability == nil || ca.Capability.CapabilityDecryptServiced == nil {
			continue
		}
		c := ca.Capability.CapabilityDecryptServiced
		if !udf.Equal(c.GranteeUdf, authID) {
			continue
		}
		null := &catalog.CatalogedAccess{Capability: &catalog.Capability{NullCapability: &catalog.NullCapability{
			CapabilityBase: catalog.CapabilityBase{Id: c.Id, Active: false}}}}
		env, err := cat.Put(null)
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}
