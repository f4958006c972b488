package sdk_test

import (
	"context"
	"crypto"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"

	"github.com/mathmesh/mesh/sdk"
)

// testPlugin is a small plugin for the SDK's own tests. Provision signs the
// entry's public JSON through the agent's key channel and "installs" the
// signature as an artifact; entry keys "error:<name>" make Provision fail with
// the sentinel of that name, for the error round trip.
type testPlugin struct {
	mu        sync.Mutex
	host      sdk.Host
	cfg       sdk.Config
	installed map[string]sdk.Artifact // by entry key
	sigs      map[string][]byte
}

func newTestPlugin() *testPlugin {
	return &testPlugin{installed: map[string]sdk.Artifact{}, sigs: map[string][]byte{}}
}

var errorsByName = map[string]error{
	"denied": sdk.ErrDenied, "locked": sdk.ErrLocked, "unknown-key": sdk.ErrUnknownKey,
	"revoked": sdk.ErrRevoked, "unsupported": sdk.ErrUnsupported, "invalid": sdk.ErrInvalid,
	"timeout": sdk.ErrTimeout, "conflict": sdk.ErrConflict, "external": sdk.ErrExternal,
	"unavailable": sdk.ErrUnavailable, "internal": sdk.ErrInternal,
}

func (p *testPlugin) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name: "test", Version: "0.1.0", EntryTypes: []string{"CatalogedApplicationSsh"},
		Scopes:       []sdk.Scope{{Catalog: "MMM_Application", EntryTypes: []string{"CatalogedApplicationSsh"}, Access: []sdk.Access{sdk.AccessRead}}},
		Endpoints:    []string{"test-endpoint"},
		ConfigSchema: []sdk.ConfigAttribute{{Name: "greeting", Type: sdk.AttributeString}},
	}, nil
}

func (p *testPlugin) Configure(_ context.Context, host sdk.Host, cfg sdk.Config) ([]sdk.Diagnostic, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.host, p.cfg = host, cfg
	if len(cfg.Settings) == 0 {
		return []sdk.Diagnostic{{Severity: sdk.SeverityWarning, Summary: "no settings", Attribute: "greeting"}}, nil
	}
	return nil, nil
}

func (p *testPlugin) Provision(ctx context.Context, req sdk.ProvisionRequest) (sdk.ProvisionResult, error) {
	if name, ok := strings.CutPrefix(req.Entry.Key, "error:"); ok {
		if name == "plain" {
			return sdk.ProvisionResult{}, fmt.Errorf("/secret/internal/path: disk on fire")
		}
		if name == "external" {
			return sdk.ProvisionResult{}, sdk.ExternalError("certutil", 255, "certutil could not open the database")
		}
		return sdk.ProvisionResult{}, fmt.Errorf("testplugin: provision %s: %w", req.Entry.Key, errorsByName[name])
	}
	p.mu.Lock()
	host := p.host
	if a, ok := p.installed[req.Entry.Key]; ok {
		p.mu.Unlock()
		return sdk.ProvisionResult{Status: sdk.StatusUnchanged, Artifacts: []sdk.Artifact{a}}, nil
	}
	p.mu.Unlock()
	if len(req.Keys) == 0 {
		return sdk.ProvisionResult{}, sdk.NewError(sdk.ErrInvalid, "testplugin: entry has no key")
	}
	ch, err := host.Keys().Open(ctx, sdk.ChannelOpen{Endpoint: "test-endpoint", Peer: sdk.Peer{PID: 1}})
	if err != nil {
		return sdk.ProvisionResult{}, err
	}
	defer ch.Close()
	signer, err := ch.Signer(req.Keys[0], "ssh-auth")
	if err != nil {
		return sdk.ProvisionResult{}, err
	}
	sig, err := signer.Sign(nil, req.Entry.PublicJSON, crypto.Hash(0))
	if err != nil {
		return sdk.ProvisionResult{}, err
	}
	sum := sha256.Sum256(sig)
	a := sdk.Artifact{Kind: sdk.ArtifactFile, Locator: "mem:" + req.Entry.Key, SHA256: sum[:]}
	p.mu.Lock()
	p.installed[req.Entry.Key], p.sigs[req.Entry.Key] = a, sig
	p.mu.Unlock()
	return sdk.ProvisionResult{Status: sdk.StatusInstalled, Artifacts: []sdk.Artifact{a}}, nil
}

func (p *testPlugin) Deprovision(_ context.Context, req sdk.DeprovisionRequest) (sdk.DeprovisionResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.installed, req.Entry.Key)
	delete(p.sigs, req.Entry.Key)
	return sdk.DeprovisionResult{}, nil
}

func (p *testPlugin) Inventory(context.Context) ([]sdk.Artifact, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []sdk.Artifact
	for _, a := range p.installed {
		out = append(out, a)
	}
	return out, nil
}

func (p *testPlugin) Health(context.Context) sdk.Health {
	return sdk.Health{Status: sdk.Serving, Connections: map[string]uint32{"test-endpoint": 0}}
}

func (p *testPlugin) signature(key string) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sigs[key]
}
