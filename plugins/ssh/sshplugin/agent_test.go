package sshplugin

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is a Server over a memBackend with one connected client.
type harness struct {
	b      *memBackend
	srv    *Server
	clock  *testClock
	client agent.ExtendedAgent
	conn   net.Conn
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	b := newMemBackend(clock.now)
	srv := NewServer(b, Options{Now: clock.now})
	h := &harness{b: b, srv: srv, clock: clock}
	h.client, h.conn = h.dial(t)
	t.Cleanup(func() { srv.Close() })
	return h
}

// dial opens another client connection.
func (h *harness) dial(t *testing.T) (agent.ExtendedAgent, net.Conn) {
	t.Helper()
	c, s := net.Pipe()
	go h.srv.ServeConn(s, Peer{PID: 42, UID: 1000, Executable: "/usr/bin/ssh"})
	t.Cleanup(func() { c.Close() })
	return agent.NewClient(c), c
}

func comments(t *testing.T, a agent.Agent) []string {
	t.Helper()
	keys, err := a.List()
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var out []string
	for _, k := range keys {
		out = append(out, k.Format+" "+k.Comment)
	}
	return out
}

func TestListAndSignMeshKey(t *testing.T) {
	h := newHarness(t)
	k, _ := h.b.addMesh("work")
	if diff := cmp.Diff([]string{"ssh-ed25519 work"}, comments(t, h.client)); diff != "" {
		t.Fatalf("List (-want +got):\n%s", diff)
	}
	data := []byte("userauth request")
	sig, err := h.client.Sign(k.Public, data)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if err := k.Public.Verify(data, sig); err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
	// Signing again reuses the connection's key channel.
	if _, err := h.client.Sign(k.Public, data); err != nil {
		t.Fatalf("second Sign: %v", err)
	}
	if h.b.opens != 1 {
		t.Fatalf("key channels opened: %d, want 1 per connection", h.b.opens)
	}
}

func TestSignUnknownKeyFails(t *testing.T) {
	h := newHarness(t)
	h.b.addMesh("work")
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	pub, _ := ssh.NewPublicKey(other.Public())
	if _, err := h.client.Sign(pub, []byte("x")); err == nil {
		t.Fatal("Sign with a key the agent does not hold succeeded")
	}
}

func addEd25519(t *testing.T, a agent.Agent, k agent.AddedKey) ssh.PublicKey {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	k.PrivateKey = &priv
	pub, _ := ssh.NewPublicKey(priv.Public())
	if err := a.Add(k); err != nil {
		t.Fatalf("Add: %v", err)
	}
	return pub
}

func TestAddLifetime(t *testing.T) {
	h := newHarness(t)
	pub := addEd25519(t, h.client, agent.AddedKey{Comment: "tmp", LifetimeSecs: 60})
	if diff := cmp.Diff([]string{"ssh-ed25519 tmp"}, comments(t, h.client)); diff != "" {
		t.Fatalf("List (-want +got):\n%s", diff)
	}
	if _, err := h.client.Sign(pub, []byte("x")); err != nil {
		t.Fatalf("Sign before expiry: %v", err)
	}
	h.clock.advance(61 * time.Second)
	if got := comments(t, h.client); len(got) != 0 {
		t.Fatalf("List after expiry = %v, want none", got)
	}
	if _, err := h.client.Sign(pub, []byte("x")); err == nil {
		t.Fatal("Sign after expiry succeeded")
	}
}

func TestAddConfirm(t *testing.T) {
	h := newHarness(t)
	var asked int
	allow := false
	h.b.setApprove(func(*memKey, ClientContext) bool { asked++; return allow })
	pub := addEd25519(t, h.client, agent.AddedKey{Comment: "confirm", ConfirmBeforeUse: true})
	if _, err := h.client.Sign(pub, []byte("x")); err == nil {
		t.Fatal("Sign of a -c key succeeded though the prompt was denied")
	}
	allow = true
	if _, err := h.client.Sign(pub, []byte("x")); err != nil {
		t.Fatalf("Sign of a -c key after approval: %v", err)
	}
	if asked != 2 {
		t.Fatalf("prompts = %d, want one per signature", asked)
	}
}

