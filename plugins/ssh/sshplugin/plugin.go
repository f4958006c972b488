package sshplugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/sdk"
)

// Version is the plugin's own version, reported by Describe.
const Version = "0.1.0"

// Plugin is the sdk.Plugin of mesh-plugin-ssh. Provisioning installs
// nothing on disk: the keys are served on the ssh-agent endpoint, so
// Provision and Deprovision only refresh what the endpoint offers.
type Plugin struct {
	log     *slog.Logger
	backend *sdkBackend

	mu          sync.Mutex
	srv         *Server
	watchCancel context.CancelFunc
	seen        map[string]string // entry key -> generation/policy serial provisioned
	serial      uint64
	lastErr     string
}

var _ sdk.Plugin = (*Plugin)(nil)

// New returns the plugin; log receives its records (JSON on stderr in the
// plugin process, see Main).
func New(log *slog.Logger) *Plugin {
	return &Plugin{log: log, backend: newSDKBackend(log, time.Now), seen: map[string]string{}}
}

// Describe names the plugin's entry types, scopes and endpoint
// (plugins.md §2.2, §3).
func (p *Plugin) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{
		Name: "ssh", Version: Version, ContractMinor: 0,
		EntryTypes: []string{catalog.TagApplicationSsh},
		Scopes: []sdk.Scope{
			{Catalog: CatalogApplication, EntryTypes: []string{catalog.TagApplicationSsh}, Access: []sdk.Access{sdk.AccessRead}},
			{Catalog: CatalogCredential, EntryTypes: []string{catalog.TagCredential}, Access: []sdk.Access{sdk.AccessRead}},
		},
		Endpoints:      []string{EndpointSSHAgent},
		PolicySections: []string{"ssh"},
	}, nil
}

// Configure takes the Host and the endpoint. The first call starts serving
// the inherited ssh-agent listener; later calls (policy or config changes)
// swap the Host and refresh the keys without dropping client connections.
func (p *Plugin) Configure(ctx context.Context, host sdk.Host, cfg sdk.Config) ([]sdk.Diagnostic, error) {
	if host == nil {
		return nil, sdk.NewError(sdk.ErrInvalid, "sshplugin: Configure without a host")
	}
	p.backend.setHost(host)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serial = cfg.PolicySerial
	if p.srv == nil {
		l, err := cfg.Listener(EndpointSSHAgent)
		if err != nil {
			return nil, err
		}
		p.srv = NewServer(p.backend, Options{Logger: p.log})
		go p.serve(p.srv, l)
	}
	if p.watchCancel != nil {
		p.watchCancel()
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.watchCancel = cancel
	go p.watch(wctx, host, p.srv)
	p.srv.Invalidate()
	return nil, nil
}

func (p *Plugin) serve(srv *Server, l net.Listener) {
	if err := srv.Serve(l); err != nil {
		p.setErr(err)
		p.log.Error("ssh-agent endpoint stopped", "err", err)
	}
}

// watch follows catalog and agent events (plugins.md §3 item 6): any
// change of SSH entries, known hosts or policy refreshes the keys; a
// revocation stops serving keys at once. A broken stream is reopened with
// backoff.
func (p *Plugin) watch(ctx context.Context, host sdk.Host, srv *Server) {
	backoff := 200 * time.Millisecond
	for ctx.Err() == nil {
		w, err := host.Catalog().Watch(ctx, sdk.WatchRequest{
			Catalogs: []string{CatalogApplication, CatalogCredential},
			Types:    []string{catalog.TagApplicationSsh, catalog.TagCredential},
		})
		if err == nil {
			srv.Invalidate() // events may have been missed while the stream was down
			backoff = 200 * time.Millisecond
			err = p.follow(w, srv)
			w.Close()
		}
		if ctx.Err() != nil {
			return
		}
		p.setErr(err)
		p.log.Warn("catalog watch interrupted", "err", err, "retry", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func (p *Plugin) follow(w sdk.Watcher, srv *Server) error {
	for {
		ev, err := w.Next()
		if err != nil {
			return err
		}
		if ev.Kind == sdk.EventDeviceRevoked {
			p.log.Warn("device revoked: no keys are served any more")
			srv.Revoke()
			continue
		}
		srv.Invalidate()
	}
}

// Provision records the entry and refreshes the keys; nothing is written
// to disk, so there are no artifacts.
func (p *Plugin) Provision(ctx context.Context, req sdk.ProvisionRequest) (sdk.ProvisionResult, error) {
	if err := ctx.Err(); err != nil {
		return sdk.ProvisionResult{}, err
	}
	if req.Entry.Type != catalog.TagApplicationSsh {
		return sdk.ProvisionResult{}, sdk.NewError(sdk.ErrInvalid, fmt.Sprintf("sshplugin: cannot provision a %q entry", req.Entry.Type))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	state := fmt.Sprintf("%d/%d", req.Entry.Generation, p.serial)
	status := sdk.StatusInstalled
	if p.seen[req.Entry.Key] == state {
		status = sdk.StatusUnchanged
	}
	if !req.DryRun {
		p.seen[req.Entry.Key] = state
		if p.srv != nil {
			p.srv.Invalidate()
		}
	}
	return sdk.ProvisionResult{Status: status}, nil
}

// Deprovision forgets the entry; after a revocation no key is served.
func (p *Plugin) Deprovision(ctx context.Context, req sdk.DeprovisionRequest) (sdk.DeprovisionResult, error) {
	if err := ctx.Err(); err != nil {
		return sdk.DeprovisionResult{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.seen, req.Entry.Key)
	if p.srv != nil {
		if req.Reason == sdk.ReasonRevoked {
			p.srv.Revoke()
		} else {
			p.srv.Invalidate()
		}
	}
	return sdk.DeprovisionResult{}, nil
}

// Inventory lists nothing: the plugin installs no files.
func (p *Plugin) Inventory(context.Context) ([]sdk.Artifact, error) { return nil, nil }

// Health reports the endpoint's connections; a revoked device serves no
// keys and reports NOT_SERVING.
func (p *Plugin) Health(context.Context) sdk.Health {
	p.mu.Lock()
	srv, lastErr := p.srv, p.lastErr
	p.mu.Unlock()
	if srv == nil {
		return sdk.Health{Status: sdk.NotServing, LastError: "sshplugin: not configured"}
	}
	st := srv.Stats()
	h := sdk.Health{Status: sdk.Serving, LastError: lastErr,
		Connections: map[string]uint32{EndpointSSHAgent: uint32(st.Open)}}
	if st.Revoked {
		h.Status, h.LastError = sdk.NotServing, ErrRevoked.Error()
	}
	return h
}

func (p *Plugin) setErr(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	p.mu.Lock()
	p.lastErr = err.Error()
	p.mu.Unlock()
}
