package sshplugin

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// hostKey is a test SSH server host key.
type hostKey struct {
	signer ssh.Signer
}

func newHostKey(t testing.TB) hostKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return hostKey{s}
}

func (h hostKey) pub() ssh.PublicKey { return h.signer.PublicKey() }

// bindMsg builds a session-bind request for a fresh session identifier.
func (h hostKey) bindMsg(t testing.TB, forwarding bool) (msg, sid []byte) {
	t.Helper()
	sid = make([]byte, 32)
	rand.Read(sid)
	sig, err := h.signer.Sign(rand.Reader, sid)
	if err != nil {
		t.Fatal(err)
	}
	return ssh.Marshal(sessionBindMsg{HostKey: h.pub().Marshal(), SessionID: sid, Signature: ssh.Marshal(sig), Forwarding: forwarding}), sid
}

func bind(t *testing.T, a agent.ExtendedAgent, h hostKey, forwarding bool) []byte {
	t.Helper()
	msg, sid := h.bindMsg(t, forwarding)
	if _, err := a.Extension(ExtSessionBind, msg); err != nil {
		t.Fatalf("session-bind: %v", err)
	}
	return sid
}

func TestSessionBindRejects(t *testing.T) {
	hk := newHostKey(t)
	other := newHostKey(t)
	good, sid := hk.bindMsg(t, false)
	wrongSig, _ := other.signer.Sign(rand.Reader, sid)
	for _, tc := range []struct {
		name string
		msg  []byte
	}{
		{"empty", nil},
		{"trailing byte", append(append([]byte(nil), good...), 0)},
		{"truncated", good[:len(good)-1]},
		{"bad host key", ssh.Marshal(sessionBindMsg{HostKey: []byte("junk"), SessionID: sid, Signature: []byte("x")})},
		{"empty session id", ssh.Marshal(sessionBindMsg{HostKey: hk.pub().Marshal(), Signature: []byte("x")})},
		{"long session id", ssh.Marshal(sessionBindMsg{HostKey: hk.pub().Marshal(), SessionID: make([]byte, MaxSessionIDSize+1)})},
		{"signature by another key", ssh.Marshal(sessionBindMsg{HostKey: hk.pub().Marshal(), SessionID: sid, Signature: ssh.Marshal(wrongSig)})},
		{"signature garbage", ssh.Marshal(sessionBindMsg{HostKey: hk.pub().Marshal(), SessionID: sid, Signature: []byte{0, 0, 0, 9}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parseSessionBind(tc.msg); err == nil {
				t.Fatal("parseSessionBind accepted it")
			}
		})
	}
	b, err := parseSessionBind(good)
	if err != nil {
		t.Fatalf("good bind: %v", err)
	}
	if string(b.hostBlob) != string(hk.pub().Marshal()) || b.Forwarded {
		t.Fatal("good bind parsed wrongly")
	}
}

func TestSessionBindRules(t *testing.T) {
	h := newHarness(t)
	hk := newHostKey(t)
	// A forwarding bind may be followed by others; repeating one is a no-op.
	msg, _ := hk.bindMsg(t, true)
	for i := 0; i < 2; i++ {
		if _, err := h.client.Extension(ExtSessionBind, msg); err != nil {
			t.Fatalf("forwarding bind %d: %v", i, err)
		}
	}
	bind(t, h.client, hk, false)
	// Bound for authentication: no further binds.
	again, _ := hk.bindMsg(t, false)
	if _, err := h.client.Extension(ExtSessionBind, again); err == nil {
		t.Fatal("a second bind after an authentication bind was accepted")
	}
	// At most MaxSessionBinds forwarding binds on one connection.
	c2, _ := h.dial(t)
	for i := 0; i < MaxSessionBinds; i++ {
		bind(t, c2, hk, true)
	}
	over, _ := hk.bindMsg(t, true)
	if _, err := c2.Extension(ExtSessionBind, over); err == nil {
		t.Fatal("bind beyond MaxSessionBinds was accepted")
	}
}

// selectionFixture: A is the client key of known host "host1" (hk1); B has
// the host hint *.example.com; C is general. hk2 is build.example.com with
// no client key; hk3 is unknown.
func selectionFixture(t *testing.T) (h *harness, hk1, hk2, hk3 hostKey) {
	h = newHarness(t)
	a, _ := h.b.addMesh("A")
	h.b.addMesh("B", "*.example.com")
	h.b.addMesh("C")
	hk1, hk2, hk3 = newHostKey(t), newHostKey(t), newHostKey(t)
	h.b.known = []KnownHost{
		{Names: []string{"host1"}, HostKeys: []ssh.PublicKey{hk1.pub()}, ClientKeys: []ssh.PublicKey{a.Public}},
		{Names: []string{"build.example.com"}, HostKeys: []ssh.PublicKey{hk2.pub()}},
	}
	return h, hk1, hk2, hk3
}

func TestSelectionByHost(t *testing.T) {
	h, hk1, hk2, hk3 := selectionFixture(t)
	if diff := cmp.Diff([]string{"ssh-ed25519 A", "ssh-ed25519 B", "ssh-ed25519 C"}, comments(t, h.client)); diff != "" {
		t.Fatalf("unbound (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name string
		hk   hostKey
		want []string
	}{
		{"known host with client key", hk1, []string{"ssh-ed25519 A"}},
		{"host hint", hk2, []string{"ssh-ed25519 B"}},
		{"unknown host gets general keys", hk3, []string{"ssh-ed25519 C"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := h.dial(t)
			bind(t, c, tc.hk, false)
			if diff := cmp.Diff(tc.want, comments(t, c)); diff != "" {
				t.Fatalf("List (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectionRefusesKeyOfOtherHost(t *testing.T) {
	h, hk1, _, _ := selectionFixture(t)
	keys, _ := h.b.Keys(t.Context())
	bind(t, h.client, hk1, false)
	for _, k := range keys {
		_, err := h.client.Sign(k.Public, []byte("x"))
		if (err == nil) != (k.Comment == "A") {
			t.Fatalf("Sign with %s bound to host1: err = %v", k.Comment, err)
		}
	}
}

func TestSelectionAllDedicatedFallsBack(t *testing.T) {
	h := newHarness(t)
	h.b.addMesh("B", "*.example.com")
	h.b.addMesh("D", "db?")
	bind(t, h.client, newHostKey(t), false)
	if diff := cmp.Diff([]string{"ssh-ed25519 B", "ssh-ed25519 D"}, comments(t, h.client)); diff != "" {
		t.Fatalf("List (-want +got):\n%s", diff)
	}
}

func TestSessionBindContextReachesAgent(t *testing.T) {
	h, hk1, _, _ := selectionFixture(t)
	keys, _ := h.b.Keys(t.Context())
	a := keys[0]
	// Bind before the first signature: the context travels in ChannelOpen.
	sid := bind(t, h.client, hk1, false)
	if _, err := h.client.Sign(a.Public, []byte("x")); err != nil {
		t.Fatal(err)
	}
	want := ClientContext{Host: "host1", HostKey: hk1.pub().Marshal(), SessionID: sid}
	if diff := cmp.Diff([]ClientContext{want}, h.b.contexts); diff != "" {
		t.Fatalf("contexts (-want +got):\n%s", diff)
	}
	// Bind after the channel is open: the context travels as an Update.
	c, _ := h.dial(t)
	general, _ := h.b.addMesh("G")
	h.srv.Invalidate()
	if _, err := c.Sign(general.Public, []byte("x")); err != nil {
		t.Fatal(err)
	}
	fwd := newHostKey(t)
	fsid := bind(t, c, fwd, true)
	got := h.b.contexts[len(h.b.contexts)-1]
	if diff := cmp.Diff(ClientContext{HostKey: fwd.pub().Marshal(), SessionID: fsid, Forwarded: true}, got); diff != "" {
		t.Fatalf("update (-want +got):\n%s", diff)
	}
}

func TestMatchHost(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"*", "anything", true},
		{"*.example.com", "build.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.EXAMPLE.com", "a.b.example.COM", true},
		{"db?", "db1", true},
		{"db?", "db12", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"host", "host", true},
		{"host", "hos", false},
		{"", "", true},
		{"", "x", false},
	} {
		if got := matchHost(tc.pattern, tc.name); got != tc.want {
			t.Errorf("matchHost(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

func FuzzSessionBind(f *testing.F) {
	hk := newHostKey(f)
	good, _ := hk.bindMsg(f, false)
	f.Add(good)
	f.Add([]byte{})
	f.Add(good[:20])
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := parseSessionBind(data)
		if err != nil {
			return
		}
		// Accepted binds re-encode to the same bytes (the encoding is canonical).
		if b.HostKey == nil || len(b.SessionID) == 0 || len(b.SessionID) > MaxSessionIDSize {
			t.Fatalf("accepted an invalid bind")
		}
		var m sessionBindMsg
		if err := ssh.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if string(ssh.Marshal(m)) != string(data) {
			t.Fatal("session-bind does not re-encode to the same bytes")
		}
	})
}
