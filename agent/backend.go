package agent

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/mathmesh/mesh/agent/approval"
	"github.com/mathmesh/mesh/agent/keystore"
	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/sdk"
)

// pluginBackend is the HostBackend of one plugin (plugins.md section 2.3):
// keys from the session key store under that plugin's handles; read access
// to the public views of the entry types the agent can redact (SSH
// applications, credentials) within the scopes the plugin declared, and
// their events; no writes, reveals or exports. Every use of a key with the
// confirm constraint is put to the approver (keyops.go); plugin-level
// Interaction.Confirm requests are still denied.
type pluginBackend struct {
	name     string
	desc     sdk.Description
	keys     *keystore.Store
	rec      *reconciler
	approver approval.Approver // serialised; asked for confirm keys only
	log      *slog.Logger
}

var _ sdk.HostBackend = (*pluginBackend)(nil)

func (b *pluginBackend) ListKeys(_ context.Context, q sdk.KeyQuery) ([]sdk.KeyInfo, error) {
	return b.keys.List(b.name, q), nil
}

func (b *pluginBackend) OpenChannel(_ context.Context, o sdk.ChannelOpen) (sdk.KeyOps, error) {
	return &keyOps{b: b, peer: o.Peer, cc: o.Context}, nil
}

func (b *pluginBackend) GenerateKey(context.Context, sdk.GenerateRequest) (sdk.KeyInfo, error) {
	return sdk.KeyInfo{}, sdk.NewError(sdk.ErrDenied, "agent: key generation for plugins is not allowed by policy")
}

func (b *pluginBackend) AttachCertificate(context.Context, sdk.AttachRequest) (sdk.KeyInfo, error) {
	return sdk.KeyInfo{}, sdk.NewError(sdk.ErrDenied, "agent: attaching certificates is not allowed by policy")
}

func (b *pluginBackend) Enroll(context.Context, sdk.EnrollRequest) (sdk.EnrollResult, error) {
	return sdk.EnrollResult{}, sdk.NewError(sdk.ErrDenied, "agent: no certificate authority is configured")
}

func (b *pluginBackend) ImportVolatile(_ context.Context, v sdk.VolatileKey) (sdk.KeyInfo, error) {
	return b.keys.ImportVolatile(b.name, v)
}

func (b *pluginBackend) Export(context.Context, sdk.ExportRequest) ([]byte, error) {
	return nil, sdk.NewError(sdk.ErrDenied, "agent: key export is not allowed by policy")
}

func (b *pluginBackend) RemoveVolatile(_ context.Context, handle string) error {
	return b.keys.RemoveVolatile(b.name, handle)
}

// servedTypes are the entry types whose public views the agent serves, by
// catalog (see entries.go).
var servedTypes = map[string]string{
	profile.StoreApplication: catalog.TagApplicationSsh,
	profile.StoreCredential:  catalog.TagCredential,
}

// mayRead checks a read of catalog label (types: empty means every type)
// against the agent's redactions and the plugin's declared scopes.
func (b *pluginBackend) mayRead(label string, types []string) error {
	served, ok := servedTypes[label]
	if !ok {
		return sdk.NewError(sdk.ErrDenied, fmt.Sprintf("agent: plugin %s has no grant for catalog %s", b.name, label))
	}
	if len(types) == 0 {
		types = []string{served}
	}
	for _, t := range types {
		if t != served || !readable(b.desc, label, t) {
			return sdk.NewError(sdk.ErrDenied, fmt.Sprintf("agent: plugin %s has no read grant for %s entries of %s", b.name, t, label))
		}
	}
	return nil
}

func (b *pluginBackend) GetEntries(_ context.Context, q sdk.EntryQuery) ([]sdk.Entry, error) {
	if err := b.mayRead(q.Catalog, q.Types); err != nil {
		return nil, err
	}
	return b.rec.entries(q), nil
}

func (b *pluginBackend) Reveal(_ context.Context, r sdk.RevealRequest) ([]byte, error) {
	return nil, sdk.NewError(sdk.ErrDenied, fmt.Sprintf("agent: plugin %s may not reveal secrets of %s", b.name, r.Catalog))
}

func (b *pluginBackend) PutEntry(_ context.Context, r sdk.PutRequest) (uint64, error) {
	return 0, sdk.NewError(sdk.ErrDenied, fmt.Sprintf("agent: plugin %s has no write grant for catalog %s", b.name, r.Catalog))
}

func (b *pluginBackend) Watch(ctx context.Context, w sdk.WatchRequest, send func(sdk.Event) error) error {
	if len(w.Catalogs) > MaxWatchCatalogs || len(w.Types) > MaxWatchCatalogs {
		return sdk.NewError(sdk.ErrInvalid, fmt.Sprintf("agent: a watch names at most %d catalogs and types", MaxWatchCatalogs))
	}
	if len(w.Catalogs) == 0 { // every catalog: those the plugin may read
		for _, label := range sortedKeys(servedTypes) {
			if readable(b.desc, label, servedTypes[label]) {
				w.Catalogs = append(w.Catalogs, label)
			}
		}
	}
	for _, c := range w.Catalogs {
		var types []string
		for _, t := range w.Types {
			if servedTypes[c] == t {
				types = append(types, t)
			}
		}
		if err := b.mayRead(c, types); err != nil {
			return err
		}
	}
	return b.rec.hub.watch(ctx, b.name, w, send)
}

func (b *pluginBackend) Confirm(context.Context, sdk.Prompt) (sdk.Decision, error) {
	return sdk.Decision{Allow: false, Scope: sdk.ScopeOnce}, nil
}

func (b *pluginBackend) Audit(context.Context, sdk.AuditEvent) error { return nil }
