package sequence

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/sequence/merkle"
)

// Verification failures, wrapped in *VerifyError (which also says which
// frame and which check failed).
var (
	ErrDigestMismatch = errors.New("digest does not match")
	ErrMissingField   = errors.New("required field is missing")
)

// Verify reads every frame again and checks, for each frame (dare.md §8.11,
// docs/sequence.md §3):
//
//  1. the framing: forward tag, record structure, mirrored reverse tag;
//  2. the header and trailer parse, within their size limits;
//  3. SequenceInfo.Index equals the frame's position (frames removed,
//     inserted or reordered are caught here);
//  4. Tree and Merkle: TreePosition is the offset of frame PreviousFrame(n);
//  5. PayloadDigest equals SHA-512 of the stored payload;
//  6. Chain and Merkle: ChainDigest / TreeDigest equal this implementation's
//     construction, or, when frame 0 carries the reference's degenerate
//     digests (dare.md §8.7), are accepted as they are;
//  7. encrypted frames are in the mode the policy requires and carry an
//     EnvelopeTag exactly when authenticated (a downgrade, frameauth.go).
//     The tag itself needs the key: Decrypt and Plaintext check it.
//
// It returns nil, or a *FormatError or *VerifyError for the failing frame
// with the lowest index. Frames are checked in parallel, in ranges found
// through the offset table. A truncated end cannot be seen from the file
// alone: check it against a trusted head with VerifyAgainst.
func (s *Sequence) Verify() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	v := &verifier{r: s.f, typ: s.typ, offsets: append([]int64(nil), s.offsets...), end: s.end, full: true, policyAuth: s.policyRequiresAuth()}
	s.mu.Unlock()
	if err := v.run(); err != nil {
		return err
	}
	s.mu.Lock()
	s.mode = v.mode
	s.mu.Unlock()
	return nil
}

// Integrity describes the chain or tree digests found by the last
// successful Verify (or Open with Options.Verify): "none" (List, Digest and
// Tree sequences), "linked (RFC 6962 tree / hash chain)" for this
// implementation's construction, or "reference (degenerate, no cross-frame
// integrity)" for files written by the reference (dare.md §8.7). It is
// "not verified" before any verification.
func (s *Sequence) Integrity() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mode == modeUnverified {
		return "not verified"
	}
	return s.mode.String()
}

// verifier holds the state of one Verify pass.
type verifier struct {
	r       io.ReaderAt
	typ     Type
	offsets []int64
	end     int64
	facts   []frameFacts
	mode    digestMode
	// full runs every check; otherwise (Open) the pass only checks the
	// framing and computes the payload digests, chain and tree.
	full bool
	// policyAuth: frame 0's policy requires authenticated encrypted frames
	// (frameauth.go).
	policyAuth bool
	// chain and tree are the state after the last frame.
	chain []byte
	tree  merkle.Tree
}

// frameFacts is what the parallel pass learns about one frame for the
// sequential digest pass.
type frameFacts struct {
	pd    [64]byte // SHA-512 of the stored payload
	hasPD bool     // the frame carries a PayloadDigest
	link  []byte   // stored ChainDigest or TreeDigest
}

// failure is a frame's first failed check, as found by one worker.
type failure struct {
	index int64
	err   error
}

func (v *verifier) run() error {
	n := int64(len(v.offsets))
	v.facts = make([]frameFacts, n)
	limit := failure{index: n}
	v.parallel(func(a, b int64, sc *scanner) failure { return v.frames(a, b, sc) }, &limit)
	if err := v.links(&limit); err != nil {
		return err
	}
	if limit.err != nil {
		return limit.err
	}
	return nil
}

