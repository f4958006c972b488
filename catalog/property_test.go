package catalog

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/profile"
	"pgregory.net/rapid"
)

// TestReplayMatchesMap: any sequence of adds, updates and deletes, some
// stale, replays to the same state as a map that applies only the valid
// operations, on the writer and on a fresh replay of the store.
func TestReplayMatchesMap(t *testing.T) {
	ks := storeKeys(t, profile.StoreCredential)
	rapid.Check(t, func(t *rapid.T) {
		st := &MemoryStore{}
		c, err := Open(st, profile.StoreCredential, ks)
		if err != nil {
			t.Fatal(err)
		}
		model := map[string]string{}
		n := rapid.IntRange(1, 40).Draw(t, "ops")
		for i := range n {
			site := fmt.Sprintf("s%d", rapid.IntRange(0, 5).Draw(t, "site"))
			key := ":" + site
			pw := fmt.Sprint("pw", i)
			var env []byte
			switch rapid.IntRange(0, 2).Draw(t, "op") {
			case 0:
				env, err = c.New(cred(site, "u", pw))
				if _, ok := model[key]; ok != (err != nil) {
					t.Fatalf("New %s: exists %v, err %v", key, ok, err)
				}
				if err == nil {
					model[key] = pw
				}
			case 1:
				env, err = c.Update(cred(site, "u", pw))
				if _, ok := model[key]; ok == (err != nil) {
					t.Fatalf("Update %s: exists %v, err %v", key, ok, err)
				}
				if err == nil {
					model[key] = pw
				}
			case 2:
				env, err = c.Delete(key)
				if _, ok := model[key]; ok == (err != nil) {
					t.Fatalf("Delete %s: exists %v, err %v", key, ok, err)
				}
				if err == nil {
					delete(model, key)
				}
			}
			if err != nil {
				continue
			}
			if rapid.Bool().Draw(t, "stale") && c.Latest(key) > 0 {
				// A racing device's update, prepared against the state before
				// env: stored after env, replay must skip it.
				stale, serr := c.Update(cred(site, "u", "stale"))
				if serr == nil {
					if err := c.Append(env); err != nil {
						t.Fatal(err)
					}
					if err := c.Append(stale); err != nil {
						t.Fatal(err)
					}
					continue
				}
			}
			if err := c.Append(env); err != nil {
				t.Fatal(err)
			}
		}
		for _, cat := range []*Catalog{c, mustOpen(t, st, ks)} {
			got := map[string]string{}
			for _, k := range cat.Keys() {
				e, err := cat.Get(k)
				if err != nil {
					t.Fatal(err)
				}
				got[k] = e.(*CatalogedCredential).Password
			}
			if diff := cmp.Diff(model, got); diff != "" {
				t.Fatalf("state differs from the model (-model +catalog):\n%s", diff)
			}
		}
	})
}

func mustOpen(t *rapid.T, st Store, ks Keys) *Catalog {
	c, err := Open(st, profile.StoreCredential, ks)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
