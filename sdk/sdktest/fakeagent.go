package sdktest

import (
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/x509"
	"fmt"
	"slices"
	"sync"

	"github.com/mathmesh/mesh/sdk"
)

// FakeAgent is an in-memory agent for plugin tests: keys behind handles, a
// scripted approver, a catalog fixture and a recorder of audit events. It
// implements sdk.HostBackend and enforces what the real agent enforces at the
// boundary: handles of other plugins are refused (ErrUnknownKey), purposes
// must match, locked means ErrLocked, stale generations mean ErrConflict.
type FakeAgent struct {
	mu       sync.Mutex
	keys     map[string]*fakeKey
	entries  map[string]sdk.Entry // by catalog + "\x00" + key
	secrets  map[string][]byte    // by catalog, key, field
	audits   []sdk.AuditEvent
	prompts  []sdk.Prompt
	approver func(sdk.Prompt) (sdk.Decision, error)
	locked   bool
	watchers []chan sdk.Event
	channels []ChannelRecord
}

// ChannelRecord is one key channel the plugin opened, with its operations.
type ChannelRecord struct {
	Open    sdk.ChannelOpen
	Updates []sdk.ClientContext
}

var _ sdk.HostBackend = (*FakeAgent)(nil)

// NewFakeAgent returns an empty agent whose approver allows everything once.
func NewFakeAgent() *FakeAgent {
	return &FakeAgent{
		keys: map[string]*fakeKey{}, entries: map[string]sdk.Entry{}, secrets: map[string][]byte{},
		approver: func(sdk.Prompt) (sdk.Decision, error) { return sdk.Decision{Allow: true, Scope: sdk.ScopeOnce}, nil },
	}
}

// AddKey stores a private key (ed25519, ecdsa, rsa or an *ecdh.PrivateKey for
// x25519) and returns its KeyInfo with a fresh handle for this plugin.
func (a *FakeAgent) AddKey(priv crypto.PrivateKey, purposes []string, entryKey string) (sdk.KeyInfo, error) {
	k := &fakeKey{}
	var pub crypto.PublicKey
	switch p := priv.(type) {
	case *ecdh.PrivateKey:
		k.agreer, pub = p, p.PublicKey()
	case crypto.Signer:
		k.signer, pub = p, p.Public()
	default:
		return sdk.KeyInfo{}, fmt.Errorf("sdktest: unsupported private key %T", priv)
	}
	info, err := keyInfo(pub, purposes, entryKey)
	if err != nil {
		return sdk.KeyInfo{}, err
	}
	k.info = info
	a.mu.Lock()
	a.keys[info.Handle] = k
	a.mu.Unlock()
	return info, nil
}

// AddForeignKey stores a key whose handle was issued to another plugin: the
// agent must refuse it to this one.
func (a *FakeAgent) AddForeignKey(priv crypto.Signer, purposes []string) (sdk.KeyInfo, error) {
	info, err := a.AddKey(priv, purposes, "")
	if err != nil {
		return info, err
	}
	a.mu.Lock()
	a.keys[info.Handle].foreign = true
	a.mu.Unlock()
	return info, nil
}

// SetApprover replaces the approver asked by Confirm and by keys with
// Constraints.Confirm.
func (a *FakeAgent) SetApprover(f func(sdk.Prompt) (sdk.Decision, error)) {
	a.mu.Lock()
	a.approver = f
	a.mu.Unlock()
}

// SetLocked locks or unlocks the agent and sends the event to watchers.
func (a *FakeAgent) SetLocked(locked bool) {
	a.mu.Lock()
	a.locked = locked
	a.mu.Unlock()
	kind := sdk.EventUnlocked
	if locked {
		kind = sdk.EventLocked
	}
	a.Publish(sdk.Event{Kind: kind})
}

// PutFixture adds or replaces an entry in the catalog fixture.
func (a *FakeAgent) PutFixture(e sdk.Entry) {
	a.mu.Lock()
	a.entries[e.Catalog+"\x00"+e.Key] = e
	a.mu.Unlock()
}

// SetSecret stores a secret field that Reveal returns.
func (a *FakeAgent) SetSecret(catalog, key, field string, value []byte) {
	a.mu.Lock()
	a.secrets[catalog+"\x00"+key+"\x00"+field] = append([]byte(nil), value...)
	a.mu.Unlock()
}

// Publish sends an event to every open Watch.
func (a *FakeAgent) Publish(e sdk.Event) {
	a.mu.Lock()
	ws := slices.Clone(a.watchers)
	a.mu.Unlock()
	for _, w := range ws {
		select {
		case w <- e:
		default: // a slow watcher loses events, as with the real agent's bounded queues
		}
	}
}

// Audits returns the audit events recorded so far.
func (a *FakeAgent) Audits() []sdk.AuditEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.audits)
}

// Prompts returns the prompts shown so far.
func (a *FakeAgent) Prompts() []sdk.Prompt {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.prompts)
}

