package sdktest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mathmesh/mesh/sdk"
)

// Case is one entry the conformance suite provisions.
type Case struct {
	Entry sdk.Entry
	// Keys the agent gives with the entry; add them with h.Agent.AddKey in Setup.
	Keys []sdk.KeyInfo
}

// Fixture describes what a plugin needs for the conformance suite.
type Fixture struct {
	// Setup prepares the fake agent and returns the configuration and the
	// entries to provision. It runs once per subtest, on a fresh harness.
	Setup func(t *testing.T, h *Harness) (sdk.Config, []Case)
}

// Conformance runs the checks of plugins.md section 2.10 that every plugin
// must pass: Describe validates; Configure succeeds; Provision twice gives
// UNCHANGED; Deprovision removes every artifact Provision returned (checked
// with Inventory); Health answers; a cancelled call returns within 1 s; and a
// handle issued to another plugin is refused by the agent.
func Conformance(t *testing.T, newPlugin func() sdk.Plugin, fx Fixture) {
	setup := func(t *testing.T) (*Harness, []Case) {
		h := New(t, newPlugin())
		cfg, cases := fx.Setup(t, h)
		h.Configure(cfg)
		return h, cases
	}
	t.Run("Describe", func(t *testing.T) {
		h := New(t, newPlugin())
		d, err := h.Client.Describe(t.Context())
		if err != nil {
			t.Fatalf("Describe: %v", err)
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("Describe gave an invalid description: %v", err)
		}
	})
	t.Run("ProvisionIdempotentDeprovisionComplete", func(t *testing.T) {
		h, cases := setup(t)
		for _, c := range cases {
			provisionTwiceThenRemove(t, h, c)
		}
	})
	t.Run("Health", func(t *testing.T) {
		h, _ := setup(t)
		hl, err := h.Client.Health(t.Context())
		if err != nil {
			t.Fatalf("Health: %v", err)
		}
		if hl.Status != sdk.Serving && hl.Status != sdk.Degraded {
			t.Fatalf("Health status %v after Configure, want SERVING or DEGRADED", hl.Status)
		}
	})
	t.Run("Cancellation", func(t *testing.T) {
		h, cases := setup(t)
		if len(cases) == 0 {
			t.Skip("fixture has no entries")
		}
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		time.Sleep(60 * time.Millisecond)
		start := time.Now()
		_, err := h.Client.Provision(ctx, sdk.ProvisionRequest{Entry: cases[0].Entry, Keys: cases[0].Keys, Reason: sdk.ReasonStart})
		if took := time.Since(start); took > time.Second {
			t.Fatalf("Provision with an expired context returned after %v, want within 1s", took)
		}
		if !errors.Is(err, sdk.ErrTimeout) {
			t.Fatalf("Provision with an expired context: %v, want ErrTimeout", err)
		}
	})
	t.Run("ForeignHandleRefused", func(t *testing.T) {
		h, _ := setup(t)
		foreign, err := h.Agent.AddForeignKey(mustEd25519(t), []string{"test"})
		if err != nil {
			t.Fatal(err)
		}
		ops, err := h.Agent.OpenChannel(t.Context(), sdk.ChannelOpen{Endpoint: "conformance"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ops.Sign(t.Context(), sdk.SignRequest{Handle: foreign.Handle, Input: []byte("x"),
			InputKind: sdk.InputMessage, Scheme: sdk.SchemeEd25519, Purpose: "test"})
		if !errors.Is(err, sdk.ErrUnknownKey) {
			t.Fatalf("sign with a foreign handle: %v, want ErrUnknownKey", err)
		}
	})
}

func provisionTwiceThenRemove(t *testing.T, h *Harness, c Case) {
	t.Helper()
	ctx := t.Context()
	req := sdk.ProvisionRequest{Entry: c.Entry, Keys: c.Keys, Reason: sdk.ReasonStart}
	first, err := h.Client.Provision(ctx, req)
	if err != nil {
		t.Fatalf("Provision %s: %v", c.Entry.Key, err)
	}
	if first.Status == sdk.StatusPending {
		return // the fixture cannot complete here; nothing more to check
	}
	second, err := h.Client.Provision(ctx, req)
	if err != nil {
		t.Fatalf("second Provision %s: %v", c.Entry.Key, err)
	}
	if second.Status != sdk.StatusUnchanged {
		t.Errorf("second Provision %s: status %v, want UNCHANGED", c.Entry.Key, second.Status)
	}
	inv, err := h.Client.Inventory(ctx)
	if err != nil {
		t.Fatalf("Inventory: %v", err)
	}
	for _, a := range first.Artifacts {
		if !containsArtifact(inv, a) {
			t.Errorf("Inventory lacks artifact %v %s that Provision returned", a.Kind, a.Locator)
		}
	}
	res, err := h.Client.Deprovision(ctx, sdk.DeprovisionRequest{Entry: c.Entry.Ref(), Installed: first.Artifacts, Reason: sdk.ReasonDeleted})
	if err != nil {
		t.Fatalf("Deprovision %s: %v", c.Entry.Key, err)
	}
	if len(res.Remaining) != 0 {
		t.Errorf("Deprovision %s left %d artifacts", c.Entry.Key, len(res.Remaining))
	}
	inv, err = h.Client.Inventory(ctx)
	if err != nil {
		t.Fatalf("Inventory: %v", err)
	}
	for _, a := range first.Artifacts {
		if containsArtifact(inv, a) {
			t.Errorf("artifact %v %s still installed after Deprovision", a.Kind, a.Locator)
		}
	}
}

func containsArtifact(as []sdk.Artifact, a sdk.Artifact) bool {
	return slices.ContainsFunc(as, func(b sdk.Artifact) bool { return b.Kind == a.Kind && b.Locator == a.Locator })
}
