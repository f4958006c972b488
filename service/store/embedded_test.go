package store_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mathmesh/mesh/service/store"
	"github.com/mathmesh/mesh/service/store/storetest"
)

func TestEmbeddedConformance(t *testing.T) {
	root := t.TempDir()
	storetest.Run(t, func(t *testing.T, name string) store.Store {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		s, err := store.Open(dir, nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

func TestEmbeddedSingleProcess(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := store.Open(dir, &store.Options{LockTimeout: 50 * time.Millisecond}); err == nil {
		t.Error("a second Open of the same directory succeeded")
	}
	if _, err := store.Open(filepath.Join(dir, "missing"), nil); err == nil {
		t.Error("Open of a missing directory succeeded")
	}
}
