package dare

import (
	"bytes"
	"errors"
	"fmt"
)

// SequenceFrame says that an envelope is stored as the three records of a
// DARE sequence frame (dare.md §8.1; docs/dare.md §2.3, docs/sequence.md
// §5). In the authenticated mode the envelope tag then binds the form byte
// formFrame followed by Context, instead of the empty framing of three
// parts stored by some other caller, so that a frame's records cannot be
// passed off as a standalone or three-part envelope (or back), nor moved to
// a sequence with another Context. On encoding, Link adds the frame's chain
// and tree digests to the trailer before the tag is computed, so that the
// tag covers them too.
type SequenceFrame struct {
	// Context is bound by the envelope tag after the form byte, at most
	// MaxFrameContext bytes. Package sequence puts the SHA-512 of frame
	// 0's header record there (empty for frame 0 itself), which binds
	// every frame to its sequence's policy.
	Context []byte
	// Link, used by the encoder only, returns the frame's ChainDigest and
	// TreeDigest (either may be nil) given its PayloadDigest, the SHA-512
	// of the stored body. TrailerBytes calls it exactly once; an error
	// fails TrailerBytes.
	Link func(payloadDigest []byte) (chainDigest, treeDigest []byte, err error)
}

// errFrameForm reports a SequenceFrame given to Encode or Seal, which
// write standalone envelopes.
var errFrameForm = errors.New("dare: EncodeOptions.SequenceFrame is for envelopes stored as sequence frame records (Encoder), not for Encode or Seal")

// checkFrame validates a SequenceFrame option.
func checkFrame(f *SequenceFrame) error {
	if f != nil && len(f.Context) > MaxFrameContext {
		return fmt.Errorf("dare: SequenceFrame.Context has %d bytes, limit %d", len(f.Context), MaxFrameContext)
	}
	return nil
}

// frameContext returns the bytes bound after the form byte.
func frameContext(f *SequenceFrame) []byte {
	if f == nil {
		return nil
	}
	return f.Context
}

// linkTrailer sets the chain and tree digests of a sequence frame's
// trailer from its payload digest.
func linkTrailer(f *SequenceFrame, t *Trailer) error {
	if f == nil || f.Link == nil {
		return nil
	}
	chain, tree, err := f.Link(bytes.Clone(t.PayloadDigest))
	if err != nil {
		return fmt.Errorf("dare: sequence frame digests: %w", err)
	}
	t.ChainDigest, t.TreeDigest = chain, tree
	return nil
}
