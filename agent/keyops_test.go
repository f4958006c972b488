package agent

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/agent/approval"
	"github.com/mathmesh/mesh/agent/keystore"
	"github.com/mathmesh/mesh/sdk"
	"golang.org/x/crypto/ssh"
)

// confirmFixture is a plugin backend with an unconstrained and a confirm
// (ssh-add -c) volatile key, and a key channel opened by pid 4242.
type confirmFixture struct {
	ops            sdk.KeyOps
	plain, confirm sdk.KeyInfo
}

func newConfirmFixture(t *testing.T, a approval.Approver) confirmFixture {
	t.Helper()
	ks := keystore.New()
	b := &pluginBackend{name: "ssh", keys: ks, approver: approval.Serialize(a), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	add := func(comment string, confirm bool) sdk.KeyInfo {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		k, err := ks.ImportVolatile("ssh", sdk.VolatileKey{PKCS8: der, Comment: comment, Purposes: []string{"ssh-auth"},
			Constraints: sdk.Constraints{Confirm: confirm}})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	f := confirmFixture{plain: add("plain", false), confirm: add("careful", true)}
	ops, err := b.OpenChannel(t.Context(), sdk.ChannelOpen{Peer: sdk.Peer{PID: 4242, Executable: "/usr/bin/ssh"}, Endpoint: "ssh-agent"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ops.Close() })
	f.ops = ops
	return f
}

func sign(ctx context.Context, ops sdk.KeyOps, k sdk.KeyInfo) error {
	_, err := ops.Sign(ctx, sdk.SignRequest{Handle: k.Handle, Input: []byte("session"), InputKind: sdk.InputMessage,
		Scheme: sdk.SchemeEd25519, Purpose: "ssh-auth"})
	return err
}

func TestConfirmKeyAsksTheApprover(t *testing.T) {
	var prompts []approval.Prompt
	answer, fail := true, error(nil)
	f := newConfirmFixture(t, approval.Func(func(_ context.Context, p approval.Prompt) (bool, error) {
		prompts = append(prompts, p)
		return answer, fail
	}))
	ctx := t.Context()
	if err := sign(ctx, f.ops, f.plain); err != nil || len(prompts) != 0 {
		t.Fatalf("unconstrained key: %v after %d prompts; want a signature without a prompt", err, len(prompts))
	}
	host := sshPublic(t)
	if err := f.ops.UpdateContext(ctx, sdk.ClientContext{SSHHostKey: host.Marshal(), SSHForwarded: true}); err != nil {
		t.Fatal(err)
	}
	if err := sign(ctx, f.ops, f.confirm); err != nil || len(prompts) != 1 {
		t.Fatalf("approved confirm key: %v after %d prompts; want a signature after one prompt", err, len(prompts))
	}
	p := prompts[0]
	if p.Plugin != "ssh" || p.Operation != "sign" || p.Key.Comment != "careful" || p.Peer.PID != 4242 ||
		!p.Context.SSHForwarded || string(p.Context.SSHHostKey) != string(host.Marshal()) {
		t.Fatalf("prompt = %+v", p)
	}
	if !strings.Contains(p.Text(), ssh.FingerprintSHA256(host)) {
		t.Fatalf("prompt text lacks the host key fingerprint:\n%s", p.Text())
	}
	// Every use asks again, as OpenSSH's ssh-agent does.
	answer = false
	if err := sign(ctx, f.ops, f.confirm); !errors.Is(err, sdk.ErrDenied) || len(prompts) != 2 {
		t.Fatalf("refused confirm key: %v after %d prompts; want ErrDenied after two", err, len(prompts))
	}
	answer, fail = true, errors.New("approval: no display")
	if err := sign(ctx, f.ops, f.confirm); !errors.Is(err, sdk.ErrDenied) {
		t.Fatalf("approver failure: %v, want ErrDenied", err)
	}
	// A wrong purpose or an unknown handle is refused by the store, unasked.
	n := len(prompts)
	_, err := f.ops.Sign(ctx, sdk.SignRequest{Handle: f.confirm.Handle, Input: []byte("x"), InputKind: sdk.InputMessage,
		Scheme: sdk.SchemeEd25519, Purpose: "cms-sign"})
	if !errors.Is(err, sdk.ErrDenied) || len(prompts) != n {
		t.Fatalf("wrong purpose: %v after %d new prompts", err, len(prompts)-n)
	}
	if err := sign(ctx, f.ops, sdk.KeyInfo{Handle: "kh_AAAAAAAAAAAAAAAAAAAAAAAAAA"}); !errors.Is(err, sdk.ErrUnknownKey) || len(prompts) != n {
		t.Fatalf("unknown handle: %v after %d new prompts", err, len(prompts)-n)
	}
}

// TestConfirmThroughAskpassScript runs the askpass program as the agent
// does by default: a script recording its argument, approving or denying.
func TestConfirmThroughAskpassScript(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "askpass")
	script := "#!/bin/sh\nprintf '%s' \"$1\" >> \"$(dirname \"$0\")/log\"\nexit \"$(cat \"$(dirname \"$0\")/answer\")\"\n"
	if err := os.WriteFile(prog, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	setAnswer := func(a string) {
		if err := os.WriteFile(filepath.Join(dir, "answer"), []byte(a), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f := newConfirmFixture(t, approval.NewAskpass(prog, func(string) string { return "" }))
	setAnswer("0")
	if err := sign(t.Context(), f.ops, f.plain); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "log")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("askpass ran for an unconstrained key (%v)", err)
	}
	if err := sign(t.Context(), f.ops, f.confirm); err != nil {
		t.Fatalf("askpass approved, sign = %v", err)
	}
	setAnswer("1")
	if err := sign(t.Context(), f.ops, f.confirm); !errors.Is(err, sdk.ErrDenied) {
		t.Fatalf("askpass denied, sign = %v; want ErrDenied", err)
	}
	log, err := os.ReadFile(filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	fp := approval.Fingerprint(f.confirm.SSHPublic)
	if strings.Count(string(log), `Allow sign with key "careful"?`) != 2 || !strings.Contains(string(log), fp) {
		t.Fatalf("askpass saw %q; want two prompts naming the key and %s", log, fp)
	}
}

func sshPublic(t *testing.T) ssh.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
