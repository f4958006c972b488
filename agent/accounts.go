package agent

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/sdk"
)

// watchedStores are the catalogs whose changes the agent provisions to
// plugins: SSH applications, this device's activations (MMM_Device) and
// the known hosts (MMM_Credential).
var watchedStores = []string{profile.StoreApplication, profile.StoreDevice, profile.StoreCredential}

// accountView is what the agent last read from one account's local
// catalogs: the SSH keys this device holds and the public views of the
// credentials (known hosts).
type accountView struct {
	address string
	apps    map[string]*sshApp // by entry key (the application's UDF)
	creds   []sdk.Entry
	counts  map[string]int64 // local entry counts of watchedStores when read
	revoked bool
}

// sshApp is one SSH application this device holds the private key of.
type sshApp struct {
	entry   sdk.Entry
	priv    ed25519.PrivateKey
	comment string
}

// String redacts the key.
func (s *sshApp) String() string { return "agent.sshApp{" + s.entry.Key + ", private key redacted}" }

// GoString redacts the key.
func (s *sshApp) GoString() string { return s.String() }

// storeCounts picks the local counts of the watched catalogs from a sync.
func storeCounts(res *client.SyncResult) map[string]int64 {
	out := map[string]int64{}
	for _, c := range res.Containers {
		for _, w := range watchedStores {
			if c.Container == w {
				out[w] = c.After
			}
		}
	}
	return out
}

// unchanged reports whether v was read at the same local counts: a change
// made by meshman on this machine moves the counts without the agent's
// sync fetching anything, so the counts are compared, not the fetches.
func (v *accountView) unchanged(counts map[string]int64) bool {
	return v != nil && !v.revoked && maps.Equal(v.counts, counts)
}

// readAccount reads the SSH keys and known hosts of acct from the local
// copies (client.Account.SSHKeys). The generation of an entry is the count
// of its catalog when its public view last changed (prev holds the last
// view), so an unchanged entry keeps its generation.
func readAccount(ctx context.Context, acct *client.Account, address string, counts map[string]int64, prev *accountView) (*accountView, error) {
	held, err := acct.SSHKeys(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("agent: SSH keys of %s: %w", address, err)
	}
	v := &accountView{address: address, apps: map[string]*sshApp{}, counts: counts}
	gen := uint64(counts[profile.StoreApplication])
	for _, k := range held {
		e, err := publicSSH(k.Entry, gen)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			if old := prev.apps[e.Key]; old != nil && string(old.entry.PublicJSON) == string(e.PublicJSON) {
				e.Generation = old.entry.Generation
			}
		}
		comment := k.Entry.LocalName
		if comment == "" {
			comment = k.Entry.Key
		}
		v.apps[e.Key] = &sshApp{entry: e, priv: k.PrivateKey(), comment: comment}
	}
	v.creds, err = readCredentials(ctx, acct, uint64(counts[profile.StoreCredential]))
	if err != nil {
		return nil, fmt.Errorf("agent: credentials of %s: %w", address, err)
	}
	return v, nil
}

// readCredentials returns the public views of the account's credentials. A
// device whose roles do not grant MMM_Credential has none.
func readCredentials(ctx context.Context, acct *client.Account, gen uint64) ([]sdk.Entry, error) {
	view, err := acct.Catalog(ctx, profile.StoreCredential, false)
	if err != nil {
		if errors.Is(err, client.ErrNoKey) {
			return nil, nil
		}
		return nil, err
	}
	defer view.Close()
	list, err := view.List()
	if err != nil {
		return nil, err
	}
	var out []sdk.Entry
	for _, e := range list {
		c, ok := e.(*catalog.CatalogedCredential)
		if !ok {
			continue
		}
		pe, err := publicCredential(c, gen)
		if err != nil {
			return nil, err
		}
		out = append(out, pe)
	}
	return out, nil
}
