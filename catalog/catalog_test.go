package catalog

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// testAccount is shared: deriving account keys costs milliseconds.
var testAccount = func() *profile.AccountSecrets {
	a, err := profile.AccountFromSeed("ZAAQ-EYNB-UC2L-3TQX-RR2I-KCAG-BYCD-J27F-2XXD-4W4V-P5WP-3UKF-5B5K-KO3P")
	if err != nil {
		panic(err)
	}
	return a
}()

func storeKeys(t testing.TB, label string) Keys {
	t.Helper()
	k, err := testAccount.StoreKey(label)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := StoreKeys(label, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

func cred(site, user, pw string) *CatalogedCredential {
	return &CatalogedCredential{Service: site, Username: user, Password: pw}
}

func mustAppend(t testing.TB, c *Catalog, env []byte, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Append(env); err != nil {
		t.Fatal(err)
	}
}

func TestCredentialLifecycle(t *testing.T) {
	ks := storeKeys(t, profile.StoreCredential)
	st := &MemoryStore{}
	c, err := Open(st, profile.StoreCredential, ks)
	if err != nil {
		t.Fatal(err)
	}
	env, err := c.New(cred("ftp.example.com", "alice1", "password"))
	mustAppend(t, c, env, err)
	env, err = c.Update(cred("ftp.example.com", "alice1", "newpassword"))
	mustAppend(t, c, env, err)
	env, err = c.New(cred("www.example.com", "alice", "pw2"))
	mustAppend(t, c, env, err)
	env, err = c.Delete(":www.example.com")
	mustAppend(t, c, env, err)

	e, err := c.Get(":ftp.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.(*CatalogedCredential); got.Password != "newpassword" || got.Username != "alice1" {
		t.Errorf("got %+v", *got)
	}
	if _, err := c.Get(":www.example.com"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted entry: err = %v, want ErrNotFound", err)
	}
	// A second device replays the same store to the same state.
	c2, err := Open(st, profile.StoreCredential, ks)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c.Keys(), c2.Keys()); diff != "" {
		t.Errorf("replay differs (-first +second):\n%s", diff)
	}
	if c2.Count() != 4 || c2.Len() != 1 {
		t.Errorf("Count %d Len %d, want 4 and 1", c2.Count(), c2.Len())
	}
}

func TestPrepareConflicts(t *testing.T) {
	c, err := Open(&MemoryStore{}, profile.StoreCredential, storeKeys(t, profile.StoreCredential))
	if err != nil {
		t.Fatal(err)
	}
	env, err := c.New(cred("a.example", "u", "p"))
	mustAppend(t, c, env, err)
	tests := []struct {
		name string
		op   func() ([]byte, error)
	}{
		{"new on existing", func() ([]byte, error) { return c.New(cred("a.example", "u", "p")) }},
		{"update missing", func() ([]byte, error) { return c.Update(cred("b.example", "u", "p")) }},
		{"delete missing", func() ([]byte, error) { return c.Delete(":b.example") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.op()
			var ce *ConflictError
			if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConflictError", err)
			}
		})
	}
}

// TestStaleUpdate: two devices update the same entry from the same state;
// the service stores both; every replay keeps the first and reports the
// second as a conflict.
func TestStaleUpdate(t *testing.T) {
	ks := storeKeys(t, profile.StoreCredential)
	service := &MemoryStore{}
	a, _ := Open(service, profile.StoreCredential, ks)
	env, err := a.New(cred("s.example", "u", "v1"))
	mustAppend(t, a, env, err)
	b, err := Open(&MemoryStore{}, profile.StoreCredential, ks)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Append(env); err != nil {
		t.Fatal(err)
	}
	fromA, err := a.Update(cred("s.example", "u", "from-a"))
	if err != nil {
		t.Fatal(err)
	}
	fromB, err := b.Update(cred("s.example", "u", "from-b"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := service.Append(fromA, fromB); err != nil {
		t.Fatal(err)
	}
	r, err := Open(service, profile.StoreCredential, ks)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Get(":s.example")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.(*CatalogedCredential).Password; got != "from-a" {
		t.Errorf("password %q, want from-a", got)
	}
	cs := r.Conflicts()
	if len(cs) != 1 || cs[0].Index != 3 || cs[0].Event != EventUpdate {
		t.Errorf("conflicts %+v, want the update at index 3", cs)
	}
}

func TestSequenceStoreReopen(t *testing.T) {
	ks := storeKeys(t, profile.StoreBookmark)
	path := filepath.Join(t.TempDir(), "MMM_Bookmark.dcat")
	st, err := OpenSequenceStore(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Open(st, profile.StoreBookmark, ks)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		env, err := c.New(&CatalogedBookmark{CatalogedEntry: CatalogedEntry{Uid: fmt.Sprint("b", i)},
			Uri: fmt.Sprint("https://example.com/", i), Title: "t"})
		mustAppend(t, c, env, err)
	}
	n1, root1, err := st.Head()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2, err := OpenSequenceStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if err := st2.Verify(); err != nil {
		t.Fatal(err)
	}
	n2, root2, _ := st2.Head()
	if n1 != 5 || n2 != 5 || !cmp.Equal(root1, root2) {
		t.Errorf("heads %d %x and %d %x", n1, root1, n2, root2)
	}
	c2, err := Open(st2, profile.StoreBookmark, ks)
	if err != nil {
		t.Fatal(err)
	}
	e, err := c2.Get("b3")
	if err != nil || e.(*CatalogedBookmark).Uri != "https://example.com/3" {
		t.Errorf("Get b3 = %v, %v", e, err)
	}
}

func TestWrongTypeRefused(t *testing.T) {
	c, _ := Open(&MemoryStore{}, profile.StoreBookmark, storeKeys(t, profile.StoreBookmark))
	if _, err := c.New(cred("x", "u", "p")); err == nil {
		t.Fatal("a credential was accepted in the bookmark catalog")
	}
}

func TestUnreadableWithoutKey(t *testing.T) {
	ks := storeKeys(t, profile.StoreCredential)
	st := &MemoryStore{}
	c, _ := Open(st, profile.StoreCredential, ks)
	env, err := c.New(cred("s", "u", "p"))
	mustAppend(t, c, env, err)
	other, err := keys.Generate(keys.X448, nil)
	if err != nil {
		t.Fatal(err)
	}
	wrong, _ := StoreKeys(profile.StoreCredential, other.(keys.Agreer), nil)
	c2, err := Open(st, profile.StoreCredential, wrong)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Get(":s"); err == nil {
		t.Fatal("entry decrypted with the wrong key")
	}
}
