package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mathmesh/mesh/agent/localapi"
	"github.com/mathmesh/mesh/sdk"
)

// Options configure a Host.
type Options struct {
	Logger     hclog.Logger
	RuntimeDir string // endpoint sockets: <RuntimeDir>/<endpoint>.sock
	StateDir   string // per-plugin private state: <StateDir>/<plugin>
	// Backend returns the agent services a plugin may call; one per plugin.
	Backend func(plugin string, d sdk.Description) sdk.HostBackend
	Account string
	Device  string
	// Env is the plugins' whole environment (plugins.md section 2.7: HOME,
	// XDG_RUNTIME_DIR, XDG_CONFIG_HOME, a fixed PATH, LANG); nil means that
	// set, taken from this process.
	Env []string
	// HealthInterval overrides HealthInterval (tests).
	HealthInterval time.Duration
}

// Host runs the plugins of one registry.
type Host struct {
	opts    Options
	plugins []*managed
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// New prepares a host for the enabled plugins of reg. Nothing starts until Start.
func New(reg *Registry, opts Options) *Host {
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	h := &Host{opts: opts}
	for _, e := range reg.Plugins {
		m := &managed{entry: e, host: h, log: opts.Logger.Named(e.Name), state: StateDisabled, since: time.Now(), paths: map[string]string{}}
		h.plugins = append(h.plugins, m)
	}
	return h
}

// Start creates every enabled plugin's endpoint sockets and starts its
// supervisor. It returns once the sockets exist; plugins come up in the
// background (see Status, WaitRunning).
func (h *Host) Start(ctx context.Context) error {
	ctx, h.cancel = context.WithCancel(ctx)
	for _, m := range h.plugins {
		if !m.entry.Enabled {
			continue
		}
		if err := h.makeEndpoints(m); err != nil {
			h.Stop()
			return err
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			m.run(ctx)
		}()
	}
	return nil
}

// makeEndpoints creates the listening sockets the agent keeps for the
// plugin's whole life (plugins.md section 1, Endpoints).
func (h *Host) makeEndpoints(m *managed) error {
	for _, name := range m.entry.Endpoints {
		path := filepath.Join(h.opts.RuntimeDir, name+".sock")
		l, err := localapi.Listen(path, false)
		if err != nil {
			return fmt.Errorf("pluginhost: endpoint %s of %s: %w", name, m.entry.Name, err)
		}
		f, err := l.File()
		if err != nil {
			_ = l.Close()
			return fmt.Errorf("pluginhost: endpoint %s: %w", name, err)
		}
		m.listeners = append(m.listeners, l)
		m.files = append(m.files, f)
		m.paths[name] = path
	}
	return nil
}

// Stop stops every plugin (graceful close, then kill after 2 s), waits for
// the supervisors, and removes the endpoint sockets.
func (h *Host) Stop() {
	if h.cancel != nil {
		h.cancel()
	}
	h.wg.Wait()
	for _, m := range h.plugins {
		m.closeEndpoints()
	}
}

// Status describes every plugin of the registry, by name.
func (h *Host) Status() []Status {
	out := make([]Status, 0, len(h.plugins))
	for _, m := range h.plugins {
		out = append(out, m.status())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Endpoints maps each endpoint name to its socket path.
func (h *Host) Endpoints() map[string]string {
	out := map[string]string{}
	for _, m := range h.plugins {
		m.mu.Lock()
		for n, p := range m.paths {
			out[n] = p
		}
		m.mu.Unlock()
	}
	return out
}

// ErrNoPlugin reports a plugin name the registry does not list.
var ErrNoPlugin = errors.New("pluginhost: no such plugin")

func (h *Host) find(name string) (*managed, error) {
	for _, m := range h.plugins {
		if m.entry.Name == name {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrNoPlugin, name)
}

// Call runs fn against the running plugin under a deadline of timeout. The
// caller always gets an answer by the deadline: a hung plugin gives
// sdk.ErrTimeout, a crashed or restarting one sdk.ErrUnavailable. Two calls in
// a row past their deadline make the supervisor kill and restart the plugin.
func (h *Host) Call(ctx context.Context, name string, timeout time.Duration, fn func(context.Context, sdk.PluginClient) error) error {
	m, err := h.find(name)
	if err != nil {
		return err
	}
	pc, err := m.current()
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err = fn(cctx, pc)
	late := errors.Is(err, sdk.ErrTimeout) && ctx.Err() == nil
	m.overran(late)
	if err != nil {
		return fmt.Errorf("pluginhost: %s: %w", name, err)
	}
	return nil
}

// Provision calls Provision with the plugin's provision timeout.
func (h *Host) Provision(ctx context.Context, name string, req sdk.ProvisionRequest) (sdk.ProvisionResult, error) {
	m, err := h.find(name)
	if err != nil {
		return sdk.ProvisionResult{}, err
	}
	var res sdk.ProvisionResult
	err = h.Call(ctx, name, m.entry.Timeouts.Provision, func(ctx context.Context, pc sdk.PluginClient) error {
		var err error
		res, err = pc.Provision(ctx, req)
		return err
	})
	return res, err
}

// Deprovision calls Deprovision with the plugin's deprovision timeout.
func (h *Host) Deprovision(ctx context.Context, name string, req sdk.DeprovisionRequest) (sdk.DeprovisionResult, error) {
	m, err := h.find(name)
	if err != nil {
		return sdk.DeprovisionResult{}, err
	}
	var res sdk.DeprovisionResult
	err = h.Call(ctx, name, m.entry.Timeouts.Deprovision, func(ctx context.Context, pc sdk.PluginClient) error {
		var err error
		res, err = pc.Deprovision(ctx, req)
		return err
	})
	return res, err
}

// WaitState waits until the plugin reaches state or ctx ends.
func (h *Host) WaitState(ctx context.Context, name, state string) error {
	m, err := h.find(name)
	if err != nil {
		return err
	}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		if m.status().State == state {
			return nil
		}
		select {
		case <-ctx.Done():
			s := m.status()
			return fmt.Errorf("pluginhost: %s is %s, not %s (last error: %s): %w", name, s.State, state, s.LastError, ctx.Err())
		case <-t.C:
		}
	}
}

func (h *Host) backend(name string, d sdk.Description) sdk.HostBackend {
	if h.opts.Backend == nil {
		return denyBackend{}
	}
	return h.opts.Backend(name, d)
}

func (h *Host) healthInterval() time.Duration {
	if h.opts.HealthInterval > 0 {
		return h.opts.HealthInterval
	}
	return HealthInterval
}

// stateDir returns the plugin's private state directory, creating it 0700.
func (h *Host) stateDir(name string) (string, error) {
	if h.opts.StateDir == "" {
		return "", nil
	}
	dir := filepath.Join(h.opts.StateDir, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("pluginhost: state directory of %s: %w", name, err)
	}
	return dir, nil
}

// env is the fixed environment of plugin processes.
func (h *Host) env() []string {
	if h.opts.Env != nil {
		return h.opts.Env
	}
	env := []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
	for _, k := range []string{"HOME", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}
