package sequencetest_test

import (
	"path/filepath"
	"testing"

	"github.com/mathmesh/mesh/sequence"
	"github.com/mathmesh/mesh/sequence/sequencetest"
)

// TestFileSequence runs the conformance suite on the file-backed sequence,
// with both durability policies.
func TestFileSequence(t *testing.T) {
	for _, sync := range []sequence.SyncMode{sequence.SyncAlways, sequence.SyncNone} {
		sequencetest.Run(t, sequencetest.Harness{
			Types: []sequence.Type{sequence.List, sequence.Digest, sequence.Chain, sequence.Tree, sequence.Merkle},
			New: func(t *testing.T, typ sequence.Type) sequencetest.Store {
				s, err := sequence.Create(filepath.Join(t.TempDir(), "seq.dare"), sequence.Options{Type: typ, Sync: sync})
				if err != nil {
					t.Fatal(err)
				}
				return s
			},
			Reopen: func(t *testing.T, st sequencetest.Store) sequencetest.Store {
				s := st.(*sequence.Sequence)
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				r, err := sequence.Open(s.Path(), sequence.Options{Sync: sync})
				if err != nil {
					t.Fatal(err)
				}
				return r
			},
		})
	}
}

var _ sequencetest.Store = (*sequence.Sequence)(nil)
var _ sequencetest.Batcher = (*sequence.Sequence)(nil)
