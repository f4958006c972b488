package sshplugin

import (
	"crypto/ed25519"
	"crypto/rand"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/plugins/ssh/sshplugin/sshdtest"
	"github.com/mathmesh/mesh/sdk"
	"github.com/mathmesh/mesh/sdk/sdktest"
)

// These tests run the plugin as shipped: the SDK's gRPC client and server
// in process (sdktest), the fake agent behind the broker, and clients on
// the inherited endpoint socket.

func newTestPlugin() sdk.Plugin { return New(slog.New(slog.DiscardHandler)) }

func sshEntry(key string) sdk.Entry {
	return sdk.Entry{Catalog: CatalogApplication, Type: catalog.TagApplicationSsh, Key: key, Generation: 3}
}

// TestSDK runs the plugin through the SDK against sdktest's fake agent,
// one harness for all subtests (see TestSDKConformance); revocation last.
func TestSDK(t *testing.T) {
	h, client, sock := sdkHarness(t)
	for _, st := range []struct {
		name string
		f    func(*testing.T, *sdktest.Harness, agent.ExtendedAgent, string)
	}{
		{"ListSign", testSDKListSign},
		{"KnownHostsFromCatalog", testSDKKnownHosts},
		{"OpenSSHKeygenSign", testSDKKeygenSign},
		{"VolatileConfirmDenied", testSDKVolatileConfirmDenied},
		{"Revocation", testSDKRevocation},
	} {
		t.Run(st.name, func(t *testing.T) { st.f(t, h, client, sock) })
	}
}

// sdkHarness configures the plugin and connects an ssh-agent client.
func sdkHarness(t *testing.T) (*sdktest.Harness, agent.ExtendedAgent, string) {
	t.Helper()
	h := sdktest.New(t, newTestPlugin())
	fd := h.Endpoint(EndpointSSHAgent)
	h.Configure(sdk.Config{Endpoints: map[string]int{EndpointSSHAgent: fd}})
	sock := h.EndpointPath(EndpointSSHAgent)
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(60 * time.Second)) // a broken plugin fails the test, never hangs it
	t.Cleanup(func() { c.Close() })
	return h, agent.NewClient(c), sock
}

func testSDKListSign(t *testing.T, h *sdktest.Harness, client agent.ExtendedAgent, _ string) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := h.Agent.AddKey(priv, []string{PurposeSSHAuth}, "MSSH-WORK"); err != nil {
		t.Fatal(err)
	}
	// A key for another purpose is not the plugin's.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := h.Agent.AddKey(other, []string{"openpgp-sign"}, "mailto:a@example.com"); err != nil {
		t.Fatal(err)
	}
	h.Agent.Publish(sdk.Event{Kind: sdk.EventNew})
	pub, _ := ssh.NewPublicKey(priv.Public())
	waitFor(t, func() bool { l, _ := client.List(); return len(l) == 1 })
	sig, err := client.Sign(pub, []byte("session data"))
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if err := pub.Verify([]byte("session data"), sig); err != nil {
		t.Fatalf("signature: %v", err)
	}
	chans := h.Agent.Channels()
	if len(chans) != 1 || chans[0].Open.Endpoint != EndpointSSHAgent {
		t.Fatalf("key channels = %+v, want one on the ssh-agent endpoint", chans)
	}
	if chans[0].Open.Peer.UID != uint32(os.Getuid()) || chans[0].Open.Peer.PID != int32(os.Getpid()) {
		t.Fatalf("channel peer = %+v, want this process", chans[0].Open.Peer)
	}
}

func testSDKVolatileConfirmDenied(t *testing.T, h *sdktest.Harness, client agent.ExtendedAgent, _ string) {
	h.Agent.SetApprover(func(sdk.Prompt) (sdk.Decision, error) { return sdk.Decision{Allow: false}, nil })
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	pub, _ := ssh.NewPublicKey(priv.Public())
	if err := client.Add(agent.AddedKey{PrivateKey: priv, Comment: "typed", ConfirmBeforeUse: true, LifetimeSecs: 600}); err != nil {
		t.Fatalf("Add: %v", err)
	}
	keys, err := client.List()
	if err != nil || !slices.ContainsFunc(keys, func(k *agent.Key) bool { return k.Comment == "typed" }) {
		t.Fatalf("List = %v, %v; want the added key", keys, err)
	}
	if _, err := client.Sign(pub, []byte("x")); err == nil {
		t.Fatal("Sign with a -c key succeeded though the agent's prompt was denied")
	}
	// Destination constraints are refused, not dropped.
	_, p2, _ := ed25519.GenerateKey(rand.Reader)
	err = client.Add(agent.AddedKey{PrivateKey: p2, ConstraintExtensions: []agent.ConstraintExtension{{ExtensionName: "restrict-destination-v00@openssh.com"}}})
	if err == nil {
		t.Fatal("Add with a restrict-destination constraint succeeded")
	}
}

func testSDKRevocation(t *testing.T, h *sdktest.Harness, client agent.ExtendedAgent, _ string) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	h.Agent.AddKey(priv, []string{PurposeSSHAuth}, "MSSH-LAST")
	h.Agent.Publish(sdk.Event{Kind: sdk.EventNew})
	waitFor(t, func() bool { l, _ := client.List(); return len(l) > 0 })
	h.Agent.Publish(sdk.Event{Kind: sdk.EventDeviceRevoked})
	waitFor(t, func() bool { l, err := client.List(); return err == nil && len(l) == 0 })
	pub, _ := ssh.NewPublicKey(priv.Public())
	if _, err := client.Sign(pub, []byte("x")); err == nil {
		t.Fatal("Sign after revocation succeeded")
	}
	hl, err := h.Client.Health(t.Context())
	if err != nil || hl.Status != sdk.NotServing {
		t.Fatalf("Health after revocation = %+v, %v; want NOT_SERVING", hl, err)
	}
}

