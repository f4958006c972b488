package agent

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"

	"github.com/mathmesh/mesh/agent/keystore"
	"github.com/mathmesh/mesh/agent/pluginhost"
	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/sdk"
)

// PurposeSSHAuth is the purpose of the SSH application keys the agent gives
// the plugins that handle CatalogedApplicationSsh (plugins.md section 3).
const PurposeSSHAuth = "ssh-auth"

// reconciler provisions what the background sync finds to the plugins
// (plugins.md section 2.2, Provision "pushed by the agent"; section 2.7,
// reconcile at start): after each account sync it rereads the SSH keys this
// device holds, puts them in the key store under each SSH plugin's handles
// with purpose ssh-auth, calls Provision for new or changed entries and
// Deprovision for deleted ones, and sends catalog events to the plugins'
// Watch streams. A device the service reports revoked loses its keys and
// the plugins hear DEVICE_REVOKED.
type reconciler struct {
	keys *keystore.Store
	hub  *eventHub
	log  *slog.Logger
	host provisioner // set once by New, before anything runs

	mu        sync.Mutex
	accounts  map[string]*accountView // by account profile UDF
	plugins   map[string]*pluginSlot
	credSig   string            // the credential views last announced
	announced map[string]uint64 // SSH entries last announced, with generation
	revoked   bool              // DEVICE_REVOKED was announced
}

// provisioner calls the plugins (*pluginhost.Host; a fake in tests).
type provisioner interface {
	Provision(ctx context.Context, name string, req sdk.ProvisionRequest) (sdk.ProvisionResult, error)
	Deprovision(ctx context.Context, name string, req sdk.DeprovisionRequest) (sdk.DeprovisionResult, error)
}

var _ provisioner = (*pluginhost.Host)(nil)

// pluginSlot is what the agent provisioned to one plugin process.
type pluginSlot struct {
	desc        sdk.Description
	epoch       int // bumped at each (re)start: the old process's handles are void
	doneEpoch   int
	provisioned map[string]*provisioned // by entry key
}

// provisioned is one entry a plugin accepted.
type provisioned struct {
	ref       sdk.EntryRef
	artifacts []sdk.Artifact
}

func newReconciler(ks *keystore.Store, log *slog.Logger) *reconciler {
	return &reconciler{keys: ks, hub: newEventHub(), log: log,
		accounts: map[string]*accountView{}, plugins: map[string]*pluginSlot{}, announced: map[string]uint64{}}
}

// handlesSSH reports whether a plugin described by d gets SSH keys.
func handlesSSH(d sdk.Description) bool {
	return slices.Contains(d.EntryTypes, catalog.TagApplicationSsh)
}

// attach is called when a plugin process is configured: its old handles are
// void, and the current keys are installed at once so its first listing
// already has them. Provision with reason START follows at the next pass.
func (r *reconciler) attach(name string, d sdk.Description) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys.RemovePlugin(name)
	s := r.plugins[name]
	if s == nil {
		s = &pluginSlot{}
		r.plugins[name] = s
	}
	s.desc, s.epoch, s.provisioned = d, s.epoch+1, map[string]*provisioned{}
	if handlesSSH(d) {
		r.installKeys(name)
	}
}

// desired is the union of the SSH applications of the accounts whose device
// is not revoked.
func (r *reconciler) desired() map[string]*sshApp {
	out := map[string]*sshApp{}
	for _, v := range r.accounts {
		if v.revoked {
			continue
		}
		for k, a := range v.apps {
			out[k] = a
		}
	}
	return out
}

// installKeys makes plugin's entry keys in the key store equal the desired
// set. r.mu is held.
func (r *reconciler) installKeys(plugin string) {
	want := r.desired()
	have := r.keys.EntryKeys(plugin)
	for k := range have {
		if want[k] == nil {
			r.keys.RemoveEntry(plugin, k)
		}
	}
	for k, a := range want {
		if have[k] {
			continue
		}
		if _, err := r.keys.Add(plugin, a.priv, sdk.KeyInfo{EntryKey: k, Fingerprint: k,
			Purposes: []string{PurposeSSHAuth}, Comment: a.comment}); err != nil {
			r.log.Warn("SSH key not served", "plugin", plugin, "entry", k, "err", err)
		}
	}
}

// observe takes the outcome of one account's sync.
func (r *reconciler) observe(ctx context.Context, acct *client.Account, udf, address string, res *client.SyncResult, syncErr error) error {
	if errors.Is(syncErr, protocol.ErrDeviceRevoked) {
		r.mu.Lock()
		r.accounts[udf] = &accountView{address: address, revoked: true}
		r.mu.Unlock()
		r.apply(ctx)
		return syncErr
	}
	if syncErr != nil {
		return syncErr
	}
	counts := storeCounts(res)
	r.mu.Lock()
	prev := r.accounts[udf]
	r.mu.Unlock()
	if prev.unchanged(counts) {
		r.apply(ctx) // plugins restarted since the last pass get their START
		return nil
	}
	v, err := readAccount(ctx, acct, address, counts, prev)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.accounts[udf] = v
	r.mu.Unlock()
	r.apply(ctx)
	return nil
}
