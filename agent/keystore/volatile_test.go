package keystore

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/mathmesh/mesh/sdk"
	"golang.org/x/crypto/ssh"
)

func TestRemoveVolatileSparesEntryKeys(t *testing.T) {
	s := New()
	_, entryPriv, _ := ed25519.GenerateKey(rand.Reader)
	entry, err := s.Add("ssh", entryPriv, sdk.KeyInfo{EntryKey: "MAPP", Purposes: []string{"ssh-auth"}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ssh.NewPublicKey(entryPriv.Public())
	if string(entry.SSHPublic) != string(want.Marshal()) {
		t.Fatalf("SSHPublic = %x, want %x", entry.SSHPublic, want.Marshal())
	}
	var vol []sdk.KeyInfo
	for range 2 {
		_, p, _ := ed25519.GenerateKey(rand.Reader)
		der, _ := x509.MarshalPKCS8PrivateKey(p)
		k, err := s.ImportVolatile("ssh", sdk.VolatileKey{PKCS8: der, Purposes: []string{"ssh-auth"}})
		if err != nil {
			t.Fatal(err)
		}
		if k.EntryKey != "" {
			t.Fatalf("volatile key has entry key %q", k.EntryKey)
		}
		vol = append(vol, k)
	}
	if err := s.RemoveVolatile("ssh", entry.Handle); !errors.Is(err, sdk.ErrInvalid) {
		t.Fatalf("RemoveVolatile of an entry key: %v, want ErrInvalid", err)
	}
	if err := s.RemoveVolatile("openpgp", vol[0].Handle); !errors.Is(err, sdk.ErrUnknownKey) {
		t.Fatalf("RemoveVolatile by another plugin: %v, want ErrUnknownKey", err)
	}
	if err := s.RemoveVolatile("ssh", vol[0].Handle); err != nil {
		t.Fatal(err)
	}
	if n := len(s.List("ssh", sdk.KeyQuery{})); n != 2 {
		t.Fatalf("%d keys after removing one volatile key, want 2", n)
	}
	if err := s.RemoveVolatile("ssh", ""); err != nil {
		t.Fatal(err)
	}
	left := s.List("ssh", sdk.KeyQuery{})
	if len(left) != 1 || left[0].Handle != entry.Handle {
		t.Fatalf("after removing every volatile key: %+v", left)
	}
	if ek := s.EntryKeys("ssh"); !ek["MAPP"] || len(ek) != 1 {
		t.Fatalf("EntryKeys = %v", ek)
	}
	s.RemoveEntry("ssh", "MAPP")
	if n := len(s.List("ssh", sdk.KeyQuery{})); n != 0 {
		t.Fatalf("%d keys after RemoveEntry", n)
	}
}
