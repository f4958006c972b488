package sshplugin

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mathmesh/mesh/plugins/ssh/sshplugin/sshdtest"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// The real-client tests: OpenSSH's ssh, ssh-add, ssh-keygen and sshd
// against the agent logic over a Unix socket with SO_PEERCRED checks,
// with mesh-agent played by memBackend. The same checks through the real
// mesh-agent and plugin binary are in tests/integration.

// socketServer serves srv on a fresh Unix socket and returns its path.
func socketServer(t testing.TB, srv *Server) string {
	t.Helper()
	sock := filepath.Join(sshdtest.TempDir(t), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Serve(l); close(done) }()
	t.Cleanup(func() { srv.Close(); l.Close(); <-done })
	return sock
}

// dialUnix connects an agent client to sock.
func dialUnix(t testing.TB, sock string) (agent.ExtendedAgent, net.Conn) {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return agent.NewClient(c), c
}

func authorizedLine(k ssh.PublicKey) string { return string(ssh.MarshalAuthorizedKey(k)) }

func TestOpenSSHLoginListSign(t *testing.T) {
	sshd := sshdtest.Start(t, sshdtest.Config{})
	b := newMemBackend(time.Now)
	srv := NewServer(b, Options{})
	sock := socketServer(t, srv)
	k, _ := b.addMesh("mesh-key")
	sshd.Authorize(t, authorizedLine(k.Public))
	env := map[string]string{"SSH_AUTH_SOCK": sock}

	t.Run("ssh login", func(t *testing.T) {
		if out, err := sshd.Login(t, sock); err != nil {
			t.Fatalf("ssh login through the agent failed: %v\n%s", err, out)
		}
		// OpenSSH bound the connection to sshd's host key with session-bind.
		hostPub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(sshd.HostKey))
		if err != nil {
			t.Fatal(err)
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		if len(b.contexts) == 0 || string(b.contexts[len(b.contexts)-1].HostKey) != string(hostPub.Marshal()) {
			t.Fatalf("the key channel did not get sshd's host key from session-bind: %+v", b.contexts)
		}
	})
	t.Run("ssh-add -l -L", func(t *testing.T) {
		out := sshd.Run(t, "ssh-add", env, "-l")
		if !strings.Contains(out, ssh.FingerprintSHA256(k.Public)) || !strings.Contains(out, "mesh-key (ED25519)") {
			t.Fatalf("ssh-add -l = %q", out)
		}
		out = sshd.Run(t, "ssh-add", env, "-L")
		if strings.TrimSpace(out) != strings.TrimSpace(authorizedLine(k.Public))+" mesh-key" {
			t.Fatalf("ssh-add -L = %q", out)
		}
	})
	t.Run("ssh-keygen -Y sign and verify", func(t *testing.T) {
		d := sshdtest.TempDir(t)
		pubFile := filepath.Join(d, "key.pub")
		msg := filepath.Join(d, "msg")
		allowed := filepath.Join(d, "allowed")
		write(t, pubFile, authorizedLine(k.Public))
		write(t, msg, "commit tree 1234\n")
		write(t, allowed, "alice@example.com "+authorizedLine(k.Public))
		sshd.Run(t, "ssh-keygen", env, "-Y", "sign", "-f", pubFile, "-n", "git", msg)
		sig, err := os.ReadFile(msg + ".sig")
		if err != nil {
			t.Fatal(err)
		}
		out, err := sshdtest.Exec(sshd.Path("ssh-keygen"), d, nil, []byte("commit tree 1234\n"),
			"-Y", "verify", "-f", allowed, "-I", "alice@example.com", "-n", "git", "-s", msg+".sig")
		if err != nil {
			t.Fatalf("ssh-keygen -Y verify: %v\n%s\n%s", err, out, sig)
		}
	})
	t.Run("login fails after the key is deleted", func(t *testing.T) {
		// meshman ssh delete removes the entry; mesh-agent lists it no more
		// and reports the change.
		if err := b.removeMesh(k.Handle); err != nil {
			t.Fatal(err)
		}
		srv.Invalidate()
		if out, err := sshd.Login(t, sock); err == nil {
			t.Fatalf("ssh login succeeded after the key was deleted:\n%s", out)
		}
		if out, _ := sshd.Exec(t, "ssh-add", env, "-l"); !strings.Contains(out, "no identities") {
			t.Fatalf("ssh-add -l after delete = %q", out)
		}
	})
}

