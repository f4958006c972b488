package client

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/udf"
)

// A device learns that its own record changed (new roles after `device
// auth`) from Status (protocol.md §4.6): it sends the digest of the record
// it holds, and when the digest in its AccessCapability differs the service
// returns that capability's EnvelopedCatalogedDevice and digest.

// DeviceRefresh reports a device record that a sync found changed.
type DeviceRefresh struct {
	Roles []string `json:"roles"`
	// Before are the roles the device held until then.
	Before []string `json:"before"`
}

// refreshDevice applies the record Status returned, if any: the envelope
// must carry the digest Status names, open with this device's overlaid
// encryption key and hold this device's entry; its connection is then
// activated exactly as at first connection (profile.DeviceSecrets.Accept
// checks every administrator signature and every key), and only then is
// the record replaced. It returns nil when nothing changed.
func (a *Account) refreshDevice(st *protocol.StatusResponse) (*DeviceRefresh, error) {
	if len(st.EnvelopedCatalogedDevice) == 0 || !a.connected() {
		return nil, nil
	}
	env := []byte(st.EnvelopedCatalogedDevice)
	digest := udf.ContentDigest(env, profile.ContentTypeObject, udf.SHA2_512, 128)
	if !udf.Equal(digest, st.CatalogedDeviceDigest) {
		return nil, fmt.Errorf("client: the service returned this device's record with digest %q, but the record's digest is %s",
			st.CatalogedDeviceDigest, digest)
	}
	act, err := a.activation()
	if err != nil {
		return nil, err
	}
	cd := &catalog.CatalogedDevice{}
	ring := &dare.Keyring{Private: []keys.PrivateKey{act.Encryption()}}
	if _, err := profile.OpenAs(env, ring, catalog.TagDevice, cd); err != nil {
		return nil, fmt.Errorf("client: this device's record from the service: %w", err)
	}
	if err := cd.Validate(); err != nil {
		return nil, fmt.Errorf("client: this device's record from the service: %w", err)
	}
	if !udf.Equal(cd.DeviceUdf, a.rec.DeviceUdf) {
		return nil, fmt.Errorf("client: the service returned the record of device %s, this device is %s", cd.DeviceUdf, a.rec.DeviceUdf)
	}
	if !bytes.Equal(cd.EnvelopedConnectionService, a.device.EnvelopedConnectionService) {
		return nil, fmt.Errorf("client: the record from the service has another ConnectionService for this device; it is refused")
	}
	before := a.rec.Roles
	unchanged := bytes.Equal(cd.EnvelopedConnectionDevice, a.device.EnvelopedConnectionDevice) &&
		bytes.Equal(cd.EnvelopedActivationCommon, a.device.EnvelopedActivationCommon) &&
		bytes.Equal(cd.EnvelopedActivationAccount, a.device.EnvelopedActivationAccount)
	if unchanged {
		a.rec.CatalogedDeviceDigest = digest
		return nil, nil
	}
	dev, err := a.c.device()
	if err != nil {
		return nil, err
	}
	pu, err := a.Profile()
	if err != nil {
		return nil, err
	}
	next, err := dev.Accept(pu, cd.Envelopes())
	if err != nil {
		return nil, fmt.Errorf("client: activating this device's changed record: %w", err)
	}
	raw, err := jsonb.Marshal(cd)
	if err != nil {
		return nil, fmt.Errorf("client: encoding the device record: %w", err)
	}
	a.rec.CatalogedDevice, a.rec.Roles, a.rec.CatalogedDeviceDigest = raw, next.Roles, digest
	a.activated, a.device, a.serviced = nil, nil, nil
	if _, err := a.activation(); err != nil {
		return nil, err
	}
	if slices.Equal(before, next.Roles) {
		return nil, nil
	}
	return &DeviceRefresh{Roles: next.Roles, Before: before}, nil
}
