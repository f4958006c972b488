package agent

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/mathmesh/mesh/agent/approval"
	"github.com/mathmesh/mesh/agent/localapi"
	"github.com/mathmesh/mesh/client"
)

// Main is the mesh-agent command: it parses args, runs the agent until it is
// stopped and returns the exit status. cmd/mesh-agent only calls it.
func Main(args []string, stderr io.Writer) int {
	if err := run(args, stderr); err != nil {
		fmt.Fprintf(stderr, "mesh-agent: %v\n", err)
		return 1
	}
	return 0
}

// RegistryPaths are the plugin registries in the order they apply: the
// system file installed by packages, then the user's.
func RegistryPaths(getenv func(string) string) []string {
	cfg := getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		cfg = filepath.Join(getenv("HOME"), ".config")
	}
	return []string{"/etc/mesh/plugins.hcl", filepath.Join(cfg, "mesh", "plugins.hcl")}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("mesh-agent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	home := fs.String("home", "", "Mesh data directory (default $MESH_HOME or $XDG_DATA_HOME/mesh)")
	socket := fs.String("socket", localapi.SocketPath(os.Getenv), "local API socket")
	service := fs.String("service", "", "Mesh service URL, overriding discovery")
	interval := fs.Duration("sync-interval", DefaultSyncInterval, "background sync period")
	var registries multiFlag
	fs.Var(&registries, "registry", "plugins.hcl file (repeatable; default /etc/mesh/plugins.hcl then $XDG_CONFIG_HOME/mesh/plugins.hcl)")
	verbose := fs.Bool("verbose", false, "log debug messages")
	askpass := fs.String("askpass", "", "program confirming uses of ssh-add -c keys (default $SSH_ASKPASS, then "+approval.DefaultAskpass+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	dir := *home
	if dir == "" {
		var err error
		if dir, err = client.HomeDir(os.Getenv); err != nil {
			return err
		}
	}
	h, err := client.OpenHome(dir)
	if err != nil {
		return err
	}
	c, err := client.New(client.Config{Home: h, Service: *service, Env: os.Getenv("MESH_SERVICE"), Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	if len(registries) == 0 {
		registries = RegistryPaths(os.Getenv)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	a, err := New(Config{Client: c, Socket: *socket, Registry: registries, SyncInterval: *interval,
		Logger:   slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
		Approver: approval.NewAskpass(*askpass, os.Getenv)})
	if err != nil {
		return err
	}
	return a.Run(context.Background())
}

type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }
