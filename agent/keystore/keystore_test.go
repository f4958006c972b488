package keystore

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/mathmesh/mesh/sdk"
)

func TestHandlesBoundToPluginAndPurpose(t *testing.T) {
	s := New()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	pk, _ := x509.MarshalPKCS8PrivateKey(priv)
	k, err := s.ImportVolatile("ssh", sdk.VolatileKey{PKCS8: pk, Purposes: []string{"ssh-auth"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Handle) != 29 || k.Handle[:3] != "kh_" {
		t.Fatalf("handle %q", k.Handle)
	}
	req := sdk.SignRequest{Handle: k.Handle, Input: []byte("m"), InputKind: sdk.InputMessage, Scheme: sdk.SchemeEd25519, Purpose: "ssh-auth"}
	sig, err := s.Sign("ssh", req)
	if err != nil || !ed25519.Verify(pub, []byte("m"), sig) {
		t.Fatalf("sign: %v", err)
	}
	if _, err := s.Sign("openpgp", req); !errors.Is(err, sdk.ErrUnknownKey) {
		t.Errorf("other plugin: %v", err)
	}
	req.Purpose = "cms-sign"
	if _, err := s.Sign("ssh", req); !errors.Is(err, sdk.ErrDenied) {
		t.Errorf("other purpose: %v", err)
	}
	if got := s.List("openpgp", sdk.KeyQuery{}); len(got) != 0 {
		t.Errorf("other plugin lists %d keys", len(got))
	}
	s.RemovePlugin("ssh")
	req.Purpose = "ssh-auth"
	if _, err := s.Sign("ssh", req); !errors.Is(err, sdk.ErrUnknownKey) {
		t.Errorf("after plugin restart: %v", err)
	}
	if _, err := s.ImportVolatile("ssh", sdk.VolatileKey{PKCS8: []byte("junk"), Purposes: []string{"x"}}); !errors.Is(err, sdk.ErrInvalid) {
		t.Errorf("junk PKCS#8: %v", err)
	}
}

func TestLifetime(t *testing.T) {
	s := New()
	now := time.Now()
	s.now = func() time.Time { return now }
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	k, _ := s.Add("ssh", priv, sdk.KeyInfo{Purposes: []string{"ssh-auth"}, Constraints: sdk.Constraints{NotAfter: now.Add(time.Minute)}})
	if len(s.List("ssh", sdk.KeyQuery{Purpose: "ssh-auth"})) != 1 {
		t.Fatal("key not listed")
	}
	now = now.Add(2 * time.Minute)
	if len(s.List("ssh", sdk.KeyQuery{})) != 0 {
		t.Fatal("expired key listed")
	}
	_, err := s.Sign("ssh", sdk.SignRequest{Handle: k.Handle, Input: []byte("m"), InputKind: sdk.InputMessage, Scheme: sdk.SchemeEd25519, Purpose: "ssh-auth"})
	if !errors.Is(err, sdk.ErrUnknownKey) {
		t.Fatalf("expired key signed: %v", err)
	}
}
