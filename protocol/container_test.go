package protocol_test

import (
	"crypto/sha512"
	"fmt"
	"testing"

	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/sequence/merkle"
)

// TestContainerTreeAgainstMerkle cross-checks the O(log n) frontier with the
// full RFC 6962 tree of package merkle, for every size up to 130, and the
// restore from State.
func TestContainerTreeAgainstMerkle(t *testing.T) {
	var ct protocol.ContainerTree
	var ref merkle.Tree
	if ct.Digest() != nil {
		t.Fatal("empty tree has a digest")
	}
	for i := range 130 {
		env := []byte(fmt.Sprintf(`["envelope %d"]`, i))
		ct.Append(env)
		d := sha512.Sum512(env)
		ref.Append(d[:])
		want, err := ref.Root(ref.Size())
		if err != nil {
			t.Fatal(err)
		}
		if got := ct.Digest(); string(got) != string(want) {
			t.Fatalf("size %d: digest differs from merkle.Tree", i+1)
		}
		n, peaks := ct.State()
		back, err := protocol.NewContainerTree(n, peaks)
		if err != nil || string(back.Digest()) != string(want) {
			t.Fatalf("size %d: restore from State: %v", i+1, err)
		}
	}
	if _, err := protocol.NewContainerTree(3, nil); err == nil {
		t.Error("a state with the wrong number of peaks was accepted")
	}
}

func BenchmarkContainerTreeAppend(b *testing.B) {
	var ct protocol.ContainerTree
	env := make([]byte, 1024)
	for b.Loop() {
		ct.Append(env)
	}
}
