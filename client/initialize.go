package client

import (
	"context"
	"fmt"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// initialize is protocol.md §7 F1 steps 3, 6 and 7 for the device that
// created the account: it connects this device to the account with the
// default roles (ActivationAccount overlay, ActivationCommon, the
// connections signed by AdministratorSignature), and uploads the first
// entries: the CatalogedDevice to MMM_Device (encrypted to the store key and
// to the device's overlaid encryption key), the AccessCapability naming the
// device's account authentication key to MMM_Access (readable by the
// service), and the self contact to MMM_Contact.
func (a *Account) initialize(ctx context.Context, dev *profile.DeviceSecrets) error {
	now := a.c.cfg.Now()
	devEnv, err := dev.SignedProfile("", &profile.SealOptions{Rand: a.c.cfg.Rand, Created: now})
	if err != nil {
		return fmt.Errorf("client: signing the device profile: %w", err)
	}
	devProfile, err := profile.VerifyProfileDevice(devEnv)
	if err != nil {
		return fmt.Errorf("client: the device profile: %w", err)
	}
	conn, err := a.secrets.ConnectDevice(devProfile, DefaultRoles, &profile.ConnectOptions{Rand: a.c.cfg.Rand, Created: now})
	if err != nil {
		return fmt.Errorf("client: connecting this device to the account: %w", err)
	}
	entry := &catalog.CatalogedDevice{
		DeviceUdf: dev.UDF(), Udf: a.rec.ProfileUdf,
		EnvelopedProfileUser:       a.rec.EnvelopedProfileUser,
		EnvelopedProfileDevice:     devEnv,
		EnvelopedConnectionService: conn.Envelopes.ConnectionService,
		EnvelopedConnectionDevice:  conn.Envelopes.ConnectionDevice,
		EnvelopedActivationAccount: conn.Envelopes.ActivationAccount,
		EnvelopedActivationCommon:  conn.Envelopes.ActivationCommon,
	}
	var deviceEnv []byte
	if err := a.putInitial(ctx, profile.StoreDevice, func(cat *catalog.Catalog) ([]byte, error) {
		deviceEnv, err = cat.Put(entry, conn.Keys.Encryption)
		return deviceEnv, err
	}); err != nil {
		return err
	}
	authUDF := conn.Keys.Authentication.Fingerprint()
	digest := udf.ContentDigest(deviceEnv, profile.ContentTypeObject, udf.SHA2_512, 128)
	access := catalog.NewAccessCapability(authUDF, DefaultRoles, deviceEnv, digest)
	if err := a.putInitial(ctx, profile.StoreAccess, func(cat *catalog.Catalog) ([]byte, error) {
		return cat.Put(access)
	}); err != nil {
		return err
	}
	// F1 step 7: from now on this device uses its connected-device
	// credential, like every other device, so that it too can be revoked.
	if a.rec.CatalogedDevice, err = jsonb.Marshal(entry); err != nil {
		return fmt.Errorf("client: encoding the device record: %w", err)
	}
	a.cred = nil
	if err := a.c.cfg.Home.saveRecord(a.rec); err != nil {
		return err
	}
	self, err := a.selfContact()
	if err != nil {
		return err
	}
	return a.putInitial(ctx, profile.StoreContact, func(cat *catalog.Catalog) ([]byte, error) {
		return cat.Put(self)
	})
}

// putInitial transacts the one envelope make prepares in catalog label.
func (a *Account) putInitial(ctx context.Context, label string, make func(*catalog.Catalog) ([]byte, error)) error {
	ck, err := a.storeKeys(label)
	if err != nil {
		return err
	}
	_, err = a.transact(ctx, label, func(lc *localContainer) ([][]byte, error) {
		cat, err := catalog.Open(lc, label, ck)
		if err != nil {
			return nil, fmt.Errorf("client: the local copy of %s: %w", label, err)
		}
		env, err := make(cat)
		if err != nil {
			return nil, fmt.Errorf("client: the first %s entry: %w", label, err)
		}
		return [][]byte{env}, nil
	})
	return err
}

// selfContact is the account's own contact (schema.md §7.3, REF
// ContextUser.CreateContact): a ContactPerson anchored to the profile, with
// the account address and the enveloped profile, so that `dare encode
// --encrypt ADDRESS` finds the CommonEncryption key through MMM_Contact
// (protocol.md F2 step 1).
func (a *Account) selfContact() (*catalog.CatalogedContact, error) {
	p := &catalog.ContactPerson{}
	p.Id = a.rec.ProfileUdf
	p.Anchors = []catalog.Anchor{{Udf: a.rec.ProfileUdf, Validation: "Self"}}
	p.NetworkAddresses = []catalog.NetworkAddress{{
		Address: a.rec.AccountAddress, EnvelopedProfileAccount: a.rec.EnvelopedProfileUser,
		Protocols: []catalog.NetworkProtocol{{Protocol: "mmm"}},
	}}
	c := &catalog.CatalogedContact{Key: a.rec.ProfileUdf, Self: true, Contact: &catalog.TaggedContact{ContactPerson: p}}
	return c, nil
}
