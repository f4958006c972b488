package cli

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// Testscript commands that run a real mesh-service on loopback for the
// txtar scripts (issue "accounts": the §4.1 story against a real service).
// TestScripts wires them in with
//
//	Cmds: serviceScriptCmds(t),
//
// The mesh-service binary is built once per test run, on first use, into
// the test's temporary directory with `go build`.
//
//	mesh-service-start [DOMAIN...]   start on a free 127.0.0.1 port with data
//	                                 in $WORK/.service (default domain
//	                                 example.com) and set MESH_SERVICE to its
//	                                 URL; the service is stopped when the
//	                                 script ends
//	mesh-service-stop                SIGTERM (graceful shutdown) and wait
//	mesh-service-kill                SIGKILL, as a crash, and wait
//
// A script may start the service again after stopping it: the data
// directory is kept, so restarts can be tested.

// serviceStartTimeout bounds the wait for the service to accept connections.
const serviceStartTimeout = 20 * time.Second

func serviceScriptCmds(t *testing.T) map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	b := &serviceBinary{dir: t.TempDir(), running: map[*testscript.TestScript]*runningService{}}
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"mesh-service-start": b.start,
		"mesh-service-stop":  func(ts *testscript.TestScript, neg bool, args []string) { b.stop(ts, neg, syscall.SIGTERM) },
		"mesh-service-kill":  func(ts *testscript.TestScript, neg bool, args []string) { b.stop(ts, neg, syscall.SIGKILL) },
	}
}

// serviceBinary builds cmd/mesh-service once and tracks the service each
// script started (scripts run in parallel).
type serviceBinary struct {
	dir  string
	once sync.Once
	path string
	err  error

	mu      sync.Mutex
	running map[*testscript.TestScript]*runningService
}

func (b *serviceBinary) current(ts *testscript.TestScript) *runningService {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.running[ts]
}

func (b *serviceBinary) set(ts *testscript.TestScript, s *runningService) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s == nil {
		delete(b.running, ts)
		return
	}
	b.running[ts] = s
}

func (b *serviceBinary) build() (string, error) {
	b.once.Do(func() {
		b.path = filepath.Join(b.dir, "mesh-service")
		out, err := exec.Command("go", "build", "-o", b.path, "github.com/mathmesh/mesh/cmd/mesh-service").CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("building mesh-service: %v\n%s", err, out)
		}
	})
	return b.path, b.err
}

// runningService is the process a script started, kept as a script value.
type runningService struct {
	cmd    *exec.Cmd
	stderr *strings.Builder
	done   chan error
}

func (b *serviceBinary) start(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! mesh-service-start")
	}
	if b.current(ts) != nil {
		ts.Fatalf("mesh-service is already running")
	}
	bin, err := b.build()
	ts.Check(err)
	domains := args
	if len(domains) == 0 {
		domains = []string{"example.com"}
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, addr, err := launchService(ts, bin, domains)
		if err == nil {
			b.set(ts, s)
			ts.Defer(func() { stopProcess(s, syscall.SIGTERM); b.set(ts, nil) })
			ts.Setenv("MESH_SERVICE", "http://"+addr+"/.well-known/mmm/")
			ts.Setenv("MESH_SERVICE_ADDR", addr)
			ts.Logf("mesh-service listening on %s", addr)
			return
		}
		lastErr = err
		if s != nil {
			stopProcess(s, syscall.SIGKILL)
		}
	}
	ts.Fatalf("%v", lastErr)
}

// launchService starts the binary on a free loopback port and waits until
// it accepts connections.
func launchService(ts *testscript.TestScript, bin string, domains []string) (*runningService, string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	addr := l.Addr().String()
	l.Close()
	argv := []string{"--listen", addr, "--data", ts.MkAbs(".service")}
	for _, d := range domains {
		argv = append(argv, "--domain", d)
	}
	cmd := exec.Command(bin, argv...)
	s := &runningService{cmd: cmd, stderr: &strings.Builder{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	cmd.Stdout = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(serviceStartTimeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return s, "", fmt.Errorf("mesh-service exited during start (%v):\n%s", err, s.stderr)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return s, addr, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopProcess(s, syscall.SIGKILL)
	return s, "", fmt.Errorf("mesh-service did not accept connections on %s within %v:\n%s", addr, serviceStartTimeout, s.stderr)
}

func (b *serviceBinary) stop(ts *testscript.TestScript, neg bool, sig syscall.Signal) {
	if neg {
		ts.Fatalf("unsupported: ! mesh-service-stop/kill")
	}
	s := b.current(ts)
	if s == nil {
		ts.Fatalf("mesh-service is not running")
	}
	b.set(ts, nil)
	if err := stopProcess(s, sig); err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Logf("mesh-service stopped (%v); its output:\n%s", sig, s.stderr)
}

// stopProcess signals the service and waits for it to exit (at most 10 s,
// then SIGKILL). It is safe to call more than once.
func stopProcess(s *runningService, sig syscall.Signal) error {
	if s.cmd.Process == nil {
		return nil
	}
	select {
	case err := <-s.done:
		s.done <- err
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case err := <-s.done:
		s.done <- err
		if sig == syscall.SIGTERM && err != nil {
			return fmt.Errorf("mesh-service did not shut down cleanly: %v\n%s", err, s.stderr)
		}
		return nil
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		err := <-s.done
		s.done <- err
		return fmt.Errorf("mesh-service did not stop within 10 s of %v; killed", sig)
	}
}
