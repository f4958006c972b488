package integration

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/plugins/ssh/sshplugin/sshdtest"
	"golang.org/x/crypto/ssh"
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
	ask := newAskpass(t)
	sock := alice.startAgent(t, "SSH_ASKPASS="+ask.prog, "SSH_ASKPASS_REQUIRE=force")

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
	t.Run("ssh-add -c asks the askpass program", func(t *testing.T) {
		confirmThroughAskpass(t, sshd, sock, ask)
		sshd.ResetAuthorized(t)
		sshd.Authorize(t, pub)
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

// askpass is a fake SSH_ASKPASS program for mesh-agent: it appends its
// argument (the prompt) and SSH_ASKPASS_PROMPT to log and exits with the
// status written in answer.
type askpass struct{ prog, log, answer string }

func newAskpass(t *testing.T) askpass {
	t.Helper()
	d := t.TempDir()
	a := askpass{prog: filepath.Join(d, "askpass"), log: filepath.Join(d, "log"), answer: filepath.Join(d, "answer")}
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s|%%s\\n' \"$SSH_ASKPASS_PROMPT\" \"$1\" >> %q\nexit \"$(cat %q)\"\n", a.log, a.answer)
	if err := os.WriteFile(a.prog, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	a.set(t, "1")
	return a
}

func (a askpass) set(t *testing.T, status string) {
	t.Helper()
	if err := os.WriteFile(a.answer, []byte(status), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (a askpass) prompts(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(a.log)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}

// confirmThroughAskpass adds a key with ssh-add -c through mesh-agent and
// logs in with it: refused while the askpass program says no, accepted once
// it says yes. The prompt names the key, the ssh client and the sshd host
// key. No prompt appears for the unconstrained Mesh key before.
func confirmThroughAskpass(t *testing.T, sshd *sshdtest.SSHD, sock string, ask askpass) {
	if got := ask.prompts(t); got != "" {
		t.Fatalf("askpass ran for unconstrained keys:\n%s", got)
	}
	env := map[string]string{"SSH_AUTH_SOCK": sock}
	key := filepath.Join(sshd.Dir, "id_careful")
	sshd.Run(t, "ssh-keygen", nil, "-q", "-t", "ed25519", "-N", "", "-C", "careful", "-f", key)
	sshd.Run(t, "ssh-add", env, "-c", key)
	defer sshd.Run(t, "ssh-add", env, "-D")
	line, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	cpub, _, _, _, err := ssh.ParseAuthorizedKey(line)
	if err != nil {
		t.Fatal(err)
	}
	host, _, _, _, err := ssh.ParseAuthorizedKey([]byte(sshd.HostKey))
	if err != nil {
		t.Fatal(err)
	}
	sshd.ResetAuthorized(t)
	sshd.Authorize(t, strings.TrimSpace(string(line)))

	ask.set(t, "1")
	if out, err := sshd.Login(t, sock); err == nil {
		t.Fatalf("login with an ssh-add -c key succeeded although askpass denied:\n%s", out)
	}
	denied := ask.prompts(t)
	if denied == "" {
		t.Fatal("login was refused without asking askpass")
	}
	ask.set(t, "0")
	if out, err := sshd.Login(t, sock); err != nil {
		t.Fatalf("login with an ssh-add -c key after askpass approved: %v\n%s", err, out)
	}
	prompts := ask.prompts(t)
	sshExe, err := filepath.EvalSymlinks(sshd.Path("ssh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"confirm|Allow sign with key \"careful\"?", "Key fingerprint " + ssh.FingerprintSHA256(cpub),
		"Requested by \"" + sshExe + "\"", "host key " + ssh.FingerprintSHA256(host) + ", direct connection."} {
		if !strings.Contains(prompts, want) {
			t.Errorf("askpass prompts lack %q:\n%s", want, prompts)
		}
	}
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
