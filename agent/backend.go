package agent

import (
	"context"
	"fmt"

	"github.com/mathmesh/mesh/agent/keystore"
	"github.com/mathmesh/mesh/sdk"
)

// pluginBackend is the HostBackend of one plugin (plugins.md section 2.3):
// keys from the session key store under that plugin's handles. Catalog
// access for plugins is denied in this version (default deny) until the
// per-entry-type redaction of private fields exists; confirmation is denied
// because the agent has no approval module yet, so keys with the confirm
// constraint cannot be used.
type pluginBackend struct {
	name string
	keys *keystore.Store
}

var _ sdk.HostBackend = (*pluginBackend)(nil)

func (b *pluginBackend) ListKeys(_ context.Context, q sdk.KeyQuery) ([]sdk.KeyInfo, error) {
	return b.keys.List(b.name, q), nil
}

func (b *pluginBackend) OpenChannel(context.Context, sdk.ChannelOpen) (sdk.KeyOps, error) {
	return &keyOps{b: b}, nil
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

func (b *pluginBackend) GetEntries(_ context.Context, q sdk.EntryQuery) ([]sdk.Entry, error) {
	return nil, sdk.NewError(sdk.ErrDenied, fmt.Sprintf("agent: plugin %s has no grant for catalog %s", b.name, q.Catalog))
}

func (b *pluginBackend) Reveal(_ context.Context, r sdk.RevealRequest) ([]byte, error) {
	return nil, sdk.NewError(sdk.ErrDenied, fmt.Sprintf("agent: plugin %s may not reveal secrets of %s", b.name, r.Catalog))
}

func (b *pluginBackend) PutEntry(_ context.Context, r sdk.PutRequest) (uint64, error) {
	return 0, sdk.NewError(sdk.ErrDenied, fmt.Sprintf("agent: plugin %s has no write grant for catalog %s", b.name, r.Catalog))
}

func (b *pluginBackend) Watch(ctx context.Context, _ sdk.WatchRequest, _ func(sdk.Event) error) error {
	<-ctx.Done()
	return nil
}

func (b *pluginBackend) Confirm(context.Context, sdk.Prompt) (sdk.Decision, error) {
	return sdk.Decision{Allow: false, Scope: sdk.ScopeOnce}, nil
}

func (b *pluginBackend) Audit(context.Context, sdk.AuditEvent) error { return nil }

// keyOps serves one key channel of the plugin from the key store.
type keyOps struct{ b *pluginBackend }

func (o *keyOps) confirm(handle string) error {
	if o.b.keys.NeedsConfirm(o.b.name, handle) {
		return sdk.NewError(sdk.ErrDenied, "agent: the key requires confirmation and no approver is available")
	}
	return nil
}

func (o *keyOps) Sign(_ context.Context, r sdk.SignRequest) ([]byte, error) {
	if err := o.confirm(r.Handle); err != nil {
		return nil, err
	}
	return o.b.keys.Sign(o.b.name, r)
}

func (o *keyOps) Decrypt(_ context.Context, r sdk.DecryptRequest) ([]byte, error) {
	if err := o.confirm(r.Handle); err != nil {
		return nil, err
	}
	return o.b.keys.Decrypt(o.b.name, r)
}

func (o *keyOps) Agree(_ context.Context, r sdk.AgreeRequest) ([]byte, error) {
	if err := o.confirm(r.Handle); err != nil {
		return nil, err
	}
	return o.b.keys.Agree(o.b.name, r)
}

func (o *keyOps) UpdateContext(context.Context, sdk.ClientContext) error { return nil }
func (o *keyOps) Close() error                                           { return nil }