func testSDKKnownHosts(t *testing.T, h *sdktest.Harness, _ agent.ExtendedAgent, sock string) {
	hk := newHostKey(t)
	var pubs []ssh.PublicKey
	for _, name := range []string{"MSSH-A", "MSSH-B"} {
		_, priv, _ := ed25519.GenerateKey(rand.Reader)
		h.Agent.AddKey(priv, []string{PurposeSSHAuth}, name)
		p, _ := ssh.NewPublicKey(priv.Public())
		pubs = append(pubs, p)
	}
	cred := &catalog.CatalogedCredential{Protocol: "ssh", Service: "db.example.com",
		HostAuthentication: []*keys.KeyData{keyData(t, hk.pub())}, ClientAuthentication: []*keys.KeyData{keyData(t, pubs[1])}}
	js, err := jsonb.MarshalTagged(cred.Tag(), cred, jsonb.JSON)
	if err != nil {
		t.Fatal(err)
	}
	h.Agent.PutFixture(sdk.Entry{Catalog: CatalogCredential, Type: catalog.TagCredential, Key: cred.PrimaryKey(), Generation: 1, PublicJSON: js})
	h.Agent.Publish(sdk.Event{Kind: sdk.EventNew})
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	client := agent.NewClient(c)
	msg, _ := hk.bindMsg(t, false)
	if _, err := client.Extension(ExtSessionBind, msg); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		l, _ := client.List()
		return len(l) == 1 && string(l[0].Blob) == string(pubs[1].Marshal())
	})
	if _, err := client.Sign(pubs[1], []byte("x")); err != nil {
		t.Fatal(err)
	}
	ch := h.Agent.Channels()
	if got := ch[len(ch)-1].Open.Context; got.SSHHost != "db.example.com" || string(got.SSHHostKey) != string(hk.pub().Marshal()) {
		t.Fatalf("channel context = %+v", got)
	}
}

// TestSDKOpenSSHKeygenSign signs with ssh-keygen -Y through the plugin and
// the SDK channel.
func testSDKKeygenSign(t *testing.T, h *sdktest.Harness, _ agent.ExtendedAgent, sock string) {
	progs := sshdtest.Require(t, "ssh-keygen")
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	h.Agent.AddKey(priv, []string{PurposeSSHAuth}, "MSSH-GIT")
	h.Agent.Publish(sdk.Event{Kind: sdk.EventNew})
	pub, _ := ssh.NewPublicKey(priv.Public())
	d := sshdtest.TempDir(t)
	line := string(ssh.MarshalAuthorizedKey(pub))
	write(t, filepath.Join(d, "key.pub"), line)
	write(t, filepath.Join(d, "msg"), "tree abc\n")
	write(t, filepath.Join(d, "allowed"), "git@example.com "+line)
	env := map[string]string{"SSH_AUTH_SOCK": sock}
	if out, err := sshdtest.Exec(progs["ssh-keygen"], d, env, nil, "-Y", "sign", "-f", filepath.Join(d, "key.pub"), "-n", "git", filepath.Join(d, "msg")); err != nil {
		t.Fatalf("ssh-keygen -Y sign: %v\n%s", err, out)
	}
	out, err := sshdtest.Exec(progs["ssh-keygen"], d, nil, []byte("tree abc\n"), "-Y", "verify", "-f", filepath.Join(d, "allowed"),
		"-I", "git@example.com", "-n", "git", "-s", filepath.Join(d, "msg.sig"))
	if err != nil || !strings.Contains(out, "Good") {
		t.Fatalf("ssh-keygen -Y verify: %v\n%s", err, out)
	}
}

func keyData(t *testing.T, pub ssh.PublicKey) *keys.KeyData {
	t.Helper()
	ed := pub.(ssh.CryptoPublicKey).CryptoPublicKey().(ed25519.PublicKey)
	k, err := keys.ParsePublicKey(keys.Ed25519, ed)
	if err != nil {
		t.Fatal(err)
	}
	return keys.NewKeyData(k)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSDKConformance runs last in this file: sdk.Config.Listener caches
// listeners by descriptor number for the whole process, so after the
// conformance harnesses close their endpoints a later harness that reuses
// a number would get a closed listener (reported to the SDK owner).
func TestSDKConformance(t *testing.T) {
	sdktest.Conformance(t, newTestPlugin, sdktest.Fixture{
		Setup: func(t *testing.T, h *sdktest.Harness) (sdk.Config, []sdktest.Case) {
			_, priv, _ := ed25519.GenerateKey(rand.Reader)
			ki, err := h.Agent.AddKey(priv, []string{PurposeSSHAuth}, "MSSH-KEY")
			if err != nil {
				t.Fatal(err)
			}
			cfg := sdk.Config{Endpoints: map[string]int{EndpointSSHAgent: h.Endpoint(EndpointSSHAgent)}}
			return cfg, []sdktest.Case{{Entry: sshEntry("MSSH-KEY"), Keys: []sdk.KeyInfo{ki}}}
		},
	})
}
