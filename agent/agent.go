// Package agent is mesh-agent, the per-user daemon: it holds the device's
// keys for the session (agent/keystore), syncs the account's catalogs in the
// background, serves the local API on a private Unix socket (agent/localapi)
// and starts, supervises and restarts the plugins listed in plugins.hcl
// (agent/pluginhost). Design: ../shared/spec/plugins.md sections 1 and 2.7;
// docs/agent.md.
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mathmesh/mesh/agent/approval"
	"github.com/mathmesh/mesh/agent/keystore"
	"github.com/mathmesh/mesh/agent/localapi"
	"github.com/mathmesh/mesh/agent/pluginhost"
	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/sdk"
)

// DefaultSyncInterval is the background sync period: a change on one device
// reaches another running agent within about two periods (under 2 s).
const DefaultSyncInterval = 500 * time.Millisecond

// Config configures an agent.
type Config struct {
	Client       *client.Client // the user's Mesh data; required
	Socket       string         // local API socket; required
	RuntimeDir   string         // plugin endpoint sockets; default: the socket's directory
	StateDir     string         // plugin state; default <home>/agent/plugins
	Registry     []string       // plugins.hcl files, in order; missing files are skipped
	SyncInterval time.Duration  // zero: DefaultSyncInterval
	Logger       *slog.Logger
	// Approver confirms each use of a key with the confirm constraint
	// (ssh-add -c); nil: the askpass program of the environment
	// (approval.NewAskpass). The agent shows its prompts one at a time.
	Approver approval.Approver
}

// Agent is one running mesh-agent.
type Agent struct {
	cfg     Config
	log     *slog.Logger
	keys    *keystore.Store
	rec     *reconciler
	syncer  *syncer
	plugins *pluginhost.Host
	started time.Time

	stopOnce sync.Once
	stop     chan struct{}
}

// New checks cfg and loads the plugin registry.
func New(cfg Config) (*Agent, error) {
	if cfg.Client == nil || cfg.Socket == "" {
		return nil, errors.New("agent: Config needs Client and Socket")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if cfg.RuntimeDir == "" {
		cfg.RuntimeDir = filepath.Dir(cfg.Socket)
	}
	if cfg.StateDir == "" {
		cfg.StateDir = filepath.Join(cfg.Client.Home().Dir(), "agent", "plugins")
	}
	if cfg.SyncInterval <= 0 {
		cfg.SyncInterval = DefaultSyncInterval
	}
	if cfg.Approver == nil {
		cfg.Approver = approval.NewAskpass("", os.Getenv)
	}
	approver := approval.Serialize(cfg.Approver)
	reg, err := pluginhost.LoadRegistry(cfg.Registry...)
	if err != nil {
		return nil, err
	}
	a := &Agent{cfg: cfg, log: cfg.Logger, keys: keystore.New(), stop: make(chan struct{})}
	a.rec = newReconciler(a.keys, cfg.Logger)
	a.syncer = newSyncer(cfg.Client, cfg.SyncInterval)
	a.syncer.observe = a.rec.observe
	a.plugins = pluginhost.New(reg, pluginhost.Options{
		Logger:     hclog.New(&hclog.LoggerOptions{Name: "mesh-agent", Output: os.Stderr, Level: hclog.Info}),
		RuntimeDir: cfg.RuntimeDir, StateDir: cfg.StateDir,
		Backend: func(name string, d sdk.Description) sdk.HostBackend {
			a.rec.attach(name, d) // a new process: the old handles are void
			return &pluginBackend{name: name, desc: d, keys: a.keys, rec: a.rec, approver: approver, log: cfg.Logger}
		},
	})
	a.rec.host = a.plugins
	return a, nil
}

// Run serves until ctx ends, SIGTERM/SIGINT arrives or a shutdown request
// comes over the local API.
func (a *Agent) Run(ctx context.Context) error {
	ctx, stopSignals := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stopSignals()
	l, err := localapi.Listen(a.cfg.Socket, true)
	if err != nil {
		return err
	}
	a.started = time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := a.plugins.Start(ctx); err != nil {
		_ = l.Close()
		return err
	}
	defer a.plugins.Stop()

	srv := localapi.NewServer(a, a.log)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); a.syncer.run(ctx) }()
	a.log.Info("mesh-agent running", "socket", a.cfg.Socket, "pid", os.Getpid())

	select {
	case <-ctx.Done():
	case <-a.stop:
	case err = <-served:
	}
	cancel()
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if serr := srv.Shutdown(sctx); serr != nil && err == nil {
		err = fmt.Errorf("agent: shutdown: %w", serr)
	}
	wg.Wait()
	a.log.Info("mesh-agent stopped")
	return err
}

// Status implements localapi.Backend.
func (a *Agent) Status(context.Context) (localapi.Status, error) {
	st := localapi.Status{PID: os.Getpid(), Started: a.started, Socket: a.cfg.Socket,
		Home: a.cfg.Client.Home().Dir(), Accounts: a.syncer.snapshot(), Endpoints: a.plugins.Endpoints()}
	for _, p := range a.plugins.Status() {
		st.Plugins = append(st.Plugins, localapi.PluginStatus{Name: p.Name, State: p.State, PID: p.PID,
			Restarts: p.Restarts, LastError: p.LastError, Since: p.Since, Endpoints: p.Endpoints})
	}
	return st, nil
}

// SyncNow implements localapi.Backend.
func (a *Agent) SyncNow(ctx context.Context) (localapi.SyncResult, error) {
	return localapi.SyncResult{Accounts: a.syncer.syncAll(ctx)}, nil
}

// Shutdown implements localapi.Backend.
func (a *Agent) Shutdown() { a.stopOnce.Do(func() { close(a.stop) }) }

// Keys returns the session key store (for the approval and provisioning code
// that feeds it, and for tests).
func (a *Agent) Keys() *keystore.Store { return a.keys }
