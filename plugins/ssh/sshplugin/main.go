package sshplugin

import (
	"log"
	"log/slog"
	"os"
	"strings"

	"github.com/mathmesh/mesh/sdk"
)

// Main runs the plugin process: JSON records on stderr in the form the
// agent's hclog re-levels (@level, @message, @timestamp; ecosystem.md
// §1.5), the standard logger (which agent.ServeAgent writes refusals to)
// routed there at debug level, and sdk.Serve. It never writes to stdout.
func Main() {
	level := slog.LevelInfo
	if strings.EqualFold(os.Getenv("MESH_PLUGIN_LOG_LEVEL"), "debug") || strings.EqualFold(os.Getenv("MESH_PLUGIN_LOG_LEVEL"), "trace") {
		level = slog.LevelDebug
	}
	h := slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level, ReplaceAttr: hclogKeys})
	logger := slog.New(h).With("@module", "ssh")
	log.SetFlags(0)
	log.SetOutput(slog.NewLogLogger(h, slog.LevelDebug).Writer())
	sdk.Serve(New(logger))
}

// hclogKeys renames slog's top-level keys to hclog's JSON names.
func hclogKeys(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.TimeKey:
		a.Key = "@timestamp"
	case slog.MessageKey:
		a.Key = "@message"
	case slog.LevelKey:
		a.Key = "@level"
		a.Value = slog.StringValue(strings.ToLower(a.Value.String()))
	}
	return a
}
