package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/mathmesh/mesh/agent/localapi"
	"github.com/mathmesh/mesh/agent/localclient"
	"github.com/spf13/cobra"
)

// newAgentCmd is `meshman agent start|stop|status|env` (docs/agent.md).
func newAgentCmd(app *App) *cobra.Command {
	var socket string
	cmd := &cobra.Command{Use: "agent", Short: "Start, stop and query mesh-agent"}
	cmd.PersistentFlags().StringVar(&socket, "socket", "", "agent socket (default $XDG_RUNTIME_DIR/mesh/agent.sock)")
	sock := func() string {
		if socket != "" {
			return socket
		}
		return localapi.SocketPath(app.getenv)
	}
	cmd.AddCommand(newAgentStartCmd(app, sock), newAgentStopCmd(app, sock), newAgentStatusCmd(app, sock), newAgentEnvCmd(app, sock))
	return cmd
}

type agentStarted struct {
	PID    int    `json:"pid"`
	Socket string `json:"socket"`
}

func (r agentStarted) Text() string {
	return fmt.Sprintf("mesh-agent running (pid %d, socket %s)", r.PID, r.Socket)
}

func newAgentStartCmd(app *App, sock func() string) *cobra.Command {
	var binary string
	c := &cobra.Command{Use: "start", Short: "Start mesh-agent in the background", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lc := localclient.New(sock())
			if st, err := lc.Status(cmd.Context()); err == nil {
				return app.Errorf("agent: already running (pid %d)", st.PID)
			}
			path, err := agentBinary(binary)
			if err != nil {
				return app.Errorf("agent: %v", err)
			}
			p := exec.Command(path, "--socket", sock())
			p.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // outlive the shell
			if err := p.Start(); err != nil {
				return app.Errorf("agent: start %s: %v", path, err)
			}
			_ = p.Process.Release()
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
			defer cancel()
			for {
				st, err := lc.Status(ctx)
				if err == nil {
					return app.Emit(agentStarted{PID: st.PID, Socket: sock()})
				}
				select {
				case <-ctx.Done():
					return app.Errorf("agent: mesh-agent did not answer on %s: %v", sock(), err)
				case <-time.After(50 * time.Millisecond):
				}
			}
		}}
	c.Flags().StringVar(&binary, "binary", "", "mesh-agent binary (default: beside meshman, then $PATH)")
	return c
}

// agentBinary finds mesh-agent: the flag, beside this executable, then PATH.
func agentBinary(flag string) (string, error) {
	if flag != "" {
		return filepath.Abs(flag)
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "mesh-agent")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	p, err := exec.LookPath("mesh-agent")
	if err != nil {
		return "", errors.New("mesh-agent not found beside meshman or in $PATH (use --binary)")
	}
	return p, nil
}

type agentStopped struct {
	Socket string `json:"socket"`
}

func (r agentStopped) Text() string { return "mesh-agent stopped" }

func newAgentStopCmd(app *App, sock func() string) *cobra.Command {
	return &cobra.Command{Use: "stop", Short: "Stop mesh-agent", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lc := localclient.New(sock())
			if err := lc.Shutdown(cmd.Context()); err != nil {
				return app.Errorf("agent: %v", err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				if _, err := lc.Status(cmd.Context()); errors.Is(err, localclient.ErrNotRunning) {
					return app.Emit(agentStopped{Socket: sock()})
				}
				time.Sleep(50 * time.Millisecond)
			}
			return app.Errorf("agent: mesh-agent still answers on %s after 10s", sock())
		}}
}

type agentStatus struct{ localapi.Status }

func (s agentStatus) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mesh-agent pid %d since %s\nsocket %s\n", s.PID, s.Started.Format(time.RFC3339), s.Socket)
	for _, a := range s.Accounts {
		state := "synced " + a.LastSync.Format(time.RFC3339)
		if a.LastError != "" {
			state = "error: " + a.LastError
		}
		fmt.Fprintf(&b, "account %s: %s\n", a.Address, state)
	}
	for _, p := range s.Plugins {
		fmt.Fprintf(&b, "plugin %s: %s (restarts %d)", p.Name, p.State, p.Restarts)
		if p.LastError != "" {
			fmt.Fprintf(&b, ": %s", p.LastError)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func newAgentStatusCmd(app *App, sock func() string) *cobra.Command {
	return &cobra.Command{Use: "status", Short: "Show mesh-agent's accounts and plugins", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := localclient.New(sock()).Status(cmd.Context())
			if err != nil {
				return app.Errorf("agent: %v", err)
			}
			return app.Emit(agentStatus{st})
		}}
}

// endpointEnv maps endpoint names to the variable clients read.
var endpointEnv = map[string]string{"ssh-agent": "SSH_AUTH_SOCK"}

type agentEnv struct {
	Vars map[string]string `json:"vars"`
}

func (e agentEnv) Text() string {
	names := make([]string, 0, len(e.Vars))
	for k := range e.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, "%s=%s; export %s;\n", k, shellQuote(e.Vars[k]), k)
	}
	return b.String()
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func newAgentEnvCmd(app *App, sock func() string) *cobra.Command {
	return &cobra.Command{Use: "env", Short: "Print shell settings for the agent's endpoints (eval \"$(meshman agent env)\")", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := localclient.New(sock()).Status(cmd.Context())
			if err != nil {
				return app.Errorf("agent: %v", err)
			}
			env := agentEnv{Vars: map[string]string{}}
			for name, path := range st.Endpoints {
				if v, ok := endpointEnv[name]; ok {
					env.Vars[v] = path
				}
			}
			return app.Emit(env)
		}}
}
