package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/mathmesh/mesh/sdk"
)

// Plugin states shown in status.
const (
	StateStarting = "starting"
	StateRunning  = "running"
	StateBackoff  = "backoff"
	StateFailed   = "failed"
	StateStopped  = "stopped"
	StateDisabled = "disabled"
)

// Status describes one plugin.
type Status struct {
	Name      string
	State     string
	PID       int
	Restarts  int
	LastError string
	Since     time.Time
	Endpoints []string
}

// managed is one plugin under supervision.
type managed struct {
	entry Entry
	host  *Host
	log   hclog.Logger

	listeners []*net.UnixListener
	files     []*os.File // duplicates given to each process as ExtraFiles
	paths     map[string]string

	mu       sync.Mutex
	state    string
	since    time.Time
	lastErr  string
	client   *plugin.Client
	pc       sdk.PluginClient
	desc     sdk.Description
	pid      int
	restarts []time.Time
	total    int
	misses   int // consecutive calls past their deadline
	kick     chan struct{}
}

func (m *managed) setState(s string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.state, m.since = s, time.Now()
	if err != nil {
		m.lastErr = err.Error()
	}
}

func (m *managed) status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	eps := make([]string, 0, len(m.paths))
	for name := range m.paths {
		eps = append(eps, name)
	}
	slices.Sort(eps)
	return Status{Name: m.entry.Name, State: m.state, PID: m.pid, Restarts: m.total,
		LastError: m.lastErr, Since: m.since, Endpoints: eps}
}

// run supervises the plugin until ctx ends (plugins.md section 2.7, Restart).
func (m *managed) run(ctx context.Context) {
	backoff := m.entry.Restart.BackoffMin
	for {
		m.setState(StateStarting, nil)
		started := time.Now()
		err := m.start(ctx)
		if err == nil {
			m.setState(StateRunning, nil)
			err = m.wait(ctx)
		}
		m.teardown()
		if ctx.Err() != nil {
			m.setState(StateStopped, nil)
			return
		}
		m.log.Warn("plugin stopped unexpectedly", "error", err)
		if errors.Is(err, ErrChecksum) || errors.Is(err, ErrUnsafeBinary) || errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
			m.fail(err)
			return
		}
		if time.Since(started) > m.entry.Restart.Window {
			backoff = m.entry.Restart.BackoffMin // it ran well for a while: start over
		}
		if !m.recordRestart() {
			m.fail(fmt.Errorf("pluginhost: plugin %s: more than %d restarts in %v: %w", m.entry.Name,
				m.entry.Restart.MaxRestarts, m.entry.Restart.Window, err))
			return
		}
		m.setState(StateBackoff, err)
		select {
		case <-ctx.Done():
			m.setState(StateStopped, nil)
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, m.entry.Restart.BackoffMax)
	}
}

// recordRestart counts a restart; false when the window's budget is spent.
func (m *managed) recordRestart() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	m.restarts = slices.DeleteFunc(m.restarts, func(t time.Time) bool { return now.Sub(t) > m.entry.Restart.Window })
	m.restarts = append(m.restarts, now)
	m.total++
	return len(m.restarts) <= m.entry.Restart.MaxRestarts
}

// fail marks the plugin FAILED and closes its endpoints, so clients get a
// quick refusal instead of waiting in the backlog.
func (m *managed) fail(err error) {
	m.log.Error("plugin failed", "error", err)
	m.setState(StateFailed, err)
	m.closeEndpoints()
}

func (m *managed) closeEndpoints() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, l := range m.listeners {
		_ = l.Close()
	}
	for _, f := range m.files {
		_ = f.Close()
	}
	for _, p := range m.paths {
		_ = os.Remove(p)
	}
	m.listeners, m.files = nil, nil
}

// start execs the plugin and brings it to the configured state.
func (m *managed) start(ctx context.Context) error {
	e := m.entry
	if err := CheckBinary(e.Command, e.SHA256); err != nil {
		return err
	}
	cmd := exec.Command(e.Command)
	cmd.Env = m.host.env()
	m.mu.Lock()
	cmd.ExtraFiles = m.files
	m.mu.Unlock()
	cfg := sdk.ClientConfig(cmd, e.SHA256, m.log)
	cfg.StartTimeout = e.Timeouts.Start
	client := plugin.NewClient(cfg)
	m.mu.Lock()
	m.client, m.kick = client, make(chan struct{}, 1)
	m.mu.Unlock()
	pc, err := sdk.Dial(client)
	if err != nil {
		return fmt.Errorf("pluginhost: start %s: %w", e.Name, err)
	}
	pid := 0
	if rc := client.ReattachConfig(); rc != nil {
		pid = rc.Pid
	}
	dctx, cancel := context.WithTimeout(ctx, e.Timeouts.Describe)
	defer cancel()
	d, err := pc.Describe(dctx)
	if err != nil {
		return fmt.Errorf("pluginhost: %s: Describe: %w", e.Name, err)
	}
	if err := m.checkDescription(d); err != nil {
		return err
	}
	settings, err := ConfigJSON(e.Config, d.ConfigSchema)
	if err != nil {
		return fmt.Errorf("pluginhost: %s: %w", e.Name, err)
	}
	if err := m.configure(dctx, pc, d, settings); err != nil {
		return err
	}
	m.mu.Lock()
	m.pc, m.desc, m.pid, m.misses = pc, d, pid, 0
	m.mu.Unlock()
	m.log.Info("plugin running", "pid", pid, "version", d.Version)
	return nil
}

