package catalog

import (
	"fmt"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// StoreKeys returns the Keys of catalog label for a device that holds the
// store's private key (schema.md §7.1): envelopes are encrypted to the
// store key, the Access catalog's also to the host's AccessEncrypt key
// (from AccountHostAssignment), and the Publication catalog's to nobody.
// storeKey may be nil for a device without the store's key; it can then
// replay the catalog but neither read nor write entries.
func StoreKeys(label string, storeKey keys.Agreer, accessEncrypt keys.PublicKey) (Keys, error) {
	if _, ok := catalogTypes[label]; !ok {
		return Keys{}, fmt.Errorf("catalog: unknown catalog %q", label)
	}
	k := Keys{Ring: &dare.Keyring{}}
	if label == profile.StorePublication {
		return k, nil
	}
	if storeKey == nil {
		return k, nil
	}
	k.Ring.Private = []keys.PrivateKey{storeKey}
	k.Recipients = []keys.PublicKey{storeKey.Public()}
	if label == profile.StoreAccess {
		if accessEncrypt == nil {
			return Keys{}, fmt.Errorf("catalog: %s needs the host's AccessEncrypt key (AccountHostAssignment)", label)
		}
		k.Recipients = append([]keys.PublicKey{accessEncrypt}, k.Recipients...)
	}
	return k, nil
}
