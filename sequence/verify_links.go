package sequence

import (
	"fmt"

	"github.com/mathmesh/mesh/sequence/merkle"
)

// links runs the sequential part of Verify over the frames below
// limit.index: it decides the digest mode from frame 0, requires the
// PayloadDigest where the type has one, recomputes the chain, builds the
// Merkle tree and checks every frame's tree digest (in parallel). It lowers
// limit to the first failure.
func (v *verifier) links(limit *failure) error {
	n := limit.index
	v.chain = emptyDigest
	if !v.full {
		for i := int64(0); i < n; i++ {
			v.feed(v.facts[i].pd[:])
		}
		return nil
	}
	if n == 0 {
		return nil
	}
	fail := func(i int64, check string, err error) {
		if i < limit.index {
			*limit = failure{i, &VerifyError{Index: i, Offset: v.offsets[i], Check: check, Err: err}}
		}
	}
	if err := v.decideMode(); err != nil {
		fail(0, err.check, err.err)
		return nil
	}
	for i := int64(0); i < n; i++ {
		ff := &v.facts[i]
		if !ff.hasPD && v.typ.hasDigest() && v.mode != modeRef {
			fail(i, "payload digest", fmt.Errorf("%w: PayloadDigest", ErrMissingField))
			return nil
		}
		v.feed(ff.pd[:])
		if v.typ == Chain {
			if err := v.checkLink(i, ff.link, v.chain); err != nil {
				fail(i, "chain digest", err)
				return nil
			}
		}
	}
	tree := &v.tree
	if v.typ == Merkle && v.mode == modeOwn {
		v.parallel(func(a, b int64, _ *scanner) failure {
			for i := a; i < b; i++ {
				root, err := tree.Root(uint64(i + 1))
				if err == nil {
					err = v.checkLink(i, v.facts[i].link, root)
				}
				if err != nil {
					return failure{i, &VerifyError{Index: i, Offset: v.offsets[i], Check: "tree digest", Err: err}}
				}
			}
			return failure{}
		}, limit)
	}
	return nil
}

// feed folds the next payload digest into the chain or tree.
func (v *verifier) feed(pd []byte) {
	switch v.typ {
	case Chain:
		v.chain = chainNext(v.chain, pd)
	case Merkle:
		v.tree.Append(pd)
	}
}

type checkErr struct {
	check string
	err   error
}

// decideMode looks at frame 0's chain or tree digest: this implementation's
// construction, or the reference's degenerate one (dare.md §8.7), whose
// later values are then accepted without linking.
func (v *verifier) decideMode() *checkErr {
	ff := &v.facts[0]
	var check string
	var own []byte
	var isRef bool
	switch v.typ {
	case Chain:
		check, own = "chain digest", chainNext(emptyDigest, ff.pd[:])
		isRef = equalDigest(ff.link, refG(ff.pd[:]))
	case Merkle:
		check, own = "tree digest", merkle.LeafHash(ff.pd[:])
		isRef = ff.link != nil && refTreeDigestMatches(ff.link, ff.pd[:], 0)
	default:
		v.mode = modeNone
		return nil
	}
	switch {
	case ff.link == nil:
		return &checkErr{check, fmt.Errorf("%w: frame 0 has no %s", ErrMissingField, check)}
	case equalDigest(ff.link, own):
		v.mode = modeOwn
	case isRef:
		v.mode = modeRef
	default:
		return &checkErr{check, fmt.Errorf("%w: frame 0 %s %s is neither this implementation's %s nor the reference's",
			ErrDigestMismatch, check, short(ff.link), short(own))}
	}
	return nil
}

// checkLink compares a stored chain or tree digest with the recomputed one
// (own mode); reference-mode values are accepted as they are.
func (v *verifier) checkLink(i int64, got, own []byte) error {
	if v.mode == modeRef {
		return nil
	}
	if got == nil {
		return fmt.Errorf("%w: frame %d has no digest", ErrMissingField, i)
	}
	if !equalDigest(got, own) {
		return fmt.Errorf("%w: stored %s, recomputed %s: an earlier frame or this one was modified", ErrDigestMismatch, short(got), short(own))
	}
	return nil
}