// checkDescription checks that the plugin is the one the registry names.
func (m *managed) checkDescription(d sdk.Description) error {
	if d.Name != m.entry.Name {
		return fmt.Errorf("pluginhost: %s at %s describes itself as %q", m.entry.Name, m.entry.Command, d.Name)
	}
	want, got := slices.Sorted(slices.Values(m.entry.Endpoints)), slices.Sorted(slices.Values(d.Endpoints))
	if !slices.Equal(want, got) {
		return fmt.Errorf("pluginhost: %s: endpoints %v in plugins.hcl, plugin serves %v", m.entry.Name, want, got)
	}
	return nil
}

func (m *managed) configure(ctx context.Context, pc sdk.PluginClient, d sdk.Description, settings []byte) error {
	state, err := m.host.stateDir(m.entry.Name)
	if err != nil {
		return err
	}
	cfg := sdk.Config{Settings: settings, Endpoints: map[string]int{}, StateDir: state,
		Account: m.host.opts.Account, Device: m.host.opts.Device}
	for i, name := range m.entry.Endpoints {
		cfg.Endpoints[name] = 3 + i // ExtraFiles start at descriptor 3
	}
	diags, err := pc.Configure(ctx, m.host.backend(m.entry.Name, d), cfg)
	if err != nil {
		return fmt.Errorf("pluginhost: %s: Configure: %w", m.entry.Name, err)
	}
	for _, dg := range diags {
		if dg.Severity == sdk.SeverityError {
			return fmt.Errorf("pluginhost: %s: config %s: %s", m.entry.Name, dg.Attribute, dg.Summary)
		}
		m.log.Warn("plugin configuration", "attribute", dg.Attribute, "summary", dg.Summary)
	}
	return nil
}

// wait returns when the process exits, is kicked (hung), fails its health
// checks, or ctx ends.
func (m *managed) wait(ctx context.Context) error {
	m.mu.Lock()
	client, kick := m.client, m.kick
	m.mu.Unlock()
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	health := time.NewTicker(m.host.healthInterval())
	defer health.Stop()
	missed := 0
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-kick:
			return fmt.Errorf("pluginhost: %s: %d calls in a row past their deadline: killed", m.entry.Name, DeadlineMisses)
		case <-poll.C:
			if client.Exited() {
				return fmt.Errorf("pluginhost: %s: process exited", m.entry.Name)
			}
		case <-health.C:
			if m.checkHealth(ctx) {
				missed = 0
			} else if missed++; missed >= HealthMisses {
				return fmt.Errorf("pluginhost: %s: %d health checks failed", m.entry.Name, missed)
			}
		}
	}
}

func (m *managed) checkHealth(ctx context.Context) bool {
	m.mu.Lock()
	pc := m.pc
	m.mu.Unlock()
	hctx, cancel := context.WithTimeout(ctx, m.entry.Timeouts.Health)
	defer cancel()
	// Health checks liveness: a plugin that answers is alive, even when it
	// reports NOT_SERVING (for example after the device was revoked, when it
	// deliberately serves no keys). Restarting it would change nothing.
	h, err := pc.Health(hctx)
	if err == nil && h.Status == sdk.NotServing {
		m.log.Debug("plugin reports not serving", "last_error", h.LastError)
	}
	return err == nil
}

// teardown kills the current process, if any (graceful close, 2 s, then kill).
func (m *managed) teardown() {
	m.mu.Lock()
	client := m.client
	m.client, m.pc, m.pid = nil, nil, 0
	m.mu.Unlock()
	if client != nil {
		client.Kill()
	}
}

// current returns the running plugin's client.
func (m *managed) current() (sdk.PluginClient, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.state != StateRunning || m.pc == nil {
		return nil, sdk.NewError(sdk.ErrUnavailable, fmt.Sprintf("pluginhost: plugin %s is %s", m.entry.Name, m.state))
	}
	return m.pc, nil
}

// overran counts a call past its deadline and kicks the supervisor after
// DeadlineMisses in a row; done resets the count.
func (m *managed) overran(late bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !late {
		m.misses = 0
		return
	}
	m.misses++
	if m.misses >= DeadlineMisses && m.kick != nil {
		select {
		case m.kick <- struct{}{}:
		default:
		}
	}
}
