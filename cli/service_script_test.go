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

// Testscript commands that run real mesh-service instances on loopback for
// the txtar scripts (issue "accounts": the §4.1 story against a real
// service; issue "between accounts": two services for two domains).
// TestScripts wires them in with
//
//	Cmds: serviceScriptCmds(t),
//
// The mesh-service binary is built once per test run, on first use, into
// the test's temporary directory with `go build`.
//
//	mesh-service-start [--name N] [--peer DOMAIN=M]... [DOMAIN...]
//	        start service N (default "default") on a 127.0.0.1 port with
//	        data in $WORK/.service (for N = default) or $WORK/.service-N and
//	        the domains given (default example.com). It sets MESH_SERVICE
//	        and MESH_SERVICE_ADDR (default) or MESH_SERVICE_N and
//	        MESH_SERVICE_N_ADDR to its URL and address. --peer DOMAIN=M makes
//	        it post messages for DOMAIN to service M of the same script
//	        (mesh-service --peer): M's port is reserved now if M is not
//	        started yet, so two services can name each other. The services
//	        are stopped when the script ends.
//	mesh-service-stop [--name N]   SIGTERM (graceful shutdown) and wait
//	mesh-service-kill [--name N]   SIGKILL, as a crash, and wait
//
// A script may start a service again after stopping it: the data
// directory and the address are kept, so restarts can be tested.

// serviceStartTimeout bounds the wait for the service to accept connections.
const serviceStartTimeout = 20 * time.Second

// defaultServiceName names the service started without --name.
const defaultServiceName = "default"

func serviceScriptCmds(t *testing.T) map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	b := &serviceBinary{dir: t.TempDir(), scripts: map[*testscript.TestScript]*scriptServices{}}
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"mesh-service-start": b.start,
		"mesh-service-stop":  func(ts *testscript.TestScript, neg bool, args []string) { b.stop(ts, neg, args, syscall.SIGTERM) },
		"mesh-service-kill":  func(ts *testscript.TestScript, neg bool, args []string) { b.stop(ts, neg, args, syscall.SIGKILL) },
	}
}

// serviceBinary builds cmd/mesh-service once and tracks the services each
// script started (scripts run in parallel).
type serviceBinary struct {
	dir  string
	once sync.Once
	path string
	err  error

	mu      sync.Mutex
	scripts map[*testscript.TestScript]*scriptServices
}

// scriptServices are the services of one script: those running, by name,
// and the loopback address of every name used so far.
type scriptServices struct {
	running map[string]*runningService
	addrs   map[string]string
}

func (b *serviceBinary) of(ts *testscript.TestScript) *scriptServices {
	b.mu.Lock()
	defer b.mu.Unlock()
	sc := b.scripts[ts]
	if sc == nil {
		sc = &scriptServices{running: map[string]*runningService{}, addrs: map[string]string{}}
		b.scripts[ts] = sc
	}
	return sc
}

func (b *serviceBinary) current(ts *testscript.TestScript, name string) *runningService {
	sc := b.of(ts)
	b.mu.Lock()
	defer b.mu.Unlock()
	return sc.running[name]
}

func (b *serviceBinary) set(ts *testscript.TestScript, name string, s *runningService) {
	sc := b.of(ts)
	b.mu.Lock()
	defer b.mu.Unlock()
	if s == nil {
		delete(sc.running, name)
		return
	}
	sc.running[name] = s
}

// addr returns the address reserved for a service name, choosing a free
// loopback port the first time; reserved reports whether it was chosen
// before (and so may be known to another service already).
func (b *serviceBinary) addr(ts *testscript.TestScript, name string) (addr string, reserved bool, err error) {
	sc := b.of(ts)
	b.mu.Lock()
	defer b.mu.Unlock()
	if a, ok := sc.addrs[name]; ok {
		return a, true, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", false, err
	}
	a := l.Addr().String()
	l.Close()
	sc.addrs[name] = a
	return a, false, nil
}