func TestOpenSSHAddConstraints(t *testing.T) {
	sshd := sshdtest.Start(t, sshdtest.Config{})
	b := newMemBackend(time.Now)
	srv := NewServer(b, Options{})
	sock := socketServer(t, srv)
	env := map[string]string{"SSH_AUTH_SOCK": sock}
	keyFile := filepath.Join(sshd.Dir, "id_added")
	sshd.Run(t, "ssh-keygen", nil, "-q", "-t", "ed25519", "-N", "", "-C", "added", "-f", keyFile)
	pub, err := os.ReadFile(keyFile + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	sshd.Authorize(t, string(pub))

	t.Run("ssh-add -c: a denied confirmation fails the login", func(t *testing.T) {
		var allow atomic.Bool
		b.setApprove(func(*memKey, ClientContext) bool { return allow.Load() })
		sshd.Run(t, "ssh-add", env, "-c", keyFile)
		if out, err := sshd.Login(t, sock); err == nil {
			t.Fatalf("login with a -c key succeeded though confirmation was denied:\n%s", out)
		}
		allow.Store(true)
		if out, err := sshd.Login(t, sock); err != nil {
			t.Fatalf("login with a confirmed -c key failed: %v\n%s", err, out)
		}
		sshd.Run(t, "ssh-add", env, "-d", keyFile+".pub")
		if out, _ := sshd.Exec(t, "ssh-add", env, "-l"); !strings.Contains(out, "no identities") {
			t.Fatalf("ssh-add -l after -d = %q", out)
		}
	})
	t.Run("ssh-add -t: the key is gone after its lifetime", func(t *testing.T) {
		sshd.Run(t, "ssh-add", env, "-t", "1", keyFile)
		if out := sshd.Run(t, "ssh-add", env, "-l"); !strings.Contains(out, "added (ED25519)") {
			t.Fatalf("ssh-add -l = %q", out)
		}
		time.Sleep(1100 * time.Millisecond)
		if out, _ := sshd.Exec(t, "ssh-add", env, "-l"); !strings.Contains(out, "no identities") {
			t.Fatalf("ssh-add -l after the lifetime = %q", out)
		}
		if out, err := sshd.Login(t, sock); err == nil {
			t.Fatalf("login with an expired key succeeded:\n%s", out)
		}
	})
	t.Run("ssh-add -D keeps Mesh keys", func(t *testing.T) {
		b.addMesh("mesh")
		srv.Invalidate()
		sshd.Run(t, "ssh-add", env, keyFile)
		sshd.Run(t, "ssh-add", env, "-D")
		out := sshd.Run(t, "ssh-add", env, "-l")
		if strings.Contains(out, "added") || !strings.Contains(out, "mesh (ED25519)") {
			t.Fatalf("ssh-add -l after -D = %q", out)
		}
	})
}

func TestOpenSSHHostSelectionBeatsMaxAuthTries(t *testing.T) {
	sshd := sshdtest.Start(t, sshdtest.Config{MaxAuthTries: 2})
	b := newMemBackend(time.Now)
	srv := NewServer(b, Options{})
	sock := socketServer(t, srv)
	// Four keys sshd does not accept come first; without host selection
	// ssh would try them in order and hit MaxAuthTries.
	for _, c := range []string{"g1", "g2", "g3", "g4"} {
		b.addMesh(c)
	}
	right, _ := b.addMesh("right")
	sshd.Authorize(t, authorizedLine(right.Public))
	if out, err := sshd.Login(t, sock); err == nil {
		t.Fatalf("login succeeded without host selection; the test needs MaxAuthTries to bite:\n%s", out)
	}
	hostPub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(sshd.HostKey))
	if err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.known = []KnownHost{{Names: []string{"127.0.0.1"}, HostKeys: []ssh.PublicKey{hostPub}, ClientKeys: []ssh.PublicKey{right.Public}}}
	b.mu.Unlock()
	srv.Invalidate()
	if out, err := sshd.Login(t, sock); err != nil {
		t.Fatalf("login with the known host's key failed: %v\n%s", err, out)
	}
}

