package pluginhost

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"
	"github.com/mathmesh/mesh/sdk"
	"go.uber.org/goleak"
)

var testBinary string // built once by TestMain

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ph")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testBinary = filepath.Join(dir, "testplugin")
	out, err := exec.Command("go", "build", "-o", testBinary, "./testdata/testplugin").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build test plugin: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	plugin.CleanupClients()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(goleak.IgnoreTopFunction("github.com/hashicorp/go-plugin.(*Client).logStderr")); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func sum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return fmt.Sprintf("%x", s)
}

// startHost writes a registry for the test plugin in mode and starts it.
func startHost(t *testing.T, mode, pin, restart string) (*Host, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "phr")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	src := fmt.Sprintf(`
defaults {
  restart {
    %s
  }
  timeouts {
    provision = "300ms"
    start     = "10s"
    describe  = "5s"
  }
}
plugin "test" {
  command   = %q
  sha256    = %q
  endpoints = ["test-endpoint"]
  config {
    mode = %q
  }
}
`, restart, testBinary, pin, mode)
	reg, err := ParseRegistry("plugins.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	h := New(reg, Options{RuntimeDir: filepath.Join(dir, "run"), StateDir: filepath.Join(dir, "state"), Env: []string{"PATH=/usr/bin:/bin"}})
	if err := h.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Stop)
	return h, filepath.Join(dir, "run", "test-endpoint.sock")
}

const fastRestart = `max_restarts = 3
    window       = "60s"
    backoff_min  = "50ms"
    backoff_max  = "200ms"`

func waitState(t *testing.T, h *Host, state string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.WaitState(ctx, "test", state); err != nil {
		t.Fatal(err)
	}
}

func endpointPID(t *testing.T, path string) string {
	t.Helper()
	c, err := net.DialTimeout("unix", path, 5*time.Second)
	if err != nil {
		t.Fatalf("dial endpoint: %v", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("read endpoint: %v", err)
	}
	return strings.TrimSpace(line)
}

func TestRunProvisionAndEndpoint(t *testing.T) {
	h, sock := startHost(t, "ok", sum(t, testBinary), fastRestart)
	waitState(t, h, StateRunning)
	res, err := h.Provision(context.Background(), "test", sdk.ProvisionRequest{Entry: sdk.Entry{Key: "k"}})
	if err != nil || res.Status != sdk.StatusInstalled {
		t.Fatalf("Provision = %+v, %v", res, err)
	}
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("endpoint socket: %v %v", fi, err)
	}
	st := h.Status()[0]
	if got := endpointPID(t, sock); got != fmt.Sprintf("pid %d", st.PID) {
		t.Fatalf("endpoint served by %q, plugin pid %d", got, st.PID)
	}
}

func TestChecksumMismatchRefused(t *testing.T) {
	h, _ := startHost(t, "ok", strings.Repeat("ab", 32), fastRestart)
	waitState(t, h, StateFailed)
	st := h.Status()[0]
	if !strings.Contains(st.LastError, "checksum mismatch") || st.Restarts != 0 {
		t.Fatalf("status %+v: want a checksum failure and no restart", st)
	}
	if _, err := h.Provision(context.Background(), "test", sdk.ProvisionRequest{}); !errors.Is(err, sdk.ErrUnavailable) {
		t.Fatalf("call to a failed plugin: %v, want ErrUnavailable", err)
	}
}

func TestKilledPluginRestartsOnSamePath(t *testing.T) {
	h, sock := startHost(t, "ok", sum(t, testBinary), fastRestart)
	waitState(t, h, StateRunning)
	first := h.Status()[0].PID
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := h.Status()[0]
		if st.State == StateRunning && st.PID != first && st.PID != 0 {
			if st.Restarts != 1 {
				t.Fatalf("restarts %d, want 1", st.Restarts)
			}
			if got := endpointPID(t, sock); got != fmt.Sprintf("pid %d", st.PID) {
				t.Fatalf("endpoint at the same path served by %q, want pid %d", got, st.PID)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("plugin not restarted: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCrashLoopBacksOffThenFails(t *testing.T) {
	start := time.Now()
	h, sock := startHost(t, "crash", sum(t, testBinary), fastRestart)
	waitState(t, h, StateFailed)
	st := h.Status()[0]
	if st.Restarts != 4 || !strings.Contains(st.LastError, "more than 3 restarts") {
		t.Fatalf("status %+v: want 4 restarts and a failure", st)
	}
	// Backoff 50+100+200 ms at least between the four starts.
	if took := time.Since(start); took < 350*time.Millisecond {
		t.Fatalf("crash loop took %v, backoff not applied", took)
	}
	if _, err := net.DialTimeout("unix", sock, time.Second); err == nil {
		t.Fatal("endpoint of a failed plugin still accepts connections")
	}
}

func TestHungPluginTimesOutAndRestarts(t *testing.T) {
	h, _ := startHost(t, "hang", sum(t, testBinary), fastRestart)
	waitState(t, h, StateRunning)
	first := h.Status()[0].PID
	for i := range 2 {
		start := time.Now()
		_, err := h.Provision(context.Background(), "test", sdk.ProvisionRequest{})
		if !errors.Is(err, sdk.ErrTimeout) {
			t.Fatalf("call %d to a hung plugin: %v, want ErrTimeout", i, err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("call %d returned after %v; the deadline is 300ms", i, took)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := h.Status()[0]
		if st.State == StateRunning && st.PID != first && st.PID != 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("hung plugin not restarted: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCheckBinaryPermissions(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bin")
	if err := os.WriteFile(p, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	good := sha256.Sum256([]byte("x"))
	if err := CheckBinary(p, good[:]); err != nil {
		t.Fatalf("good binary: %v", err)
	}
	os.Chmod(p, 0o777)
	if err := CheckBinary(p, good[:]); !errors.Is(err, ErrUnsafeBinary) {
		t.Fatalf("world-writable binary: %v", err)
	}
	os.Chmod(p, 0o755)
	os.Chmod(dir, 0o777)
	if err := CheckBinary(p, good[:]); !errors.Is(err, ErrUnsafeBinary) {
		t.Fatalf("world-writable directory: %v", err)
	}
	os.Chmod(dir, 0o700)
	if err := CheckBinary("bin", good[:]); !errors.Is(err, ErrUnsafeBinary) {
		t.Fatalf("relative path: %v", err)
	}
	if err := CheckBinary(dir, good[:]); !errors.Is(err, ErrUnsafeBinary) {
		t.Fatalf("directory: %v", err)
	}
}
