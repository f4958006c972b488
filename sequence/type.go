package sequence

import "fmt"

// Type is a sequence's ContainerType (dare.md §8.2): what integrity data its
// frames carry.
type Type int

// Sequence types (dare.md §8.2, [REF] DareConstants). The names are the
// frozen JSON values of SequenceInfo.ContainerType.
const (
	List   Type = iota + 1 // no integrity data ("Simple" in the draft)
	Digest                 // PayloadDigest per frame
	Chain                  // PayloadDigest and ChainDigest
	Tree                   // PayloadDigest and TreePosition navigation
	Merkle                 // PayloadDigest, TreePosition and TreeDigest
)

var typeNames = map[Type]string{List: "List", Digest: "Digest", Chain: "Chain", Tree: "Tree", Merkle: "Merkle"}

func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// ParseType parses a ContainerType value. It also accepts the CLI spellings
// of SequenceOptions /auth (cli.md §2): plain, digest, chain, tree, merkle
// and the reference's misspelling merkel.
func ParseType(s string) (Type, error) {
	for t, n := range typeNames {
		if s == n {
			return t, nil
		}
	}
	switch s {
	case "plain", "list":
		return List, nil
	case "digest":
		return Digest, nil
	case "chain":
		return Chain, nil
	case "tree":
		return Tree, nil
	case "merkle", "merkel":
		return Merkle, nil
	}
	return 0, fmt.Errorf("sequence: unknown sequence type %q (want List, Digest, Chain, Tree or Merkle)", s)
}

// hasDigest reports whether frames carry a PayloadDigest (dare.md §8.6).
func (t Type) hasDigest() bool { return t >= Digest }

// hasTreePosition reports whether frames carry TreePosition (dare.md §8.5).
func (t Type) hasTreePosition() bool { return t == Tree || t == Merkle }
