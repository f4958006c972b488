package client

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// Contact cards (schema.md §7.3): a user's self contact is a ContactPerson
// anchored on the account profile, with one NetworkAddress carrying the
// enveloped ProfileUser, signed with CommonSignature. It is what a contact
// request carries (AuthenticatedData) and what a contact URI publishes.

// ErrNotContact is returned when a message needs a contact's keys and the
// address is not in the contact catalog.
var ErrNotContact = errors.New("client: not in the contact catalog")

// commonSigner returns the CommonSignature key that signs this account's
// messages: from the seed, or as granted to this device (message role).
func (a *Account) commonSigner() (keys.Signer, error) {
	if a.secrets != nil {
		k, err := a.secrets.CommonSignature()
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
		if k, ok := act.CommonSignature(); ok {
			return k, nil
		}
	}
	return nil, fmt.Errorf("%w: this device may not sign messages for %s (it needs the message role)", ErrNoKey, a.rec.AccountAddress)
}

// deviceSigner returns this device's own signature key for the account
// (the overlaid key of its ConnectionDevice) and the enveloped
// ConnectionDevice that states it, signed by AdministratorSignature.
func (a *Account) deviceSigner() (keys.Signer, []byte, error) {
	act, err := a.activation()
	if err != nil {
		return nil, nil, err
	}
	if len(a.device.EnvelopedConnectionDevice) == 0 {
		return nil, nil, fmt.Errorf("client: the device record of %s has no ConnectionDevice", a.rec.AccountAddress)
	}
	return act.Signature(), a.device.EnvelopedConnectionDevice, nil
}

// selfCard returns the account's self contact and its envelope signed
// with CommonSignature.
func (a *Account) selfCard() (*catalog.CatalogedContact, []byte, error) {
	sig, err := a.commonSigner()
	if err != nil {
		return nil, nil, err
	}
	person := &catalog.ContactPerson{}
	person.Id = a.rec.ProfileUdf
	person.Anchors = []catalog.Anchor{{Udf: a.rec.ProfileUdf, Validation: "Self"}}
	person.NetworkAddresses = []catalog.NetworkAddress{{
		Address: a.rec.AccountAddress, EnvelopedProfileAccount: a.rec.EnvelopedProfileUser,
		Protocols: []catalog.NetworkProtocol{{Protocol: "mmm"}},
	}}
	c := &catalog.CatalogedContact{Key: a.rec.ProfileUdf, Self: true, Contact: &catalog.TaggedContact{ContactPerson: person}}
	env, err := profile.Seal(c, &profile.SealOptions{Signers: []keys.Signer{sig}, UniqueID: c.Key,
		Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()})
	if err != nil {
		return nil, nil, fmt.Errorf("client: sealing the self contact: %w", err)
	}
	return c, env, nil
}

// openCard verifies a contact card: the entry's first mmm NetworkAddress
// carries a valid ProfileUser of that address, and the envelope is signed
// by the profile's CommonSignature. ring opens an encrypted card (a
// publication, F6b) and may be nil. It returns the entry to store in the
// reader's catalog (Key = the profile UDF, Self false) and the profile.
func openCard(env []byte, ring *dare.Keyring) (*catalog.CatalogedContact, *profile.ProfileUser, error) {
	if ring == nil {
		ring = &dare.Keyring{}
	}
	var c catalog.CatalogedContact
	if _, err := profile.OpenAs(env, ring, catalog.TagContact, &c); err != nil {
		return nil, nil, fmt.Errorf("client: contact card: %w", err)
	}
	if err := c.Validate(); err != nil || c.Contact == nil || c.Contact.ContactPerson == nil {
		return nil, nil, fmt.Errorf("client: contact card is not a ContactPerson: %v", err)
	}
	var na *catalog.NetworkAddress
	for i := range c.Contact.ContactPerson.NetworkAddresses {
		if len(c.Contact.ContactPerson.NetworkAddresses[i].EnvelopedProfileAccount) > 0 {
			na = &c.Contact.ContactPerson.NetworkAddresses[i]
			break
		}
	}
	if na == nil {
		return nil, nil, errors.New("client: contact card carries no account profile")
	}
	pu, err := profile.VerifyProfileUser(na.EnvelopedProfileAccount)
	if err != nil {
		return nil, nil, fmt.Errorf("client: contact card profile: %w", err)
	}
	if !strings.EqualFold(pu.AccountAddress, na.Address) {
		return nil, nil, fmt.Errorf("client: contact card for %q carries the profile of %q", na.Address, pu.AccountAddress)
	}
	sig, err := pu.CommonSignature.PublicKey()
	if err != nil {
		return nil, nil, fmt.Errorf("client: contact card profile CommonSignature: %w", err)
	}
	trusted := &dare.Keyring{Private: ring.Private, Symmetric: ring.Symmetric, Trusted: []keys.PublicKey{sig}}
	if err := profile.OpenSigned(env, trusted, sig, catalog.TagContact, &catalog.CatalogedContact{}); err != nil {
		return nil, nil, fmt.Errorf("client: contact card of %s: %w", na.Address, err)
	}
	c.Key, c.Self = pu.UDF(), false
	c.Contact.ContactPerson.Id = pu.UDF()
	return &c, pu, nil
}

// contactProfile finds the contact with this address in cat and returns
// its verified account profile.
func contactProfile(cat *catalog.Catalog, address string) (*profile.ProfileUser, error) {
	e, err := cat.Find(func(e catalog.Entry) bool {
		c, ok := e.(*catalog.CatalogedContact)
		return ok && !c.Self && cardProfileEnv(c, address) != nil
	})
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s (exchange contacts first with `contact request %s`)", ErrNotContact, address, address)
	}
	if err != nil {
		return nil, err
	}
	pu, err := profile.VerifyProfileUser(cardProfileEnv(e.(*catalog.CatalogedContact), address))
	if err != nil {
		return nil, fmt.Errorf("client: the stored profile of contact %s: %w", address, err)
	}
	if !strings.EqualFold(pu.AccountAddress, address) {
		return nil, fmt.Errorf("client: the stored contact %s holds the profile of %s", address, pu.AccountAddress)
	}
	return pu, nil
}

// cardProfileEnv returns the enveloped profile of address in a contact.
func cardProfileEnv(c *catalog.CatalogedContact, address string) []byte {
	if c.Contact == nil {
		return nil
	}
	_, body, err := c.Contact.Body()
	if err != nil {
		return nil
	}
	for _, na := range body.NetworkAddresses {
		if strings.EqualFold(na.Address, address) && len(na.EnvelopedProfileAccount) > 0 {
			return na.EnvelopedProfileAccount
		}
	}
	return nil
}

// publicKeys returns a profile's CommonEncryption and CommonSignature keys.
func publicKeys(pu *profile.ProfileUser) (enc, sig keys.PublicKey, err error) {
	if pu.CommonEncryption == nil || pu.CommonSignature == nil {
		return nil, nil, fmt.Errorf("client: the profile of %s lacks CommonEncryption or CommonSignature", pu.AccountAddress)
	}
	if enc, err = pu.CommonEncryption.PublicKey(); err != nil {
		return nil, nil, fmt.Errorf("client: CommonEncryption of %s: %w", pu.AccountAddress, err)
	}
	if sig, err = pu.CommonSignature.PublicKey(); err != nil {
		return nil, nil, fmt.Errorf("client: CommonSignature of %s: %w", pu.AccountAddress, err)
	}
	return enc, sig, nil
}
