package sdk_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/mathmesh/mesh/sdk"
	"github.com/mathmesh/mesh/sdk/sdktest"
)

// TestRemoveVolatile: Keys.RemoveVolatile (contract minor 1) crosses the
// broker, removes only ImportVolatile keys, and errors keep their sentinel.
func TestRemoveVolatile(t *testing.T) {
	agent := sdktest.NewFakeAgent()
	host, _ := hostOver(t, agent)
	r, ok := host.Keys().(sdk.VolatileRemover)
	if !ok {
		t.Fatal("the SDK's Keys does not implement VolatileRemover")
	}
	ctx := t.Context()
	_, meshKey, _ := ed25519.GenerateKey(rand.Reader)
	mesh, err := agent.AddKey(meshKey, []string{"ssh-auth"}, "MAPP")
	if err != nil {
		t.Fatal(err)
	}
	var vol []sdk.KeyInfo
	for range 2 {
		_, p, _ := ed25519.GenerateKey(rand.Reader)
		der, _ := x509.MarshalPKCS8PrivateKey(p)
		k, err := host.Keys().ImportVolatile(ctx, sdk.VolatileKey{PKCS8: der, Purposes: []string{"ssh-auth"}})
		if err != nil {
			t.Fatal(err)
		}
		vol = append(vol, k)
	}
	if err := r.RemoveVolatile(ctx, mesh.Handle); !errors.Is(err, sdk.ErrInvalid) {
		t.Fatalf("removing a Mesh key: %v, want ErrInvalid", err)
	}
	if err := r.RemoveVolatile(ctx, "kh_NOSUCHHANDLE"); !errors.Is(err, sdk.ErrUnknownKey) {
		t.Fatalf("removing an unknown handle: %v, want ErrUnknownKey", err)
	}
	if err := r.RemoveVolatile(ctx, vol[0].Handle); err != nil {
		t.Fatal(err)
	}
	if err := r.RemoveVolatile(ctx, ""); err != nil {
		t.Fatal(err)
	}
	left, err := host.Keys().List(ctx, sdk.KeyQuery{})
	if err != nil || len(left) != 1 || left[0].Handle != mesh.Handle {
		t.Fatalf("keys left %+v, %v; want only the Mesh key", left, err)
	}
}
