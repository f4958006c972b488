package sequence

import (
	"crypto/sha512"
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/internal/tagwidth"
)

// Authenticated frames (docs/sequence.md §5). An encrypted frame is a dare
// envelope in the authenticated mode A256CBC-ETM-S512 stored as the three
// records of the frame, with the envelope tag (docs/dare.md §2.2) over
//
//	H  = the header record exactly as stored (enc, Salt, recipients,
//	     SequenceInfo with Index, TreePosition and ExchangePosition,
//	     ContentMetaData, and in frame 0 the policy)
//	PD = SHA-512 of the payload record
//	T0 = the trailer record as stored (PayloadDigest and the ChainDigest or
//	     TreeDigest of this frame) without its last member, the tag
//	F  = 0x05 || context, the sequence-frame form of dare.SequenceFrame
//
// where the context is SHA-512 of frame 0's header record for frames 1 and
// later, and empty for frame 0. Frame 0's header holds the policy, whose
// enc names the authenticated mode, so a reader that trusts the policy
// refuses unauthenticated frames, and the policy cannot be edited without
// breaking every tag. The MAC key is derived from the exchange's base
// seed and the frame's own Salt, so frames sharing an exchange (Once,
// Session) still have their own keys, and the authenticated Index places
// each frame: frames cannot be swapped, moved or copied between sequences.

// setContext records the context bound by the tags of frames 1 and later:
// SHA-512 of frame 0's header record hb.
func (s *Sequence) setContext(hb []byte) {
	sum := sha512.Sum512(hb)
	s.ctx = sum[:]
}

// frameBinding returns the dare options that bind an envelope as frame
// index of this sequence; on encoding, Link advances the chain or tree with
// the frame's PayloadDigest and puts the new digest in its trailer, under
// the tag.
func (s *Sequence) frameBinding(index int64) *dare.SequenceFrame {
	f := &dare.SequenceFrame{Link: func(pd []byte) ([]byte, []byte, error) {
		chain, tree := s.links.add(pd)
		return chain, tree, nil
	}}
	if index > 0 {
		f.Context = s.ctx
	}
	return f
}

// policyRequiresAuth reports whether frame 0's policy names dare's
// authenticated mode: every encrypted frame must then use it.
func (s *Sequence) policyRequiresAuth() bool {
	p := s.frame0.Policy
	return p != nil && p.Enc == dare.EncA256CBCETM
}

// checkMode implements the downgrade check: in a sequence whose policy
// requires the authenticated mode, an encrypted frame in another mode (its
// enc rewritten and its tag stripped) is an error; so is a trailer that
// carries an EnvelopeTag under another enc, or an authenticated frame
// without one.
func checkMode(policyAuth bool, enc string, hasTag bool) error {
	switch {
	case enc == "":
		if hasTag {
			return fmt.Errorf("%w: a plaintext frame's trailer has an EnvelopeTag", dare.ErrAuthentication)
		}
	case enc == dare.EncA256CBCETM:
		if !hasTag {
			return fmt.Errorf("%w: %s frame without an EnvelopeTag", dare.ErrAuthentication, enc)
		}
	case hasTag:
		return fmt.Errorf("%w: trailer has an EnvelopeTag but the frame's enc is %q", dare.ErrAuthentication, enc)
	case policyAuth:
		return fmt.Errorf("%w: frame encrypted with %q, the sequence policy requires %s (downgraded frame?)", dare.ErrAuthentication, enc, dare.EncA256CBCETM)
	}
	return nil
}

// errNotCanonical reports an authenticated frame whose JBCD lengths are
// not the shortest: the records are authenticated, the framing around them
// is held to the one encoding our writer produces.
var errNotCanonical = errors.New("authenticated frame is not framed canonically (shortest lengths, three records)")

// canonicalFraming reports whether f is framed exactly as appendFrame
// frames its three records.
func canonicalFraming(f *Frame) bool {
	if len(f.TrailerBytes) == 0 {
		return false
	}
	n := recordSize(len(f.HeaderBytes)) + recordSize(len(f.Payload)) + recordSize(len(f.TrailerBytes))
	return f.Size >= 0 && uint64(f.Size) == frameSize(n, tagwidth.Code(n))
}
