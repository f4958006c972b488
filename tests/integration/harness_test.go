// Package integration runs the shipped binaries together: mesh-service on
// loopback, meshman, mesh-agent and mesh-plugin-ssh, against the real
// OpenSSH client and server (the agent/SSH issue, item 4; docs/ssh.md).
package integration

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binaries are built once per test process into one directory.
var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// TestMain removes the binaries after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// build compiles the four programs (the plugin's directory must not be
// group- or world-writable: mesh-agent checks it before exec).
func build(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "meshbin")
		if buildErr != nil {
			return
		}
		for _, p := range [][2]string{
			{"meshman", "./cmd/meshman"}, {"mesh-service", "./cmd/mesh-service"},
			{"mesh-agent", "./cmd/mesh-agent"}, {"mesh-plugin-ssh", "./plugins/ssh"},
		} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, p[0]), p[1])
			cmd.Dir = moduleRoot()
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("building %s: %v\n%s", p[0], err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

func moduleRoot() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..")
}

// startService runs mesh-service for example.com on a free loopback port
// and returns its URL; it is stopped at cleanup.
func startService(t *testing.T, bin string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	data := t.TempDir()
	log := &strings.Builder{}
	cmd := exec.Command(filepath.Join(bin, "mesh-service"), "--listen", addr, "--data", data, "--domain", "example.com")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("mesh-service log:\n%s", tail(log.String(), 30))
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return "http://" + addr + "/.well-known/mmm/"
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("mesh-service did not listen on %s:\n%s", addr, log.String())
	return ""
}

// machine is one device: its own MESH_HOME, runtime directory (agent and
// endpoint sockets) and configuration directory (plugins.hcl).
type machine struct {
	name     string
	bin      string
	service  string
	home     string
	runtime  string
	config   string
	agentPID int // of the running mesh-agent, 0 when stopped
}

func newMachine(t *testing.T, name, bin, service string) *machine {
	t.Helper()
	root, err := os.MkdirTemp("", "mm"+name) // short: socket paths are limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	m := &machine{name: name, bin: bin, service: service, home: filepath.Join(root, "h"),
		runtime: filepath.Join(root, "r"), config: filepath.Join(root, "c")}
	for _, d := range []string{m.runtime, filepath.Join(m.config, "mesh")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func (m *machine) env() []string {
	return []string{"MESH_HOME=" + m.home, "MESH_SERVICE=" + m.service, "XDG_RUNTIME_DIR=" + m.runtime,
		"XDG_CONFIG_HOME=" + m.config, "HOME=" + filepath.Dir(m.home), "PATH=/usr/bin:/bin", "LANG=C"}
}

// meshman runs meshman on this machine and returns its output.
func (m *machine) meshman(t *testing.T, args ...string) (string, error) {
	t.Helper()
	// Not t.Context: cleanups (agent stop) run after it is cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(m.bin, "meshman"), args...)
	cmd.Env = m.env()
	cmd.Dir = filepath.Dir(m.home)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// must runs meshman and fails the test on an error.
func (m *machine) must(t *testing.T, args ...string) string {
	t.Helper()
	out, err := m.meshman(t, args...)
	if err != nil {
		t.Fatalf("%s> meshman %s: %v\n%s", m.name, strings.Join(args, " "), err, out)
	}
	return out
}

// startAgent writes plugins.hcl naming the plugin binary and its SHA-256,
// runs `meshman agent start`, and returns SSH_AUTH_SOCK from `meshman agent
// env`. The agent is stopped at cleanup.
func (m *machine) startAgent(t *testing.T, extraEnv ...string) string {
	t.Helper()
	plugin := filepath.Join(m.bin, "mesh-plugin-ssh")
	b, err := os.ReadFile(plugin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	hcl := fmt.Sprintf("plugin \"ssh\" {\n  command   = %q\n  sha256    = %q\n  endpoints = [\"ssh-agent\"]\n  enabled   = true\n}\n",
		plugin, hex.EncodeToString(sum[:]))
	if err := os.WriteFile(filepath.Join(m.config, "mesh", "plugins.hcl"), []byte(hcl), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(m.bin, "meshman"), "agent", "start")
	cmd.Env = append(m.env(), extraEnv...)
	cmd.Dir = filepath.Dir(m.home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s> meshman agent start: %v\n%s", m.name, err, out)
	}
	started := string(out)
	pid := pidRE.FindStringSubmatch(started)
	if pid == nil {
		t.Fatalf("meshman agent start printed no pid: %s", started)
	}
	m.agentPID, _ = strconv.Atoi(pid[1])
	t.Cleanup(func() { m.stopAgent(t) })
	env := m.must(t, "agent", "env")
	for _, line := range strings.Split(env, "\n") {
		if v, ok := strings.CutPrefix(line, "SSH_AUTH_SOCK='"); ok {
			sock, _, _ := strings.Cut(v, "'")
			m.waitPlugin(t)
			return sock
		}
	}
	t.Fatalf("meshman agent env printed no SSH_AUTH_SOCK:\n%s", env)
	return ""
}

// waitPlugin waits until `meshman agent status` shows the plugin running.
func (m *machine) waitPlugin(t *testing.T) {
	t.Helper()
	var out string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		out, _ = m.meshman(t, "agent", "status")
		if strings.Contains(out, "plugin ssh: running") {
			return
		}
	}
	t.Fatalf("%s: the ssh plugin did not start:\n%s", m.name, out)
}

var pidRE = regexp.MustCompile(`\(pid (\d+),`)

// stopAgent stops the agent with `meshman agent stop`; if that fails the
// test fails and the agent is killed by its pid, so no process outlives it.
func (m *machine) stopAgent(t *testing.T) {
	if m.agentPID == 0 {
		return
	}
	pid := m.agentPID
	m.agentPID = 0
	if out, err := m.meshman(t, "agent", "stop"); err != nil {
		t.Errorf("%s> meshman agent stop: %v\n%s", m.name, err, out)
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Signal(syscall.SIGKILL)
		}
	}
}

// eventually retries check every 100 ms for up to d and fails with the
// last message.
func eventually(t *testing.T, d time.Duration, what string, check func() (bool, string)) {
	t.Helper()
	var msg string
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var ok bool
		if ok, msg = check(); ok {
			return
		}
	}
	t.Fatalf("%s: not within %v: %s", what, d, msg)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
