// Command testplugin is the plugin pluginhost's tests run as a real process.
// Its config block picks a behaviour: mode = "ok" | "crash" | "hang".
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/mathmesh/mesh/sdk"
)

type testPlugin struct{ mode string }

func (p *testPlugin) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "test", Version: "1.0.0", Endpoints: []string{"test-endpoint"},
		ConfigSchema: []sdk.ConfigAttribute{{Name: "mode", Type: sdk.AttributeString, Required: true}}}, nil
}

func (p *testPlugin) Configure(_ context.Context, _ sdk.Host, cfg sdk.Config) ([]sdk.Diagnostic, error) {
	var s struct{ Mode string }
	if err := json.Unmarshal(cfg.Settings, &s); err != nil {
		return nil, sdk.NewError(sdk.ErrInvalid, "testplugin: bad settings")
	}
	p.mode = s.Mode
	l, err := cfg.Listener("test-endpoint")
	if err != nil {
		return nil, err
	}
	go serve(l)
	if p.mode == "crash" {
		go func() { time.Sleep(100 * time.Millisecond); os.Exit(3) }()
	}
	return nil, nil
}

func serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		fmt.Fprintf(c, "pid %d\n", os.Getpid())
		c.Close()
	}
}

func (p *testPlugin) Provision(ctx context.Context, req sdk.ProvisionRequest) (sdk.ProvisionResult, error) {
	if p.mode == "hang" {
		select {} // ignores ctx: a hung plugin
	}
	return sdk.ProvisionResult{Status: sdk.StatusInstalled}, nil
}

func (p *testPlugin) Deprovision(context.Context, sdk.DeprovisionRequest) (sdk.DeprovisionResult, error) {
	return sdk.DeprovisionResult{}, nil
}
func (p *testPlugin) Inventory(context.Context) ([]sdk.Artifact, error) { return nil, nil }
func (p *testPlugin) Health(context.Context) sdk.Health                 { return sdk.Health{Status: sdk.Serving} }

func main() { sdk.Serve(&testPlugin{}) }