func (b *serviceBinary) forget(ts *testscript.TestScript, name string) {
	sc := b.of(ts)
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(sc.addrs, name)
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

// serviceURL is the endpoint of a service listening on addr.
func serviceURL(addr string) string { return "http://" + addr + "/.well-known/mmm/" }

// envPrefix is the name of the variables a service sets.
func envPrefix(name string) string {
	if name == defaultServiceName {
		return "MESH_SERVICE"
	}
	return "MESH_SERVICE_" + strings.ToUpper(name)
}

// startArgs are the parsed arguments of mesh-service-start.
type startArgs struct {
	name    string
	peers   []string // DOMAIN=NAME
	domains []string
}

func parseStartArgs(args []string) (*startArgs, error) {
	a := &startArgs{name: defaultServiceName}
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--name", "--peer":
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%s needs a value", args[i])
			}
			if args[i] == "--name" {
				a.name = args[i+1]
			} else {
				if !strings.Contains(args[i+1], "=") {
					return nil, fmt.Errorf("--peer %q: want DOMAIN=NAME", args[i+1])
				}
				a.peers = append(a.peers, args[i+1])
			}
			i++
		default:
			if strings.HasPrefix(args[i], "-") {
				return nil, fmt.Errorf("unknown flag %s", args[i])
			}
			a.domains = append(a.domains, args[i])
		}
	}
	if len(a.domains) == 0 {
		a.domains = []string{"example.com"}
	}
	return a, nil
}

func (b *serviceBinary) start(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! mesh-service-start")
	}
	sa, err := parseStartArgs(args)
	if err != nil {
		ts.Fatalf("mesh-service-start: %v", err)
	}
	if b.current(ts, sa.name) != nil {
		ts.Fatalf("mesh-service %s is already running", sa.name)
	}
	bin, err := b.build()
	ts.Check(err)
	var extra []string
	for _, p := range sa.peers {
		domain, peer, _ := strings.Cut(p, "=")
		addr, _, err := b.addr(ts, peer)
		ts.Check(err)
		extra = append(extra, "--peer", domain+"="+serviceURL(addr))
	}
	data := ".service"
	if sa.name != defaultServiceName {
		data = ".service-" + sa.name
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		addr, reserved, err := b.addr(ts, sa.name)
		ts.Check(err)
		s, err := launchService(ts, bin, addr, ts.MkAbs(data), sa.domains, extra)
		if err == nil {
			name := sa.name
			b.set(ts, name, s)
			ts.Defer(func() { stopProcess(s, syscall.SIGTERM); b.set(ts, name, nil) })
			ts.Setenv(envPrefix(name), serviceURL(addr))
			ts.Setenv(envPrefix(name)+"_ADDR", addr)
			ts.Logf("mesh-service %s listening on %s", name, addr)
			return
		}
		lastErr = err
		if s != nil {
			stopProcess(s, syscall.SIGKILL)
		}
		if reserved {
			break // another service knows this address: do not move
		}
		b.forget(ts, sa.name)
	}
	ts.Fatalf("%v", lastErr)
}

// launchService starts the binary on addr and waits until it accepts
// connections.
func launchService(ts *testscript.TestScript, bin, addr, data string, domains, extra []string) (*runningService, error) {
	argv := append([]string{"--listen", addr, "--data", data}, extra...)
	for _, d := range domains {
		argv = append(argv, "--domain", d)
	}
	cmd := exec.Command(bin, argv...)
	s := &runningService{cmd: cmd, stderr: &strings.Builder{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	cmd.Stdout = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(serviceStartTimeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return s, fmt.Errorf("mesh-service exited during start (%v):\n%s", err, s.stderr)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopProcess(s, syscall.SIGKILL)
	return s, fmt.Errorf("mesh-service did not accept connections on %s within %v:\n%s", addr, serviceStartTimeout, s.stderr)
}

func (b *serviceBinary) stop(ts *testscript.TestScript, neg bool, args []string, sig syscall.Signal) {
	if neg {
		ts.Fatalf("unsupported: ! mesh-service-stop/kill")
	}
	name := defaultServiceName
	switch {
	case len(args) == 2 && args[0] == "--name":
		name = args[1]
	case len(args) != 0:
		ts.Fatalf("usage: mesh-service-stop|kill [--name N]")
	}
	s := b.current(ts, name)
	if s == nil {
		ts.Fatalf("mesh-service %s is not running", name)
	}
	b.set(ts, name, nil)
	if err := stopProcess(s, sig); err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Logf("mesh-service %s stopped (%v); its output:\n%s", name, sig, s.stderr)
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
