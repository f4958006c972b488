package agent

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mathmesh/mesh/agent/keystore"
	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/sdk"
)

// fakeProvisioner records the calls the reconciler makes.
type fakeProvisioner struct {
	mu     sync.Mutex
	prov   []sdk.ProvisionRequest
	deprov []sdk.DeprovisionRequest
}

func (f *fakeProvisioner) Provision(_ context.Context, _ string, r sdk.ProvisionRequest) (sdk.ProvisionResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prov = append(f.prov, r)
	return sdk.ProvisionResult{Status: sdk.StatusInstalled}, nil
}

func (f *fakeProvisioner) Deprovision(_ context.Context, _ string, r sdk.DeprovisionRequest) (sdk.DeprovisionResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deprov = append(f.deprov, r)
	return sdk.DeprovisionResult{}, nil
}

var sshDescription = sdk.Description{Name: "ssh", EntryTypes: []string{catalog.TagApplicationSsh},
	Scopes: []sdk.Scope{
		{Catalog: profile.StoreApplication, EntryTypes: []string{catalog.TagApplicationSsh}, Access: []sdk.Access{sdk.AccessRead}},
		{Catalog: profile.StoreCredential, EntryTypes: []string{catalog.TagCredential}, Access: []sdk.Access{sdk.AccessRead}},
	}}

func testApp(t *testing.T, name string, gen uint64) *sshApp {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := keys.ParsePublicKey(keys.Ed25519, pub)
	if err != nil {
		t.Fatal(err)
	}
	app := &catalog.CatalogedApplicationSsh{ClientKey: keys.NewKeyData(kp)}
	app.Key, app.LocalName, app.Grant = app.ClientKey.Udf, name, []string{"admin"}
	app.EnvelopedEscrow = append(app.EnvelopedEscrow, []byte(`{"secret":"escrow"}`))
	e, err := publicSSH(app, gen)
	if err != nil {
		t.Fatal(err)
	}
	return &sshApp{entry: e, priv: priv, comment: name}
}

// collect watches the hub as plugin "ssh" and returns the events seen.
func collect(t *testing.T, r *reconciler) func(n int) []sdk.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan sdk.Event, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.hub.watch(ctx, "ssh", sdk.WatchRequest{Catalogs: []string{profile.StoreApplication, profile.StoreCredential}},
			func(ev sdk.Event) error { ch <- ev; return nil })
	}()
	t.Cleanup(func() { cancel(); <-done })
	time.Sleep(20 * time.Millisecond) // let the watcher subscribe
	return func(n int) []sdk.Event {
		var out []sdk.Event
		for len(out) < n {
			select {
			case ev := <-ch:
				out = append(out, ev)
			case <-time.After(2 * time.Second):
				t.Fatalf("got %d events, want %d: %+v", len(out), n, out)
			}
		}
		return out
	}
}

