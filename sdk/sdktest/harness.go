// Package sdktest runs a plugin in-process against a fake agent, for the tests
// of every plugin (design: ../shared/spec/plugins.md section 2.10).
//
//	h := sdktest.New(t, myplugin.New())
//	key, _ := h.Agent.AddKey(ed25519Key, []string{"ssh-auth"}, "ssh:example")
//	h.Configure(sdk.Config{Endpoints: map[string]int{"ssh-agent": h.Endpoint("ssh-agent")}})
//	res, err := h.Client.Provision(ctx, sdk.ProvisionRequest{...})
//
// The connection is go-plugin's in-process gRPC pair (plugin.TestPluginGRPCConn)
// with the real SDK client and server on both ends and the broker carrying the
// agent's services back, so the code under test is the code that ships.
// Conformance runs the checks every plugin must pass.
package sdktest

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/hashicorp/go-plugin"
	"github.com/mathmesh/mesh/sdk"
)

// Harness is one plugin connected in-process to a FakeAgent.
type Harness struct {
	Client sdk.PluginClient // the agent's typed client of the plugin
	Agent  *FakeAgent       // the backend the plugin's Host calls reach
	t      testing.TB
	dir    string
}

// New connects p in-process. Configure is not called yet.
func New(t testing.TB, p sdk.Plugin) *Harness {
	t.Helper()
	client, server := plugin.TestPluginGRPCConn(t, false, sdk.PluginSets(p)[sdk.ContractMajor])
	// client.Close stops the in-process server too; calling server.Stop as
	// well races with it inside go-plugin.
	t.Cleanup(func() { _ = client.Close() })
	_ = server
	pc, err := sdk.Dispense(client)
	if err != nil {
		t.Fatalf("sdktest: %v", err)
	}
	return &Harness{Client: pc, Agent: NewFakeAgent(), t: t}
}

// Configure calls Describe and then Configure with cfg (StateDir defaults to
// a temporary directory) and fails the test on an error or an error-level
// diagnostic. It returns the diagnostics.
func (h *Harness) Configure(cfg sdk.Config) []sdk.Diagnostic {
	h.t.Helper()
	ctx := h.t.Context()
	if _, err := h.Client.Describe(ctx); err != nil {
		h.t.Fatalf("sdktest: Describe: %v", err)
	}
	if cfg.StateDir == "" {
		cfg.StateDir = h.t.TempDir()
	}
	diags, err := h.Client.Configure(ctx, h.Agent, cfg)
	if err != nil {
		h.t.Fatalf("sdktest: Configure: %v", err)
	}
	for _, d := range diags {
		if d.Severity == sdk.SeverityError {
			h.t.Fatalf("sdktest: Configure: error diagnostic %s: %s (%s)", d.Attribute, d.Summary, d.Detail)
		}
	}
	return diags
}

// Endpoint creates a listening Unix socket for the named endpoint, as the agent
// does, and returns a descriptor of it for Config.Endpoints. Clients connect
// to EndpointPath(name).
func (h *Harness) Endpoint(name string) int {
	h.t.Helper()
	if h.dir == "" {
		dir, err := os.MkdirTemp("", "sdktest")
		if err != nil {
			h.t.Fatalf("sdktest: %v", err)
		}
		h.t.Cleanup(func() { _ = os.RemoveAll(dir) })
		h.dir = dir
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: h.EndpointPath(name), Net: "unix"})
	if err != nil {
		h.t.Fatalf("sdktest: endpoint %s: %v", name, err)
	}
	h.t.Cleanup(func() { _ = l.Close() })
	f, err := l.File()
	if err != nil {
		h.t.Fatalf("sdktest: endpoint %s: %v", name, err)
	}
	defer f.Close()
	// A raw duplicate: the plugin's Config.Listener takes ownership of it.
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		h.t.Fatalf("sdktest: endpoint %s: %v", name, err)
	}
	return fd
}

// EndpointPath is the socket path of an endpoint made by Endpoint (short,
// under the system temporary directory: socket paths are limited to 108 bytes).
func (h *Harness) EndpointPath(name string) string {
	return filepath.Join(h.dir, name+".sock")
}