func TestRemove(t *testing.T) {
	h := newHarness(t)
	mesh, _ := h.b.addMesh("mesh")
	v1 := addEd25519(t, h.client, agent.AddedKey{Comment: "v1"})
	addEd25519(t, h.client, agent.AddedKey{Comment: "v2"})
	if err := h.client.Remove(mesh.Public); err == nil {
		t.Fatal("ssh-add -d of a Mesh key succeeded")
	}
	if err := h.client.Remove(v1); err != nil {
		t.Fatalf("Remove volatile: %v", err)
	}
	if diff := cmp.Diff([]string{"ssh-ed25519 mesh", "ssh-ed25519 v2"}, comments(t, h.client)); diff != "" {
		t.Fatalf("after -d (-want +got):\n%s", diff)
	}
	if err := h.client.RemoveAll(); err != nil {
		t.Fatalf("RemoveAll: %v", err)
	}
	if diff := cmp.Diff([]string{"ssh-ed25519 mesh"}, comments(t, h.client)); diff != "" {
		t.Fatalf("after -D (-want +got):\n%s", diff)
	}
}

func TestLockRefused(t *testing.T) {
	h := newHarness(t)
	h.b.addMesh("mesh")
	if err := h.client.Lock([]byte("pw")); err == nil {
		t.Fatal("Lock succeeded")
	}
	if err := h.client.Unlock([]byte("pw")); err == nil {
		t.Fatal("Unlock succeeded")
	}
	if got := comments(t, h.client); len(got) != 1 {
		t.Fatalf("keys after a refused lock = %v", got)
	}
}

func TestCertificateListedAndSigns(t *testing.T) {
	h := newHarness(t)
	k, _ := h.b.addMesh("cert")
	_, caPriv, _ := ed25519.GenerateKey(rand.Reader)
	ca, _ := ssh.NewSignerFromKey(caPriv)
	cert := &ssh.Certificate{Key: k.Public, CertType: ssh.UserCert, KeyId: "alice", ValidPrincipals: []string{"alice"},
		ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	k.Certificate = cert
	got := comments(t, h.client)
	want := []string{"ssh-ed25519 cert", "ssh-ed25519-cert-v01@openssh.com cert"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("List (-want +got):\n%s", diff)
	}
	sig, err := h.client.Sign(cert, []byte("data"))
	if err != nil {
		t.Fatalf("Sign with the certificate: %v", err)
	}
	if err := cert.Verify([]byte("data"), sig); err != nil {
		t.Fatalf("certificate signature: %v", err)
	}
}

func TestRevokeServesNothing(t *testing.T) {
	h := newHarness(t)
	k, _ := h.b.addMesh("mesh")
	if _, err := h.client.Sign(k.Public, []byte("x")); err != nil {
		t.Fatal(err)
	}
	h.b.mu.Lock()
	h.b.revoked = true
	h.b.mu.Unlock()
	h.srv.Revoke()
	if got := comments(t, h.client); len(got) != 0 {
		t.Fatalf("List after revocation = %v", got)
	}
	if _, err := h.client.Sign(k.Public, []byte("x")); err == nil {
		t.Fatal("Sign after revocation succeeded")
	}
	if !h.srv.Stats().Revoked {
		t.Fatal("Stats do not report the revocation")
	}
}

func TestBackendErrorIsFailure(t *testing.T) {
	h := newHarness(t)
	h.b.addMesh("mesh")
	h.b.mu.Lock()
	h.b.revoked = true // Keys fails: the list is refused, not empty-and-silent
	h.b.mu.Unlock()
	if keys, err := h.client.List(); err == nil {
		t.Fatalf("List succeeded with %d keys though mesh-agent failed", len(keys))
	}
}

func TestExtensionsOtherThanSessionBindUnsupported(t *testing.T) {
	h := newHarness(t)
	_, err := h.client.Extension("query", nil)
	if !errors.Is(err, agent.ErrExtensionUnsupported) {
		t.Fatalf("Extension(query) = %v, want ErrExtensionUnsupported", err)
	}
}

func TestAddClearsPluginCopy(t *testing.T) {
	h := newHarness(t)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	a := newConnAgent(t.Context(), h.srv, Peer{})
	if err := a.Add(agent.AddedKey{PrivateKey: &priv, Comment: "c"}); err != nil {
		t.Fatal(err)
	}
	for _, b := range priv {
		if b != 0 {
			t.Fatal("the plugin's parsed copy of an ssh-add key was not cleared after the import")
		}
	}
	if got := comments(t, h.client); len(got) != 1 {
		t.Fatalf("List = %v; mesh-agent should hold its own copy", got)
	}
}
