package sdk

import (
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"os/exec"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
	"google.golang.org/grpc"
)

// Contract versions (plugins.md section 2.1). The map key of PluginSets is the
// contract major; major 1 is the proto package mesh.plugin.v1. Inside a major
// changes are additive only; ContractMinor tells the agent which optional RPCs
// a plugin has.
const (
	ContractMajor = 1
	// ContractMinor 1 added KeysService.RemoveVolatile.
	ContractMinor = 1
)

// PluginName is the one plugin every plugin binary serves.
const PluginName = "application"

// Handshake is shared by mesh-agent and every plugin. The cookie only tells a
// user who runs a plugin by hand that it is a plugin; it is not a security
// control (AutoMTLS and the SHA-256 pin are).
var Handshake = plugin.HandshakeConfig{
	MagicCookieKey:   "MESH_PLUGIN_COOKIE",
	MagicCookieValue: "2f6b1c0e8d4a4f7a9e3b5c1d7f9a2e4c",
}

// PluginSets returns the versioned plugin sets for impl. The agent passes nil
// (it only needs the client side); a plugin passes its implementation.
func PluginSets(impl Plugin) map[int]plugin.PluginSet {
	return pluginSets(impl, hclog.NewNullLogger())
}

func pluginSets(impl Plugin, logger hclog.Logger) map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		ContractMajor: {PluginName: &grpcPlugin{impl: impl, logger: logger}},
	}
}

// grpcPlugin is the go-plugin glue: GRPCServer registers the plugin's service
// in the plugin process, GRPCClient builds the agent's typed client.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl   Plugin
	logger hclog.Logger
}

var _ plugin.GRPCPlugin = (*grpcPlugin)(nil)

func (g *grpcPlugin) GRPCServer(b *plugin.GRPCBroker, s *grpc.Server) error {
	if g.impl == nil {
		return fmt.Errorf("sdk: no plugin implementation to serve")
	}
	pluginv1.RegisterPluginServiceServer(s, newPluginServer(g.impl, b, g.logger))
	return nil
}

func (g *grpcPlugin) GRPCClient(_ context.Context, b *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &pluginClient{rpc: pluginv1.NewPluginServiceClient(c), broker: b}, nil
}

// ClientConfig is the go-plugin client configuration every plugin start uses
// (plugins.md section 2.1, ecosystem.md sections 1.3 and 1.6): gRPC only,
// AutoMTLS, the host environment not inherited, and the binary's SHA-256
// checked before exec (a mismatch fails with plugin.ErrChecksumsDoNotMatch).
// cmd must carry its own fixed environment and ExtraFiles.
func ClientConfig(cmd *exec.Cmd, sum []byte, logger hclog.Logger) *plugin.ClientConfig {
	var h func() hash.Hash = sha256.New
	return &plugin.ClientConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: PluginSets(nil),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		SecureConfig:     &plugin.SecureConfig{Checksum: sum, Hash: h()},
		Logger:           logger,
		Managed:          true,
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(MaxMessageBytes), grpc.MaxCallSendMsgSize(MaxMessageBytes))},
	}
}

// Dial starts the plugin process of c if needed, completes the handshake and
// returns the typed client of its "application" plugin.
func Dial(c *plugin.Client) (PluginClient, error) {
	rpc, err := c.Client()
	if err != nil {
		return nil, fmt.Errorf("sdk: start plugin: %w", err)
	}
	if v := c.NegotiatedVersion(); v != ContractMajor {
		return nil, fmt.Errorf("sdk: plugin negotiated contract %d, want %d: %w", v, ContractMajor, ErrUnsupported)
	}
	return Dispense(rpc)
}

// Dispense returns the typed client of the "application" plugin served over p
// (used by Dial and by sdktest's in-process connection).
func Dispense(p plugin.ClientProtocol) (PluginClient, error) {
	raw, err := p.Dispense(PluginName)
	if err != nil {
		return nil, fmt.Errorf("sdk: dispense %q: %w", PluginName, err)
	}
	pc, ok := raw.(*pluginClient)
	if !ok {
		return nil, fmt.Errorf("sdk: dispense %q gave %T, not a contract client: %w", PluginName, raw, ErrUnsupported)
	}
	return pc, nil
}
