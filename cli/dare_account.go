package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// Account keys for the DARE commands (protocol.md §7 F2; architecture draft
// §4.1.1): `dare encode --encrypt alice@example.com` encrypts to the
// account's CommonEncryption key, and `dare decode` tries the decryption
// keys of the accounts on this machine. The DARE commands call:
//
//	recipientKey(value)        for each --encrypt value (instead of readPublicKey)
//	accountDecryptionKeys()    to add to the keyring of decode and verify

// recipientKey resolves an --encrypt value: an existing key file as before,
// otherwise an account address, found among the accounts of this machine
// and then in the default account's contacts (the local copy; run
// `account sync` to refresh it).
func recipientKey(value string) (keys.PublicKey, error) {
	if _, err := os.Stat(value); err == nil || !strings.Contains(value, "@") {
		return readPublicKey(value)
	}
	if _, err := client.ServiceDomain(value); err != nil {
		return nil, err
	}
	c, err := (&accountFlags{}).client(&App{})
	if err != nil {
		return nil, err
	}
	if a, err := c.Open(value); err == nil {
		return a.EncryptionKey()
	} else if !errors.Is(err, client.ErrNoAccount) {
		return nil, err
	}
	k, err := groupEncryptionKey(c, value)
	if err == nil && k == nil {
		k, err = contactEncryptionKey(c, value)
	}
	if err != nil {
		return nil, err
	}
	if k == nil {
		return nil, fmt.Errorf("%s is neither a key file, an account on this machine nor a contact of the default account", value)
	}
	return k, nil
}

// contactEncryptionKey looks address up in the default account's contact
// catalog and returns the CommonEncryption key of the account profile the
// contact carries, or nil if there is no such contact.
func contactEncryptionKey(c *client.Client, address string) (keys.PublicKey, error) {
	a, err := c.Open("")
	if errors.Is(err, client.ErrNoAccount) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v, err := a.Catalog(context.Background(), profile.StoreContact, false)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	list, err := v.List()
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		cc, ok := e.(*catalog.CatalogedContact)
		if !ok || cc.Contact == nil {
			continue
		}
		_, body, err := cc.Contact.Body()
		if err != nil {
			continue
		}
		for _, na := range body.NetworkAddresses {
			if !strings.EqualFold(na.Address, address) || len(na.EnvelopedProfileAccount) == 0 {
				continue
			}
			pu, err := profile.VerifyProfileUser(na.EnvelopedProfileAccount)
			if err != nil {
				return nil, fmt.Errorf("contact %s: %w", address, err)
			}
			if pu.CommonEncryption == nil {
				return nil, fmt.Errorf("contact %s: the profile has no CommonEncryption key", address)
			}
			return pu.CommonEncryption.PublicKey()
		}
	}
	return nil, nil
}

// accountDecryptionKeys returns the decryption keys of every account on
// this machine. A machine with no accounts gives none.
func accountDecryptionKeys() ([]keys.PrivateKey, error) {
	c, err := (&accountFlags{}).client(&App{})
	if err != nil {
		return nil, nil
	}
	list, err := c.Accounts()
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var out []keys.PrivateKey
	for _, info := range list {
		a, err := c.Open(info.ProfileUDF)
		if err != nil {
			return nil, err
		}
		ks, err := a.DecryptionKeys()
		if err != nil {
			return nil, err
		}
		gk, err := a.GroupDecryptionKeys()
		if err != nil {
			return nil, err
		}
		out = append(append(out, ks...), gk...)
	}
	return out, nil
}
