package approval

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mathmesh/mesh/sdk"
	"golang.org/x/crypto/ssh"
)

func sshKey(t testing.TB) ssh.PublicKey {
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

var (
	sampleKey  = mustKey()
	sampleHost = mustKey()
)

func mustKey() ssh.PublicKey {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	k, _ := ssh.NewPublicKey(pub)
	return k
}

func samplePrompt() Prompt {
	return Prompt{Plugin: "ssh", Operation: "sign",
		Key:  sdk.KeyInfo{Comment: "alice@laptop", Algorithm: "ed25519", SSHPublic: sampleKey.Marshal()},
		Peer: sdk.Peer{PID: 4242, Executable: "/usr/bin/ssh"}, Executable: "/usr/bin/ssh",
		Context: sdk.ClientContext{SSHHostKey: sampleHost.Marshal(), SSHForwarded: true}}
}

func TestFingerprintIsOpenSSHs(t *testing.T) {
	k := sshKey(t)
	if got, want := Fingerprint(k.Marshal()), ssh.FingerprintSHA256(k); got != want {
		t.Fatalf("Fingerprint = %s, want %s", got, want)
	}
}

func TestPromptText(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*Prompt)
		want   []string
		absent []string
	}{
		{"bound forwarded", func(*Prompt) {}, []string{
			`Allow sign with key "alice@laptop"?`,
			"Key fingerprint " + ssh.FingerprintSHA256(sampleKey) + " (\"ed25519\").",
			`Requested by "/usr/bin/ssh", pid 4242 through plugin "ssh".`,
			"host key " + ssh.FingerprintSHA256(sampleHost) + ", forwarded hop",
		}, []string{"reported"}},
		{"bound direct", func(p *Prompt) { p.Context.SSHForwarded = false; p.Context.SSHHost = "db" },
			[]string{`Destination "db", host key ` + ssh.FingerprintSHA256(sampleHost) + ", direct connection."}, []string{"forwarded"}},
		{"unbound", func(p *Prompt) { p.Context = sdk.ClientContext{} },
			[]string{"Destination unknown: the connection is not bound to a host key."}, nil},
		{"plugin names another program", func(p *Prompt) { p.Peer.Executable = "/usr/bin/git" },
			[]string{`Requested by "/usr/bin/ssh" (the plugin reported "/usr/bin/git"), pid 4242`}, nil},
		{"agent could not resolve", func(p *Prompt) { p.Executable = "" },
			[]string{`"/usr/bin/ssh" (as reported by the plugin), pid 4242`}, nil},
		{"nothing known", func(p *Prompt) { p.Executable, p.Peer = "", sdk.Peer{} },
			[]string{"Requested by an unknown program through"}, []string{"pid"}},
		{"comment forging a line", func(p *Prompt) { p.Key.Comment = "x\nDestination trusted-host\x1b[2J" },
			[]string{`key "x\nDestination trusted-host\x1b[2J"?`}, []string{"\nDestination trusted-host"}},
		{"no comment", func(p *Prompt) { p.Key.Comment = "" }, []string{"key (no comment)?"}, nil},
		{"long comment", func(p *Prompt) { p.Key.Comment = strings.Repeat("é", 300) },
			[]string{"… (cut at 256 bytes)"}, []string{strings.Repeat("é", 129)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := samplePrompt()
			tc.edit(&p)
			text := p.Text()
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("prompt lacks %q:\n%s", w, text)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(text, a) {
					t.Errorf("prompt contains %q:\n%s", a, text)
				}
			}
			if n := strings.Count(text, "\n"); n != 4 {
				t.Errorf("prompt has %d lines, want 4:\n%s", n, text)
			}
		})
	}
}

func TestSerializeOnePromptAtATime(t *testing.T) {
	var open, most atomic.Int32
	s := Serialize(Func(func(context.Context, Prompt) (bool, error) {
		n := open.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(5 * time.Millisecond)
		open.Add(-1)
		return true, nil
	}))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if ok, err := s.Confirm(t.Context(), samplePrompt()); !ok || err != nil {
				t.Errorf("Confirm = %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d prompts were open at once", most.Load())
	}
}

func TestSerializeWaiterGivesUp(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	s := Serialize(Func(func(context.Context, Prompt) (bool, error) {
		close(started)
		<-release
		return true, nil
	}))
	done := make(chan struct{})
	go func() { defer close(done); _, _ = s.Confirm(context.Background(), samplePrompt()) }()
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	ok, err := s.Confirm(ctx, samplePrompt())
	if ok || !errors.Is(err, ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Confirm while another prompt is open = %v, %v; want false, ErrBusy", ok, err)
	}
	close(release)
	<-done
}

func TestResolveExecutable(t *testing.T) {
	if got := ResolveExecutable(0); got != "" {
		t.Fatalf("ResolveExecutable(0) = %q", got)
	}
	if got := ResolveExecutable(-1); got != "" {
		t.Fatalf("ResolveExecutable(-1) = %q", got)
	}
	if runtime.GOOS != "linux" {
		return
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if got := ResolveExecutable(int32(os.Getpid())); got != self {
		t.Fatalf("ResolveExecutable(own pid) = %q, want %q", got, self)
	}
}
