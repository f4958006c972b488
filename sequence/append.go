package sequence

import (
	"crypto/sha512"
	"fmt"
	"time"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
)

// Entry is one frame to append.
type Entry struct {
	// Payload is the frame body (encrypted first if the sequence has an
	// encryption policy).
	Payload []byte
	// Meta becomes the header's ContentMetaData (dare.md §2.5); nil writes
	// "{}". It is stored in the clear and not covered by digests.
	Meta *dare.ContentMeta
	// Received, if set, is written as the header's Received time (§8.8).
	Received *time.Time
	// Envelope, if set, appends an existing envelope (dare.md §8.8, the
	// envelope-append path): its identifier, crypto fields, annotations and
	// signatures are copied into the frame header and Payload must be its
	// body exactly as stored (ciphertext if it is encrypted), which this
	// sequence then does not encrypt again. Only envelopes whose header and
	// trailer bytes are not authenticated can be re-framed this way
	// (plaintext or A256CBC): dare's authenticated mode covers those bytes,
	// so append such an envelope whole, as the Payload of a plain frame.
	Envelope *dare.Header

	index *dare.SequenceIndex // set by AppendIndex
}

// Append writes one frame and returns its index. With SyncAlways (the
// default) the frame is durable when Append returns; see SyncMode.
func (s *Sequence) Append(e Entry) (int64, error) {
	first, err := s.AppendBatch([]Entry{e})
	return first, err
}

// AppendBatch writes the frames of entries with one write and (with
// SyncAlways) one fsync, and returns the index of the first. Either every
// frame is acknowledged or the call fails; after a crash, a prefix of the
// batch may be present (each of those frames complete).
//
// With SyncAlways, concurrent callers share fsyncs (group commit): each
// frame is written under the sequence lock, then the caller waits until an
// fsync that started after its write has completed. A frame is readable
// through Frame as soon as it is written, before it is durable.
func (s *Sequence) AppendBatch(entries []Entry) (int64, error) {
	first, gen, err := s.write(entries)
	if err != nil || s.opts.Sync != SyncAlways {
		return first, err
	}
	if err := s.syncTo(gen); err != nil {
		return 0, err
	}
	return first, nil
}

// write encodes and writes entries at the end of the file and returns the
// first index and the write generation to sync to.
func (s *Sequence) write(entries []Entry) (int64, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	first, err := s.writeLocked(entries)
	return first, s.written, err
}

func (s *Sequence) writeLocked(entries []Entry) (int64, error) {
	if err := s.writable(); err != nil {
		return 0, err
	}
	if len(entries) == 0 {
		return int64(len(s.offsets)), nil
	}
	if len(s.offsets)+len(entries) > MaxFrames {
		return 0, fmt.Errorf("sequence: %s would exceed %d frames", s.path, MaxFrames)
	}
	first := int64(len(s.offsets))
	saved, savedCrypto := s.links.save(), s.crypto.save()
	buf := s.buf[:0]
	offsets := s.offsets
	for i := range entries {
		off := s.end + int64(len(buf))
		var err error
		if buf, err = s.encodeFrame(buf, first+int64(i), offsets, &entries[i]); err != nil {
			s.links.restore(saved)
			s.crypto.restore(savedCrypto)
			return 0, err
		}
		if len(buf) > MaxBatchSize && i+1 < len(entries) {
			s.links.restore(saved)
			s.crypto.restore(savedCrypto)
			return 0, fmt.Errorf("sequence: batch exceeds %d bytes; append it in smaller batches", MaxBatchSize)
		}
		offsets = append(offsets, off)
	}
	if err := s.commit(buf); err != nil {
		s.links.restore(saved)
		s.crypto.restore(savedCrypto)
		return 0, err
	}
	s.offsets = offsets
	s.end += int64(len(buf))
	s.written++
	if cap(buf) <= 1<<20 {
		s.buf = buf[:0]
	}
	return first, nil
}

func (s *Sequence) writable() error {
	switch {
	case s.closed:
		return ErrClosed
	case s.opts.ReadOnly:
		return fmt.Errorf("sequence: %s is open read-only", s.path)
	case s.broken != nil:
		return s.broken
	}
	return nil
}

// commit writes buf at the end of the file with one write. On a failed
// write it truncates the partial frame away; if even that fails the
// sequence refuses further appends (Open repairs the tail).
func (s *Sequence) commit(buf []byte) error {
	if _, err := s.f.WriteAt(buf, s.end); err != nil {
		if terr := s.f.Truncate(s.end); terr != nil {
			s.broken = fmt.Errorf("sequence: append failed and the partial frame could not be removed; reopen to repair: %w", terr)
		}
		return fmt.Errorf("sequence: appending to %s: %w", s.path, err)
	}
	return nil
}