func TestReconcilerServesDeletesAndRevokes(t *testing.T) {
	ctx := context.Background()
	ks := keystore.New()
	r := newReconciler(ks, slog.New(slog.NewTextHandler(io.Discard, nil)))
	fp := &fakeProvisioner{}
	r.host = fp
	work := testApp(t, "work", 7)
	r.accounts["acct"] = &accountView{address: "alice@example.com", apps: map[string]*sshApp{work.entry.Key: work}}
	r.attach("ssh", sshDescription)
	r.attach("other", sdk.Description{Name: "other"})

	got := ks.List("ssh", sdk.KeyQuery{Purpose: PurposeSSHAuth})
	if len(got) != 1 || got[0].EntryKey != work.entry.Key || got[0].Comment != "work" || len(got[0].SSHPublic) == 0 {
		t.Fatalf("keys after attach: %+v", got)
	}
	if other := ks.List("other", sdk.KeyQuery{}); len(other) != 0 {
		t.Fatalf("a plugin without SSH entry types got keys: %+v", other)
	}
	if strings.Contains(string(work.entry.PublicJSON), "escrow") {
		t.Fatalf("public view holds the escrow: %s", work.entry.PublicJSON)
	}

	next := collect(t, r)
	r.apply(ctx)
	if ev := next(1)[0]; ev.Kind != sdk.EventNew || ev.Entry.Key != work.entry.Key {
		t.Fatalf("first event %+v, want NEW %s", ev, work.entry.Key)
	}
	if len(fp.prov) != 1 || fp.prov[0].Reason != sdk.ReasonStart || len(fp.prov[0].Keys) != 1 {
		t.Fatalf("Provision calls %+v, want one START with the key", fp.prov)
	}
	r.apply(ctx) // nothing changed: no call
	if len(fp.prov) != 1 {
		t.Fatalf("Provision repeated for an unchanged entry: %d calls", len(fp.prov))
	}

	// The entry is deleted: the key goes first, then the event and Deprovision.
	r.accounts["acct"] = &accountView{address: "alice@example.com", apps: map[string]*sshApp{}}
	r.apply(ctx)
	if ev := next(1)[0]; ev.Kind != sdk.EventDelete || ev.Entry.Key != work.entry.Key {
		t.Fatalf("event %+v, want DELETE", ev)
	}
	if got := ks.List("ssh", sdk.KeyQuery{}); len(got) != 0 {
		t.Fatalf("keys after delete: %+v", got)
	}
	if len(fp.deprov) != 1 || fp.deprov[0].Reason != sdk.ReasonDeleted {
		t.Fatalf("Deprovision calls %+v", fp.deprov)
	}

	// Revoked: every key goes and the watchers hear DEVICE_REVOKED, new ones too.
	again := testApp(t, "again", 9)
	r.accounts["acct"] = &accountView{address: "alice@example.com", apps: map[string]*sshApp{again.entry.Key: again}}
	r.apply(ctx)
	next(1)
	r.accounts["acct"] = &accountView{address: "alice@example.com", revoked: true}
	r.apply(ctx)
	evs := next(2)
	if evs[0].Kind != sdk.EventDelete || evs[1].Kind != sdk.EventDeviceRevoked {
		t.Fatalf("events %+v, want DELETE then DEVICE_REVOKED", evs)
	}
	if got := ks.List("ssh", sdk.KeyQuery{}); len(got) != 0 {
		t.Fatalf("keys after revocation: %+v", got)
	}
	if last := fp.deprov[len(fp.deprov)-1]; last.Reason != sdk.ReasonRevoked {
		t.Fatalf("last Deprovision reason %v, want REVOKED", last.Reason)
	}
	late := collect(t, r)
	if ev := late(1)[0]; ev.Kind != sdk.EventDeviceRevoked {
		t.Fatalf("a watcher opened after the revocation got %+v", ev)
	}
}

func TestPluginBackendCatalogScopes(t *testing.T) {
	ctx := context.Background()
	r := newReconciler(keystore.New(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	cred, err := publicCredential(&catalog.CatalogedCredential{Protocol: "ssh", Service: "db.example.com",
		Username: "alice", Password: "hunter2"}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(cred.PublicJSON), "hunter2") {
		t.Fatalf("public view holds the password: %s", cred.PublicJSON)
	}
	r.accounts["acct"] = &accountView{creds: []sdk.Entry{cred}}
	b := &pluginBackend{name: "ssh", desc: sshDescription, keys: r.keys, rec: r}
	got, err := b.GetEntries(ctx, sdk.EntryQuery{Catalog: profile.StoreCredential, Types: []string{catalog.TagCredential}})
	if err != nil || len(got) != 1 || got[0].Key != "ssh:db.example.com" {
		t.Fatalf("GetEntries = %+v, %v", got, err)
	}
	for _, q := range []sdk.EntryQuery{
		{Catalog: profile.StoreContact},
		{Catalog: profile.StoreCredential, Types: []string{catalog.TagApplicationSsh}},
	} {
		if _, err := b.GetEntries(ctx, q); !errors.Is(err, sdk.ErrDenied) {
			t.Errorf("GetEntries(%+v) = %v, want ErrDenied", q, err)
		}
	}
	noScope := &pluginBackend{name: "x", desc: sdk.Description{Name: "x"}, keys: r.keys, rec: r}
	if _, err := noScope.GetEntries(ctx, sdk.EntryQuery{Catalog: profile.StoreCredential}); !errors.Is(err, sdk.ErrDenied) {
		t.Errorf("a plugin without a scope read credentials: %v", err)
	}
	if err := noScope.Watch(ctx, sdk.WatchRequest{Catalogs: []string{profile.StoreCredential}}, nil); !errors.Is(err, sdk.ErrDenied) {
		t.Errorf("a plugin without a scope watched credentials: %v", err)
	}
}

func TestEventHubDropsSlowWatcher(t *testing.T) {
	h := newEventHub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	block := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- h.watch(ctx, "ssh", sdk.WatchRequest{Catalogs: []string{profile.StoreApplication}},
			func(sdk.Event) error { <-block; return nil })
	}()
	time.Sleep(20 * time.Millisecond)
	for range eventQueue + 2 {
		h.publish(sdk.Event{Kind: sdk.EventUpdate, Entry: sdk.Entry{Catalog: profile.StoreApplication}})
	}
	close(block)
	select {
	case err := <-done:
		if !errors.Is(err, sdk.ErrUnavailable) {
			t.Fatalf("slow watcher ended with %v, want ErrUnavailable", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the slow watcher was not dropped")
	}
}
