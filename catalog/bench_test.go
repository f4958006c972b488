package catalog

import (
	"fmt"
	"testing"

	"github.com/mathmesh/mesh/profile"
)

// credentialStore returns a store of n credential New events.
func credentialStore(b *testing.B, n int) *MemoryStore {
	b.Helper()
	ks := storeKeys(b, profile.StoreCredential)
	st := &MemoryStore{}
	c, err := Open(st, profile.StoreCredential, ks)
	if err != nil {
		b.Fatal(err)
	}
	envs := make([][]byte, 0, n)
	for i := range n {
		env, err := c.New(cred(fmt.Sprintf("site%05d.example.com", i), "alice", "correct horse battery staple"))
		if err != nil {
			b.Fatal(err)
		}
		envs = append(envs, env)
	}
	if err := c.Append(envs...); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkReplay10000 replays a 10,000-entry credential catalog: the
// index built from the clear metadata (what a sync needs before the user
// asks for an entry).
func BenchmarkReplay10000(b *testing.B) {
	st := credentialStore(b, 10000)
	ks := storeKeys(b, profile.StoreCredential)
	b.ResetTimer()
	for b.Loop() {
		c, err := Open(st, profile.StoreCredential, ks)
		if err != nil || c.Len() != 10000 {
			b.Fatal(c.Len(), err)
		}
	}
}

// BenchmarkReplayDecrypt10000 replays and decrypts every entry (password
// list on a fresh device).
func BenchmarkReplayDecrypt10000(b *testing.B) {
	st := credentialStore(b, 10000)
	ks := storeKeys(b, profile.StoreCredential)
	b.ResetTimer()
	for b.Loop() {
		c, err := Open(st, profile.StoreCredential, ks)
		if err != nil {
			b.Fatal(err)
		}
		if l, err := c.List(); err != nil || len(l) != 10000 {
			b.Fatal(len(l), err)
		}
	}
}