// syncTo returns once an fsync covering write generation gen has completed
// (group commit: one fsync serves every writer waiting for it). A failed
// fsync leaves the durability of unsynced frames unknown: the sequence then
// refuses further appends and every waiting caller gets the error.
func (s *Sequence) syncTo(gen uint64) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if s.syncErr != nil {
		return s.syncErr
	}
	if s.synced >= gen {
		return nil
	}
	s.mu.Lock()
	target, closed := s.written, s.closed
	s.mu.Unlock()
	if closed {
		return nil // Close synced everything written
	}
	if err := s.f.Sync(); err != nil {
		s.syncErr = fmt.Errorf("sequence: syncing %s: %w", s.path, err)
		s.mu.Lock()
		s.broken = fmt.Errorf("sequence: fsync failed, durability of the last frames is unknown; reopen: %w", err)
		s.mu.Unlock()
		return s.syncErr
	}
	s.synced = target
	return nil
}

// encodeFrame0 builds frame 0 (dare.md §8.2) and returns it with its header.
func (s *Sequence) encodeFrame0() ([]byte, *dare.Header, error) {
	meta, err := encodeContentMeta(&dare.ContentMeta{ContentType: s.opts.ContentType})
	if err != nil {
		return nil, nil, err
	}
	h := &dare.Header{
		ContentMetaData: meta,
		SequenceInfo: &dare.SequenceInfo{
			DataEncoding:  dataEncodingJSON,
			ContainerType: s.typ.String(),
			Index:         int64p(0),
		},
	}
	if s.typ.hasDigest() {
		h.Dig = digestS512
	}
	if s.crypto != nil {
		h.Policy = s.crypto.policy()
		if s.crypto.enc.Mode == Once {
			// Frame 0 holds the exchange and the encryption of nothing
			// (dare.md §8.2, §8.9), authenticated like every encrypted
			// frame; its context is empty (docs/sequence.md §5).
			f, err := s.crypto.seal(h, 0, nil, s.frameBinding(0))
			if err != nil {
				return nil, nil, err
			}
			s.setContext(f.header)
			return appendFrame(nil, f.header, f.payload, f.trailer), h, nil
		}
	}
	hb, err := jsonb.Marshal(h)
	if err != nil {
		return nil, nil, fmt.Errorf("sequence: encoding frame 0 header: %w", err)
	}
	s.setContext(hb)
	payload := []byte{}
	tb, err := s.trailer(payload, nil, false)
	if err != nil {
		return nil, nil, err
	}
	if tb == nil {
		tb = []byte{} // [REF] writes an empty trailer record for frame 0 (dare.md §8.1)
	}
	return appendFrame(nil, hb, payload, tb), h, nil
}

// encodeFrame appends the frame for entry e with the given index to buf
// (dare.md §8.3). offsets holds the offsets of every earlier frame.
func (s *Sequence) encodeFrame(buf []byte, index int64, offsets []int64, e *Entry) ([]byte, error) {
	if len(e.Payload) > MaxPayloadSize {
		return nil, fmt.Errorf("sequence: payload of %d bytes exceeds the limit of %d", len(e.Payload), MaxPayloadSize)
	}
	meta, err := encodeContentMeta(e.Meta)
	if err != nil {
		return nil, err
	}
	h := &dare.Header{ContentMetaData: meta, Received: e.Received}
	h.SequenceInfo = &dare.SequenceInfo{Index: int64p(index)}
	if s.typ.hasTreePosition() {
		h.SequenceInfo.TreePosition = int64p(offsets[PreviousFrame(index)])
	}
	if s.typ.hasDigest() {
		h.Dig = digestS512
	}
	if e.index != nil {
		h.SequenceInfo.IsMeta = true
		h.SequenceIndex = e.index
	}
	if e.Envelope == nil && s.crypto == nil && e.Received == nil && e.index == nil {
		return s.encodeFastFrame(buf, index, h, meta, e.Payload)
	}
	switch {
	case e.Envelope != nil && e.Envelope.Enc == dare.EncA256CBCETM:
		return nil, fmt.Errorf("sequence: frame %d: an authenticated (%s) envelope or frame cannot be re-framed: its tag covers its header and trailer; decrypt and re-encrypt it, or append it whole as the payload", index, dare.EncA256CBCETM)
	case e.Envelope != nil && e.Envelope.Enc != "" && s.policyRequiresAuth():
		return nil, fmt.Errorf("sequence: frame %d: the sequence's policy requires %s, an unauthenticated %q envelope cannot be appended; decrypt and re-encrypt it", index, dare.EncA256CBCETM, e.Envelope.Enc)
	case e.Envelope != nil:
		copyEnvelopeFields(h, e.Envelope)
	case s.crypto != nil && e.index == nil:
		return s.encodeSealedFrame(buf, index, h, e.Payload)
	}
	payload := e.Payload
	hb, err := jsonb.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("sequence: encoding frame %d header: %w", index, err)
	}
	if len(hb) > MaxHeaderSize {
		return nil, fmt.Errorf("sequence: frame %d header has %d bytes, limit is %d", index, len(hb), MaxHeaderSize)
	}
	var sigs []dare.Signature
	if e.Envelope != nil {
		sigs = e.Envelope.Signatures
	}
	tb, err := s.trailer(payload, sigs, h.Enc != "")
	if err != nil {
		return nil, err
	}
	if tb == nil {
		return appendFrame(buf, hb, payload), nil
	}
	return appendFrame(buf, hb, payload, tb), nil
}