// Channels returns the key channels opened so far.
func (a *FakeAgent) Channels() []ChannelRecord {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.channels)
}

// key returns the key of a handle for this plugin with purpose.
func (a *FakeAgent) key(handle, purpose string) (*fakeKey, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.locked {
		return nil, sdk.ErrLocked
	}
	k, ok := a.keys[handle]
	if !ok || k.foreign {
		return nil, sdk.NewError(sdk.ErrUnknownKey, "sdktest: unknown key handle")
	}
	if !k.info.HasPurpose(purpose) {
		return nil, sdk.NewError(sdk.ErrDenied, fmt.Sprintf("sdktest: key has no purpose %q", purpose))
	}
	return k, nil
}

func (a *FakeAgent) ask(ctx context.Context, p sdk.Prompt) (sdk.Decision, error) {
	a.mu.Lock()
	a.prompts = append(a.prompts, p)
	f := a.approver
	a.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return sdk.Decision{}, sdk.NewError(sdk.ErrTimeout, "sdktest: prompt not answered")
	}
	return f(p)
}

func (a *FakeAgent) ListKeys(_ context.Context, q sdk.KeyQuery) ([]sdk.KeyInfo, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.locked {
		return nil, sdk.ErrLocked
	}
	var out []sdk.KeyInfo
	for _, k := range a.keys {
		if k.foreign || (q.Purpose != "" && !k.info.HasPurpose(q.Purpose)) || (q.EntryKey != "" && q.EntryKey != k.info.EntryKey) {
			continue
		}
		out = append(out, k.info)
	}
	slices.SortFunc(out, func(x, y sdk.KeyInfo) int { return compare(x.Handle, y.Handle) })
	return out, nil
}

func compare(x, y string) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func (a *FakeAgent) GenerateKey(context.Context, sdk.GenerateRequest) (sdk.KeyInfo, error) {
	return sdk.KeyInfo{}, sdk.NewError(sdk.ErrUnsupported, "sdktest: use FakeAgent.AddKey to give the plugin keys")
}

func (a *FakeAgent) AttachCertificate(_ context.Context, r sdk.AttachRequest) (sdk.KeyInfo, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k, ok := a.keys[r.Handle]
	if !ok || k.foreign {
		return sdk.KeyInfo{}, sdk.ErrUnknownKey
	}
	for _, der := range r.X509Chain {
		if _, err := x509.ParseCertificate(der); err != nil {
			return sdk.KeyInfo{}, sdk.NewError(sdk.ErrInvalid, "sdktest: chain holds an invalid certificate")
		}
	}
	k.info.X509Chain, k.info.SSHCertificate, k.info.OpenPGPCertificate = r.X509Chain, r.SSHCertificate, r.OpenPGPCertificate
	return k.info, nil
}

func (a *FakeAgent) Enroll(context.Context, sdk.EnrollRequest) (sdk.EnrollResult, error) {
	return sdk.EnrollResult{}, sdk.NewError(sdk.ErrUnsupported, "sdktest: no certificate authority in the fake agent")
}

func (a *FakeAgent) ImportVolatile(_ context.Context, v sdk.VolatileKey) (sdk.KeyInfo, error) {
	priv, err := x509.ParsePKCS8PrivateKey(v.PKCS8)
	if err != nil {
		return sdk.KeyInfo{}, sdk.NewError(sdk.ErrInvalid, "sdktest: volatile key is not PKCS#8")
	}
	info, err := a.AddKey(priv, v.Purposes, "")
	if err != nil {
		return sdk.KeyInfo{}, sdk.NewError(sdk.ErrUnsupported, err.Error())
	}
	a.mu.Lock()
	k := a.keys[info.Handle]
	k.info.Comment, k.info.Constraints, k.info.SSHCertificate = v.Comment, v.Constraints, v.SSHCertificate
	k.volatile = true
	info = k.info
	a.mu.Unlock()
	return info, nil
}

// RemoveVolatile forgets one volatile key, or all of them for an empty
// handle, as the agent does; keys added with AddKey are refused.
func (a *FakeAgent) RemoveVolatile(_ context.Context, handle string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if handle == "" {
		for h, k := range a.keys {
			if k.volatile {
				delete(a.keys, h)
			}
		}
		return nil
	}
	k, ok := a.keys[handle]
	if !ok || k.foreign {
		return sdk.NewError(sdk.ErrUnknownKey, "sdktest: unknown key handle")
	}
	if !k.volatile {
		return sdk.NewError(sdk.ErrInvalid, "sdktest: the key was not added with ImportVolatile")
	}
	delete(a.keys, handle)
	return nil
}

func (a *FakeAgent) Export(context.Context, sdk.ExportRequest) ([]byte, error) {
	return nil, sdk.NewError(sdk.ErrDenied, "sdktest: export is not allowed by the fake agent's policy")
}