func TestOpenSSHCertificate(t *testing.T) {
	sshd := sshdtest.Start(t, sshdtest.Config{})
	b := newMemBackend(time.Now)
	srv := NewServer(b, Options{})
	sock := socketServer(t, srv)
	k, _ := b.addMesh("certified")
	_, caPriv, _ := ed25519.GenerateKey(rand.Reader)
	ca, _ := ssh.NewSignerFromKey(caPriv)
	sshd.TrustCA(t, authorizedLine(ca.PublicKey()))
	cert := &ssh.Certificate{Key: k.Public, CertType: ssh.UserCert, KeyId: "mesh", ValidPrincipals: []string{sshd.User},
		ValidAfter: uint64(time.Now().Add(-time.Minute).Unix()), ValidBefore: uint64(time.Now().Add(time.Hour).Unix()),
		Permissions: ssh.Permissions{Extensions: map[string]string{"permit-pty": ""}}}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.keys[0].Certificate = cert
	b.mu.Unlock()
	// The plain key is not in authorized_keys: only the certificate works.
	if out, err := sshd.Login(t, sock); err != nil {
		t.Fatalf("login with the certificate failed: %v\n%s", err, out)
	}
	out := sshd.Run(t, "ssh-add", map[string]string{"SSH_AUTH_SOCK": sock}, "-l")
	if !strings.Contains(out, "certified (ED25519-CERT)") {
		t.Fatalf("ssh-add -l = %q", out)
	}
}

// TestDifferentialOpenSSHAgent adds the same key to OpenSSH's ssh-agent
// and to ours and compares what ssh-add shows (STYLE rule 6).
func TestDifferentialOpenSSHAgent(t *testing.T) {
	progs := sshdtest.Require(t, "ssh-agent", "ssh-add", "ssh-keygen")
	d := sshdtest.TempDir(t)
	keyFile := filepath.Join(d, "id")
	if out, err := sshdtest.Exec(progs["ssh-keygen"], d, nil, nil, "-q", "-t", "ed25519", "-N", "", "-C", "same", "-f", keyFile); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	theirs := filepath.Join(d, "openssh.sock")
	startOpenSSHAgent(t, progs["ssh-agent"], theirs)
	ours := socketServer(t, NewServer(newMemBackend(time.Now), Options{}))
	show := func(sock string, args ...string) string {
		out, err := sshdtest.Exec(progs["ssh-add"], d, map[string]string{"SSH_AUTH_SOCK": sock}, nil, args...)
		if err != nil && !strings.Contains(out, "no identities") {
			t.Fatalf("ssh-add %v on %s: %v\n%s", args, sock, err, out)
		}
		return out
	}
	for _, step := range [][]string{{keyFile}, {"-l"}, {"-L"}, {"-d", keyFile + ".pub"}, {"-l"}, {"-t", "60", keyFile}, {"-L"}, {"-D"}, {"-l"}} {
		a, b := show(theirs, step...), show(ours, step...)
		if a != b {
			t.Fatalf("ssh-add %v: OpenSSH agent said %q, ours %q", step, a, b)
		}
	}
}

// startOpenSSHAgent runs OpenSSH's ssh-agent in the foreground on sock
// and stops it at cleanup.
func startOpenSSHAgent(t testing.TB, path, sock string) {
	t.Helper()
	cmd := exec.Command(path, "-D", "-a", sock)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	if err := cmd.Start(); err != nil {
		t.Fatalf("ssh-agent: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; i < 500; i++ {
		if _, err := os.Stat(sock); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("ssh-agent did not create %s", sock)
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