// encodeSealedFrame appends an encrypted data frame (docs/sequence.md §5):
// the dare encoder writes all three records, the trailer with the chain or
// tree digest, under the envelope tag.
func (s *Sequence) encodeSealedFrame(buf []byte, index int64, h *dare.Header, payload []byte) ([]byte, error) {
	f, err := s.crypto.seal(h, index, payload, s.frameBinding(index))
	if err != nil {
		return nil, err
	}
	if len(f.header) > MaxHeaderSize {
		return nil, fmt.Errorf("sequence: frame %d header has %d bytes, limit is %d", index, len(f.header), MaxHeaderSize)
	}
	return appendFrame(buf, f.header, f.payload, f.trailer), nil
}

// encodeFastFrame appends a plaintext data frame whose records use the
// fast-path encoding (fastpath.go), byte for byte what jsonb.Marshal writes.
func (s *Sequence) encodeFastFrame(buf []byte, index int64, h *dare.Header, meta, payload []byte) ([]byte, error) {
	treePos := int64(-1)
	if h.SequenceInfo.TreePosition != nil {
		treePos = *h.SequenceInfo.TreePosition
	}
	var hb, tb []byte
	hb = appendFastHeader(make([]byte, 0, 128+len(meta)*4/3), h.Dig != "", meta, index, treePos)
	pd := sha512.Sum512(payload)
	chain, tree := s.links.add(pd[:])
	if s.typ.hasDigest() {
		tb = appendFastTrailer(make([]byte, 0, 220), pd[:], first(chain, tree), tree != nil)
		return appendFrame(buf, hb, payload, tb), nil
	}
	return appendFrame(buf, hb, payload), nil
}

// trailer returns the trailer record for a payload: PayloadDigest, and the
// ChainDigest or TreeDigest that links it (integrity.go), plus any
// signatures. It advances the chain or tree. Encrypted frames always carry
// the PayloadDigest (dare.md §5: an encrypted envelope has no other
// integrity check); plaintext List frames without signatures get no
// trailer (nil).
func (s *Sequence) trailer(payload []byte, sigs []dare.Signature, encrypted bool) ([]byte, error) {
	t := dare.Trailer{Signatures: sigs}
	pd := sha512.Sum512(payload)
	if s.typ.hasDigest() || encrypted {
		t.PayloadDigest = pd[:]
	}
	t.ChainDigest, t.TreeDigest = s.links.add(pd[:])
	if t.PayloadDigest == nil && len(sigs) == 0 {
		return nil, nil
	}
	b, err := jsonb.Marshal(&t)
	if err != nil {
		return nil, fmt.Errorf("sequence: encoding trailer: %w", err)
	}
	return b, nil
}

// copyEnvelopeFields copies an envelope's header fields into a frame header
// (dare.md §8.8; ChainDigest, TreeDigest and PayloadDigest are recomputed,
// signatures move to the trailer).
func copyEnvelopeFields(h, env *dare.Header) {
	h.EnvelopeID = env.EnvelopeID
	h.Enc, h.Kid, h.Salt, h.Malt = env.Enc, env.Kid, env.Salt, env.Malt
	h.Cloaked, h.Annotations, h.Recipients = env.Cloaked, env.Annotations, env.Recipients
	if env.Dig != "" {
		h.Dig = env.Dig
	}
	if len(env.ContentMetaData) > 0 {
		h.ContentMetaData = env.ContentMetaData
	}
	if env.Received != nil && h.Received == nil {
		h.Received = env.Received
	}
}
