package sdk_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/sdk"
	"github.com/mathmesh/mesh/sdk/sdktest"
)

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func sshEntry(key string) sdk.Entry {
	return sdk.Entry{Catalog: "MMM_Application", Type: "CatalogedApplicationSsh", Key: key, Generation: 3,
		PublicJSON: []byte(`{"Key":"` + key + `"}`)}
}

func TestDescribeConfigureSign(t *testing.T) {
	p := newTestPlugin()
	h := sdktest.New(t, p)
	priv := newKey(t)
	key, err := h.Agent.AddKey(priv, []string{"ssh-auth"}, "ssh:github")
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.Client.Describe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "test" || d.ConfigSchema[0].Name != "greeting" || d.Endpoints[0] != "test-endpoint" {
		t.Fatalf("Describe = %+v", d)
	}
	diags := h.Configure(sdk.Config{Settings: []byte(`{"greeting":"hi"}`), Account: "alice@example.com",
		Endpoints: map[string]int{"test-endpoint": h.Endpoint("test-endpoint")}})
	if len(diags) != 0 {
		t.Fatalf("diagnostics %v", diags)
	}
	e := sshEntry("ssh:github")
	res, err := h.Client.Provision(t.Context(), sdk.ProvisionRequest{Entry: e, Keys: []sdk.KeyInfo{key}, Reason: sdk.ReasonStart})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != sdk.StatusInstalled || len(res.Artifacts) != 1 {
		t.Fatalf("Provision = %+v", res)
	}
	sig := p.signature("ssh:github")
	if !ed25519.Verify(priv.Public().(ed25519.PublicKey), e.PublicJSON, sig) {
		t.Fatal("signature made through the key channel does not verify")
	}
	chans := h.Agent.Channels()
	if len(chans) != 1 || chans[0].Open.Endpoint != "test-endpoint" || chans[0].Open.Peer.PID != 1 {
		t.Fatalf("channels = %+v", chans)
	}
	if p.cfg.Account != "alice@example.com" || string(p.cfg.Settings) != `{"greeting":"hi"}` {
		t.Fatalf("plugin config = %+v", p.cfg)
	}
	if _, err := p.cfg.Listener("test-endpoint"); err != nil {
		t.Fatalf("endpoint listener: %v", err)
	}
}

func TestErrorRoundTrip(t *testing.T) {
	h := sdktest.New(t, newTestPlugin())
	h.Configure(sdk.Config{})
	names := []string{"denied", "locked", "unknown-key", "revoked", "unsupported", "invalid", "timeout",
		"conflict", "external", "unavailable", "internal"}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			_, err := h.Client.Provision(t.Context(), sdk.ProvisionRequest{Entry: sshEntry("error:" + name)})
			want := errorsByNameForTest(name)
			if !errors.Is(err, want) {
				t.Fatalf("Provision error %v (code %v), want errors.Is %v", err, sdk.CodeOf(err), want)
			}
			for _, other := range names {
				if other != name && errors.Is(err, errorsByNameForTest(other)) {
					t.Fatalf("error %v also matches %s", err, other)
				}
			}
		})
	}
	t.Run("external carries tool", func(t *testing.T) {
		_, err := h.Client.Provision(t.Context(), sdk.ProvisionRequest{Entry: sshEntry("error:external")})
		var e *sdk.Error
		if !errors.As(err, &e) || e.Tool != "certutil" || e.ToolExit != 255 || !errors.Is(err, sdk.ErrExternal) {
			t.Fatalf("error %#v, want certutil exit 255", err)
		}
	})
	t.Run("internal cause withheld", func(t *testing.T) {
		_, err := h.Client.Provision(t.Context(), sdk.ProvisionRequest{Entry: sshEntry("error:plain")})
		if !errors.Is(err, sdk.ErrInternal) || strings.Contains(err.Error(), "secret") {
			t.Fatalf("error %q: want ErrInternal without the internal text", err)
		}
	})
}

func errorsByNameForTest(name string) error { return errorsByName[name] }

func TestConformance(t *testing.T) {
	sdktest.Conformance(t, func() sdk.Plugin { return newTestPlugin() }, sdktest.Fixture{
		Setup: func(t *testing.T, h *sdktest.Harness) (sdk.Config, []sdktest.Case) {
			key, err := h.Agent.AddKey(newKey(t), []string{"ssh-auth"}, "ssh:a")
			if err != nil {
				t.Fatal(err)
			}
			return sdk.Config{Settings: []byte(`{}`)}, []sdktest.Case{{Entry: sshEntry("ssh:a"), Keys: []sdk.KeyInfo{key}}}
		},
	})
}
