package client

import (
	"fmt"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// PIN registrations and the markers that close them are trusted only when
// the account's AdministratorSignature key signed them (protocol.md §7 F4b
// step 1; docs/devices.md): the Local spool is also written by the service
// (claims) and, on a service that does not enforce the administration
// role, possibly by other devices, so what is merely encrypted to
// CommonEncryption proves nothing about who registered it.

// adminPublicKey returns the account profile's AdministratorSignature key.
func (a *Account) adminPublicKey() (keys.PublicKey, error) {
	p, err := a.Profile()
	if err != nil {
		return nil, err
	}
	ad := p.Account().AdministratorSignature
	if ad == nil {
		return nil, fmt.Errorf("client: the profile of %s has no AdministratorSignature key", a.rec.AccountAddress)
	}
	k, err := ad.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: AdministratorSignature of %s: %w", a.rec.AccountAddress, err)
	}
	return k, nil
}

// signedPin returns the MessagePin with MessageId id that the
// AdministratorSignature key signed, or nil when the Local spool has none.
// sp must have been opened with the key among its keyring's Trusted keys.
// Unsigned or differently signed messages under the same id are skipped,
// so a forged entry can neither grant roles nor hide the real one.
func signedPin(sp *spool.Spool, id string) *spool.MessagePin {
	for _, it := range sp.Items(func(it *spool.Item) bool { return it.Type == spool.TagMessagePin && udf.Equal(it.MessageID, id) }) {
		msg, res, err := sp.Open(it)
		if err != nil {
			continue
		}
		if mp, ok := msg.(*spool.MessagePin); ok && res.Signed {
			return mp
		}
	}
	return nil
}

// pinClosed reports whether a MessageComplete signed by the
// AdministratorSignature key (sp's trusted key) closes the PIN id. Markers
// without that signature are ignored.
func pinClosed(sp *spool.Spool, id string) bool {
	for _, it := range sp.Items(func(it *spool.Item) bool { return it.Type == spool.TagMessageComplete }) {
		msg, res, err := sp.Open(it)
		if err != nil || !res.Signed {
			continue
		}
		mc, ok := msg.(*spool.MessageComplete)
		if !ok {
			continue
		}
		for _, r := range mc.References {
			if r.Relationship == spool.RelationshipClosed && udf.Equal(r.MessageId, id) {
				return true
			}
		}
	}
	return false
}

// pinKeyring is the keyring for the Local spool when validating PINs: the
// CommonEncryption key opens the messages, the AdministratorSignature key is
// the only trusted signer.
func (a *Account) pinKeyring() (*dare.Keyring, error) {
	enc, err := a.secrets.CommonEncryption()
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	admin, err := a.adminPublicKey()
	if err != nil {
		return nil, err
	}
	return &dare.Keyring{Private: []keys.PrivateKey{enc}, Trusted: []keys.PublicKey{admin}}, nil
}