// parallel runs fn over ranges of frames below limit.index on GOMAXPROCS
// workers and lowers limit to the first failure found.
func (v *verifier) parallel(fn func(a, b int64, sc *scanner) failure, limit *failure) {
	n := limit.index
	workers := int64(runtime.GOMAXPROCS(0))
	step := max(256, n/(workers*8)+1)
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := int64(0)
	for w := int64(0); w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := newScanner(v.r, 0)
			for {
				mu.Lock()
				a := next
				if a >= limit.index {
					mu.Unlock()
					return
				}
				next = min(a+step, n)
				b := next
				mu.Unlock()
				if f := fn(a, b, sc); f.err != nil {
					mu.Lock()
					if f.index < limit.index {
						*limit = f
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
}

// frames checks frames [a, b): framing, parsing, SequenceInfo and the
// PayloadDigest, and records the digests for the sequential pass.
func (v *verifier) frames(a, b int64, sc *scanner) failure {
	end := v.end
	if b < int64(len(v.offsets)) {
		end = v.offsets[b]
	}
	sc.reset(v.offsets[a], end, a)
	var fr scanned
	for i := a; i < b; i++ {
		if err := sc.next(&fr); err != nil {
			if err == io.EOF {
				err = &FormatError{Offset: end, Index: i, Reason: "frame missing: the file changed since it was opened"}
			}
			return failure{i, err}
		}
		if !v.full {
			v.facts[i].pd = fr.digest
			continue
		}
		if err := v.frame(i, &fr); err != nil {
			return failure{i, err}
		}
	}
	return failure{}
}

// verifyView is the part of a header or trailer record Verify reads.
type verifyView struct {
	PayloadDigest []byte              `json:"PayloadDigest,omitempty"`
	ChainDigest   []byte              `json:"ChainDigest,omitempty"`
	TreeDigest    []byte              `json:"TreeDigest,omitempty"`
	ApexDigest    []byte              `json:"ApexDigest,omitempty"`
	EnvelopeTag   []byte              `json:"EnvelopeTag,omitempty"`
	Enc           string              `json:"enc,omitempty"`
	SequenceInfo  *dare.SequenceInfo  `json:"SequenceInfo,omitempty"`
	SequenceIndex *dare.SequenceIndex `json:"SequenceIndex,omitempty"`
}

func (v *verifier) frame(i int64, fr *scanned) error {
	fail := func(check string, err error) error {
		return &VerifyError{Index: i, Offset: fr.offset, Check: check, Err: err}
	}
	ff := &v.facts[i]
	ff.pd = fr.digest
	if v.fastFrame(i, fr) {
		return nil
	}
	var h, t verifyView
	if len(fr.header) == 0 {
		return fail("header", errors.New("header record is empty"))
	}
	if err := jsonb.UnmarshalLimits(fr.header, &h, recordLimits); err != nil {
		return fail("header", err)
	}
	if len(fr.trailer) > 0 {
		if err := jsonb.UnmarshalLimits(fr.trailer, &t, recordLimits); err != nil {
			return fail("trailer", err)
		}
	}
	if err := v.sequenceInfo(i, h.SequenceInfo); err != nil {
		return fail("sequence info", err)
	}
	if err := v.checkIndex(i, h.SequenceIndex); err != nil {
		return fail("sequence index", err)
	}
	if err := checkMode(v.policyAuth, h.Enc, t.EnvelopeTag != nil); err != nil {
		return fail("encryption mode", err)
	}
	got := first(t.PayloadDigest, h.PayloadDigest)
	if got != nil && !equalDigest(got, fr.digest[:]) {
		return fail("payload digest", fmt.Errorf("%w: stored %s, payload hashes to %s", ErrDigestMismatch, short(got), short(fr.digest[:])))
	}
	ff.hasPD = got != nil
	switch v.typ {
	case Chain:
		ff.link = first(t.ChainDigest, h.ChainDigest)
	case Merkle:
		ff.link = first(t.TreeDigest, t.ApexDigest, h.TreeDigest, h.ApexDigest)
	}
	return nil
}

// fastFrame checks frame i through the fast path (fastpath.go): it
// succeeds only when both records have exactly the shape this
// implementation writes, with the expected Index, TreePosition and
// PayloadDigest. Otherwise the full parser decides.
func (v *verifier) fastFrame(i int64, fr *scanned) bool {
	if i == 0 {
		return false
	}
	treePos := int64(-1)
	if v.typ.hasTreePosition() {
		treePos = v.offsets[PreviousFrame(i)]
	}
	if !matchFastHeader(fr.header, i, treePos) {
		return false
	}
	ff := &v.facts[i]
	if len(fr.trailer) == 0 {
		return !v.typ.hasDigest()
	}
	link, ok := matchFastTrailer(fr.trailer, fr.digest[:], v.typ == Merkle)
	if !ok {
		return false
	}
	ff.hasPD, ff.link = true, link
	return true
}

func first(vs ...[]byte) []byte {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// sequenceInfo checks Index and TreePosition (dare.md §8.4, §8.5).
func (v *verifier) sequenceInfo(i int64, si *dare.SequenceInfo) error {
	if si == nil {
		return fmt.Errorf("%w: SequenceInfo", ErrMissingField)
	}
	if si.Index == nil {
		if i != 0 {
			return fmt.Errorf("%w: SequenceInfo.Index", ErrMissingField)
		}
	} else if *si.Index != i {
		return fmt.Errorf("frame at position %d has Index %d: frames were removed, inserted or reordered", i, *si.Index)
	}
	if i == 0 {
		if si.ContainerType != v.typ.String() {
			return fmt.Errorf("frame 0 ContainerType %q, sequence opened as %v", si.ContainerType, v.typ)
		}
		return nil
	}
	if !v.typ.hasTreePosition() {
		return nil
	}
	if si.TreePosition == nil {
		return fmt.Errorf("%w: SequenceInfo.TreePosition", ErrMissingField)
	}
	if want := v.offsets[PreviousFrame(i)]; *si.TreePosition != want {
		return fmt.Errorf("TreePosition %d, want %d (the offset of frame %d)", *si.TreePosition, want, PreviousFrame(i))
	}
	return nil
}

func equalDigest(a, b []byte) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare(a, b) == 1
}

func short(b []byte) string {
	if len(b) > 8 {
		return fmt.Sprintf("%x…", b[:8])
	}
	return fmt.Sprintf("%x", b)
}
