package sdk

import (
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Serve runs p as a plugin process: the handshake, the versioned plugin sets,
// gRPC only (mTLS set up by go-plugin when the agent asks for it), and JSON
// hclog on stderr, which the agent re-logs under the plugin's name. It never
// writes to stdout except go-plugin's one handshake line, and it exits the
// process when the agent closes the connection. A plugin's main calls Serve
// and nothing else that prints.
func Serve(p Plugin) {
	logger := hclog.New(&hclog.LoggerOptions{
		Name:       "plugin",
		Level:      hclog.LevelFromString(os.Getenv("MESH_PLUGIN_LOG_LEVEL")),
		Output:     os.Stderr,
		JSONFormat: true,
	})
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: pluginSets(p, logger),
		GRPCServer:       newGRPCServer,
		Logger:           logger,
	})
}

// newGRPCServer applies the contract's message size limit to a gRPC server.
func newGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	opts = append(opts, grpc.MaxRecvMsgSize(MaxMessageBytes), grpc.MaxSendMsgSize(MaxMessageBytes))
	return grpc.NewServer(opts...)
}
