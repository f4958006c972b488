// Package storetest is the conformance suite of service/store: every
// implementation of store.Store must pass Run (STYLE.md rule 14, after
// tailscale's chonktest). It checks the account registry, appends, reads,
// status digests against protocol.ContainerTree, atomicity, conditional
// appends, lookups by EnvelopeID, durability across close and reopen, and
// concurrent appends.
package storetest

import (
	"context"
	"testing"

	"github.com/mathmesh/mesh/service/store"
)

// Opener opens the store called name. Opening a name again after the
// previous store of that name was closed must give the same data; different
// names are independent stores.
type Opener func(t *testing.T, name string) store.Store

// Run runs the whole suite against the stores open makes.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Registry", testRegistry},
		{"RegistryConflicts", testRegistryConflicts},
		{"DeleteAccount", testDeleteAccount},
		{"AppendRead", testAppendRead},
		{"ReadLimits", testReadLimits},
		{"Status", testStatus},
		{"Atomic", testAtomic},
		{"Condition", testCondition},
		{"Find", testFind},
		{"Reopen", testReopen},
		{"Concurrent", testConcurrent},
		{"BadInput", testBadInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

var ctx = context.Background()

func openStore(t *testing.T, open Opener, name string) store.Store {
	t.Helper()
	s := open(t, name)
	t.Cleanup(func() { _ = s.Close() })
	return s
}
