// Package sshdtest runs the real OpenSSH programs in tests: a private sshd
// on a loopback port with its own configuration and host key, and ssh,
// ssh-add and ssh-keygen pointed at an agent socket (ecosystem.md §2.3,
// the real-client recipe).
//
// Tests that need the programs call [Require]: without them the test is
// skipped on a developer machine and fails when $CI is set, so CI never
// passes by skipping.
package sshdtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Programs used by the tests, looked up in PATH and /usr/sbin.
var Programs = []string{"sshd", "ssh", "ssh-add", "ssh-keygen"}

// Require returns the paths of the named programs. A missing one skips
// the test, or fails it when the CI environment variable is set.
func Require(t testing.TB, names ...string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			if q := "/usr/sbin/" + n; fileExists(q) {
				p, err = q, nil
			}
		}
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (install openssh-server and openssh-client): %v", n, err)
			}
			t.Skipf("%s not installed: %v", n, err)
		}
		paths[n] = p
	}
	return paths
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// TempDir returns a short private directory (Unix socket paths are limited
// to 108 bytes, so t.TempDir's long names do not fit), removed at cleanup.
func TempDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "mssh")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// SSHD is one running sshd.
type SSHD struct {
	Dir     string // its private directory
	Port    int
	User    string
	HostKey string // the host public key, authorized_keys format
	// AuthorizedKeys is the file sshd reads client keys from.
	AuthorizedKeys string
	// TrustedCA is the file of trusted user CA keys.
	TrustedCA string
	progs     map[string]string
	log       string
}

// Config holds extra sshd settings.
type Config struct {
	// MaxAuthTries, when not zero, limits the keys a client may try.
	MaxAuthTries int
}

// Start starts sshd on 127.0.0.1 with a fresh Ed25519 host key, keys from
// dir/authorized_keys only, StrictModes and PAM off, and stops it at
// cleanup. As root it creates the privilege separation directory
// /run/sshd if it is missing.
func Start(t testing.TB, cfg Config) *SSHD {
	t.Helper()
	progs := Require(t, Programs...)
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	d := TempDir(t)
	s := &SSHD{Dir: d, User: u.Username, progs: progs, log: filepath.Join(d, "sshd.log"),
		AuthorizedKeys: filepath.Join(d, "authorized_keys"), TrustedCA: filepath.Join(d, "ca.pub")}
	for _, f := range []string{s.AuthorizedKeys, s.TrustedCA} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hostKey := filepath.Join(d, "host_ed25519")
	s.Run(t, "ssh-keygen", nil, "-q", "-t", "ed25519", "-N", "", "-C", "sshdtest", "-f", hostKey)
	pub, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	s.HostKey = strings.TrimSpace(string(pub))
	if os.Geteuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("sshd as root needs /run/sshd: %v", err)
		}
	}
	s.Port = freePort(t)
	conf := fmt.Sprintf(`ListenAddress 127.0.0.1
Port %d
HostKey %s
PidFile %s
AuthorizedKeysFile %s
TrustedUserCAKeys %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers %s
LogLevel DEBUG1
`, s.Port, hostKey, filepath.Join(d, "sshd.pid"), s.AuthorizedKeys, s.TrustedCA, s.User)
	if cfg.MaxAuthTries > 0 {
		conf += fmt.Sprintf("MaxAuthTries %d\n", cfg.MaxAuthTries)
	}
	confPath := filepath.Join(d, "sshd_config")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(progs["sshd"], "-D", "-f", confPath, "-E", s.log)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			if b, err := os.ReadFile(s.log); err == nil {
				t.Logf("sshd log:\n%s", lastLines(b, 40))
			}
		}
	})
	s.waitListening(t, cmd)
	return s
}

func (s *SSHD) waitListening(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(s.Port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	b, _ := os.ReadFile(s.log)
	t.Fatalf("sshd did not listen on port %d:\n%s", s.Port, lastLines(b, 20))
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Authorize appends public keys (authorized_keys lines) to the
// authorized_keys file.
func (s *SSHD) Authorize(t testing.TB, lines ...string) {
	t.Helper()
	appendLines(t, s.AuthorizedKeys, lines)
}

// TrustCA appends a user CA key (authorized_keys line) to TrustedUserCAKeys.
func (s *SSHD) TrustCA(t testing.TB, line string) {
	t.Helper()
	appendLines(t, s.TrustedCA, []string{line})
}

// ResetAuthorized empties authorized_keys.
func (s *SSHD) ResetAuthorized(t testing.TB) {
	t.Helper()
	if err := os.WriteFile(s.AuthorizedKeys, nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

func appendLines(t testing.TB, path string, lines []string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, l := range lines {
		if _, err := f.WriteString(strings.TrimSpace(l) + "\n"); err != nil {
			t.Fatal(err)
		}
	}
}

// Login runs `ssh ... USER@127.0.0.1 true` through the agent at sock and
// returns its combined output and error. extra are additional ssh options.
func (s *SSHD) Login(t testing.TB, sock string, extra ...string) (string, error) {
	t.Helper()
	args := []string{"-F", "/dev/null", "-p", strconv.Itoa(s.Port),
		"-o", "IdentityAgent=" + sock, "-o", "IdentityFile=none",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=" + filepath.Join(s.Dir, "known_hosts"),
		"-o", "BatchMode=yes", "-o", "PreferredAuthentications=publickey", "-o", "ConnectTimeout=10"}
	args = append(args, extra...)
	args = append(args, s.User+"@127.0.0.1", "true")
	return s.Exec(t, "ssh", map[string]string{"SSH_AUTH_SOCK": sock}, args...)
}

// Run runs an OpenSSH program and fails the test if it fails.
func (s *SSHD) Run(t testing.TB, prog string, env map[string]string, args ...string) string {
	t.Helper()
	out, err := s.Exec(t, prog, env, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, out)
	}
	return out
}

// Exec runs an OpenSSH program with HOME set to the private directory (so
// no user configuration or key is read) plus env, and returns its combined
// output.
func (s *SSHD) Exec(t testing.TB, prog string, env map[string]string, args ...string) (string, error) {
	t.Helper()
	return Exec(s.progs[prog], s.Dir, env, nil, args...)
}

// Exec runs path with a minimal environment (HOME=home, PATH, plus env)
// and stdin, with a 30 s limit, and returns the combined output.
func Exec(path, home string, env map[string]string, stdin []byte, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin:/usr/sbin:/sbin"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Path returns the path of a required program.
func (s *SSHD) Path(prog string) string { return s.progs[prog] }

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
