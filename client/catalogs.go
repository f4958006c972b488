package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// Catalog operations (protocol.md §7 F3): reads come from the local copy,
// after a sync unless the caller works offline; writes go to the service
// first as a conditional Transact and are applied locally once accepted.

// accessEncrypt returns the host's AccessEncrypt key from the
// AccountHostAssignment the service gave at bind time.
func (a *Account) accessEncrypt() (keys.PublicKey, error) {
	if len(a.rec.EnvelopedAccountHostAssignment) == 0 {
		return nil, fmt.Errorf("client: the service gave %s no AccountHostAssignment, so the Access catalog cannot be written", a.rec.AccountAddress)
	}
	var ha profile.AccountHostAssignment
	if _, err := profile.OpenAs(a.rec.EnvelopedAccountHostAssignment, &dare.Keyring{}, ha.Tag(), &ha); err != nil {
		return nil, fmt.Errorf("client: the AccountHostAssignment of %s: %w", a.rec.AccountAddress, err)
	}
	if ha.AccessEncrypt == nil {
		return nil, fmt.Errorf("client: the AccountHostAssignment of %s has no AccessEncrypt key", a.rec.AccountAddress)
	}
	k, err := ha.AccessEncrypt.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: AccessEncrypt of %s: %w", a.rec.AccountAddress, err)
	}
	return k, nil
}

// CatalogView is a catalog opened for reading; Close releases the file.
type CatalogView struct {
	*catalog.Catalog
	lc *localContainer
}

// Close closes the local copy.
func (v *CatalogView) Close() error { return v.lc.Close() }

// Catalog opens the local copy of catalog label, first bringing it up to
// date with the service when sync is set.
func (a *Account) Catalog(ctx context.Context, label string, sync bool) (*CatalogView, error) {
	ck, err := a.storeKeys(label)
	if err != nil {
		return nil, err
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if sync {
		if _, err := a.sync(ctx, []string{label}); err != nil {
			return nil, err
		}
	}
	lc, err := a.c.cfg.Home.openContainer(a.rec.ProfileUdf, label, true)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Open(lc, label, ck)
	if err != nil {
		lc.Close()
		return nil, fmt.Errorf("client: the local copy of %s: %w", label, err)
	}
	if err := a.prefetchCatalog(ctx, cat, lc, ck); err != nil {
		lc.Close()
		return nil, err
	}
	return &CatalogView{Catalog: cat, lc: lc}, nil
}

// Put adds entry to catalog label, or replaces the entry with the same
// primary key (Event New or Update). It reports whether an entry was
// replaced.
func (a *Account) Put(ctx context.Context, label string, entry catalog.Entry) (replaced bool, err error) {
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return false, err
	}
	defer unlock()
	err = a.writeCatalog(ctx, label, func(cat *catalog.Catalog) ([]byte, error) {
		replaced = cat.Latest(entry.PrimaryKey()) != 0
		return cat.Put(entry)
	})
	return replaced, err
}

// putLocked is Put with the data directory already locked.
func (a *Account) putLocked(ctx context.Context, label string, entry catalog.Entry) error {
	return a.writeCatalog(ctx, label, func(cat *catalog.Catalog) ([]byte, error) { return cat.Put(entry) })
}

// deleteLocked deletes the entry key from catalog label with the data
// directory already locked.
func (a *Account) deleteLocked(ctx context.Context, label, key string) error {
	return a.writeCatalog(ctx, label, func(cat *catalog.Catalog) ([]byte, error) { return cat.Delete(key) })
}

// writeCatalog makes one envelope with op on the local copy of catalog
// label and writes it through the service (transact), with the data
// directory already locked.
func (a *Account) writeCatalog(ctx context.Context, label string, op func(*catalog.Catalog) ([]byte, error)) error {
	ck, err := a.storeKeys(label)
	if err != nil {
		return err
	}
	_, err = a.transact(ctx, label, func(lc *localContainer) ([][]byte, error) {
		cat, err := catalog.Open(lc, label, ck)
		if err != nil {
			return nil, fmt.Errorf("client: the local copy of %s: %w", label, err)
		}
		env, err := op(cat)
		if err != nil {
			return nil, err
		}
		return [][]byte{env}, nil
	})
	return err
}

// ErrNoEntry is returned by Remove when no entry matches.
var ErrNoEntry = errors.New("client: no such entry")

// Remove deletes from catalog label the entry whose primary key is key or,
// if there is none, the first entry match accepts (match may be nil). It
// returns the entry deleted.
func (a *Account) Remove(ctx context.Context, label, key string, match func(catalog.Entry) bool) (catalog.Entry, error) {
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var gone catalog.Entry
	err = a.writeCatalog(ctx, label, func(cat *catalog.Catalog) ([]byte, error) {
		e, err := Lookup(cat, key, match)
		if err != nil {
			return nil, err
		}
		gone = e
		return cat.Delete(e.PrimaryKey())
	})
	return gone, err
}

// Lookup finds the entry whose primary key is key, else the first one
// match accepts (match may be nil). The CLI's match functions accept the
// entry's local name and its natural name (site, URI, SSID...), as cli.md
// §1 describes for `<id>` parameters.
func Lookup(cat *catalog.Catalog, key string, match func(catalog.Entry) bool) (catalog.Entry, error) {
	if cat.Latest(key) != 0 {
		return cat.Get(key)
	}
	if match == nil {
		return nil, fmt.Errorf("%w %q in %s", ErrNoEntry, key, cat.Label())
	}
	e, err := cat.Find(match)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, fmt.Errorf("%w %q in %s", ErrNoEntry, key, cat.Label())
	}
	return e, err
}

// prefetchCatalog asks the service, in one batch, for its halves of the
// decryptions of every live entry when the catalog's key is a share
// (docs/devices.md §3), so that reading the catalog costs one Operate.
func (a *Account) prefetchCatalog(ctx context.Context, cat *catalog.Catalog, lc *localContainer, ck catalog.Keys) error {
	if _, ok := ck.Ring.Private[0].(*servicedKey); !ok {
		return nil
	}
	var envs [][]byte
	for _, k := range cat.Keys() {
		got, err := lc.Read(cat.Latest(k), 1)
		if err != nil {
			return err
		}
		envs = append(envs, got...)
	}
	return a.prefetch(ctx, ck.Ring, envs)
}
