package integration

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/plugins/ssh/sshplugin/sshdtest"
)

// syncWait bounds how long a catalog change takes to reach a running agent
// (two sync periods of 500 ms plus the plugin's refresh).
const syncWait = 5 * time.Second

var witnessRE = regexp.MustCompile(`Witness value = ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){6})`)
var deviceRE = regexp.MustCompile(`Device UDF = (\S+)`)

// TestSSHLoginThroughMeshAgent is the real-client test of the agent/SSH
// issue: an account's SSH key, served by mesh-agent's ssh plugin, logs in to
// a private sshd; ssh-add lists it; ssh-keygen -Y signs with it; deleting
// the key, and revoking a second device, stop the logins. Without the
// OpenSSH programs it fails when $CI is set (sshdtest.Require).
func TestSSHLoginThroughMeshAgent(t *testing.T) {
	sshdtest.Require(t, sshdtest.Programs...)
	bin := build(t)
	url := startService(t, bin)
	sshd := sshdtest.Start(t, sshdtest.Config{})

	alice := newMachine(t, "alice", bin, url)
	alice.must(t, "account", "create", "alice@example.com")
	pub := strings.TrimSpace(alice.must(t, "ssh", "create", "--id", "work", "--admin"))
	if got := strings.TrimSpace(alice.must(t, "ssh", "get", "work")); got != pub {
		t.Fatalf("ssh get printed %q, ssh create %q", got, pub)
	}
	sshd.Authorize(t, pub)
	sock := alice.startAgent(t)

	t.Run("login", func(t *testing.T) {
		eventually(t, syncWait, "login through mesh-agent", func() (bool, string) {
			out, err := sshd.Login(t, sock)
			return err == nil, out
		})
	})
	t.Run("ssh-add lists the key", func(t *testing.T) {
		out := sshd.Run(t, "ssh-add", map[string]string{"SSH_AUTH_SOCK": sock}, "-L")
		if !strings.Contains(out, strings.Join(strings.Fields(pub)[:2], " ")) {
			t.Fatalf("ssh-add -L does not list %q:\n%s", pub, out)
		}
		out = sshd.Run(t, "ssh-add", map[string]string{"SSH_AUTH_SOCK": sock}, "-l")
		if !strings.Contains(out, "work") || !strings.Contains(out, "(ED25519)") {
			t.Fatalf("ssh-add -l: %s", out)
		}
	})
	t.Run("ssh-keygen -Y sign and verify", func(t *testing.T) {
		signThroughAgent(t, sshd, sock, pub)
	})
	t.Run("ssh-add adds and removes a volatile key", func(t *testing.T) {
		env := map[string]string{"SSH_AUTH_SOCK": sock}
		key := filepath.Join(sshd.Dir, "id_extra")
		sshd.Run(t, "ssh-keygen", nil, "-q", "-t", "ed25519", "-N", "", "-C", "extra", "-f", key)
		sshd.Run(t, "ssh-add", env, "-t", "600", key)
		if out := sshd.Run(t, "ssh-add", env, "-l"); !strings.Contains(out, "extra") || !strings.Contains(out, "work") {
			t.Fatalf("ssh-add -l after ssh-add: %s", out)
		}
		sshd.Run(t, "ssh-add", env, "-d", key+".pub")
		if out := sshd.Run(t, "ssh-add", env, "-l"); strings.Contains(out, "extra") {
			t.Fatalf("ssh-add -l after ssh-add -d: %s", out)
		}
		sshd.Run(t, "ssh-add", env, key)
	})
	t.Run("ssh-add -D keeps the Mesh key", func(t *testing.T) {
		sshd.Run(t, "ssh-add", map[string]string{"SSH_AUTH_SOCK": sock}, "-D")
		if out := sshd.Run(t, "ssh-add", map[string]string{"SSH_AUTH_SOCK": sock}, "-l"); strings.Contains(out, "extra") || !strings.Contains(out, "work") {
			t.Fatalf("ssh-add -l after ssh-add -D: %s", out)
		}
		if out, err := sshd.Login(t, sock); err != nil {
			t.Fatalf("login after ssh-add -D: %v\n%s", err, out)
		}
	})
	t.Run("login fails after ssh delete", func(t *testing.T) {
		alice.must(t, "ssh", "delete", "work")
		eventually(t, syncWait, "login refused after ssh delete", func() (bool, string) {
			out, err := sshd.Login(t, sock)
			return err != nil, out
		})
		out, _ := sshd.Exec(t, "ssh-add", map[string]string{"SSH_AUTH_SOCK": sock}, "-L")
		if strings.Contains(out, strings.Fields(pub)[1]) {
			t.Fatalf("ssh-add -L still lists the deleted key:\n%s", out)
		}
	})

	t.Run("second device, then device delete", func(t *testing.T) {
		bob := newMachine(t, "phone", bin, url)
		req := bob.must(t, "device", "request", "alice@example.com")
		w, d := witnessRE.FindStringSubmatch(req), deviceRE.FindStringSubmatch(req)
		if w == nil || d == nil {
			t.Fatalf("device request printed no witness or device UDF:\n%s", req)
		}
		alice.must(t, "device", "accept", w[1], "--admin", "--web")
		bob.must(t, "device", "complete")
		// A key created after the join is given to both admin devices.
		pub2 := strings.TrimSpace(alice.must(t, "ssh", "create", "--id", "phone", "--admin"))
		sshd.ResetAuthorized(t)
		sshd.Authorize(t, pub2)
		sock2 := bob.startAgent(t)
		eventually(t, syncWait, "login through the second device's agent", func() (bool, string) {
			out, err := sshd.Login(t, sock2)
			return err == nil, out
		})
		alice.must(t, "device", "delete", d[1])
		eventually(t, syncWait, "login refused after device delete", func() (bool, string) {
			out, err := sshd.Login(t, sock2)
			return err != nil, out
		})
		// The first device is unaffected.
		eventually(t, syncWait, "login through the first device", func() (bool, string) {
			out, err := sshd.Login(t, sock)
			return err == nil, out
		})
	})
}

// signThroughAgent signs a message with ssh-keygen -Y sign through the
// agent (git's commit signing) and verifies it with -Y verify.
func signThroughAgent(t *testing.T, sshd *sshdtest.SSHD, sock, pub string) {
	t.Helper()
	d := t.TempDir()
	pubFile, msg, allowed := filepath.Join(d, "key.pub"), filepath.Join(d, "msg"), filepath.Join(d, "allowed")
	for f, body := range map[string]string{pubFile: pub + "\n", msg: "commit tree 1234\n",
		allowed: "alice@example.com " + pub + "\n"} {
		if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sshd.Run(t, "ssh-keygen", map[string]string{"SSH_AUTH_SOCK": sock}, "-Y", "sign", "-f", pubFile, "-n", "git", msg)
	out, err := sshdtest.Exec(sshd.Path("ssh-keygen"), d, nil, []byte("commit tree 1234\n"),
		"-Y", "verify", "-f", allowed, "-I", "alice@example.com", "-n", "git", "-s", msg+".sig")
	if err != nil {
		t.Fatalf("ssh-keygen -Y verify: %v\n%s", err, out)
	}
	if _, err := sshdtest.Exec(sshd.Path("ssh-keygen"), d, nil, []byte("commit tree 9999\n"),
		"-Y", "verify", "-f", allowed, "-I", "alice@example.com", "-n", "git", "-s", msg+".sig"); err == nil {
		t.Fatal("ssh-keygen -Y verify accepted the signature for another message")
	}
}
