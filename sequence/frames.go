package sequence

import (
	"fmt"

	"github.com/mathmesh/mesh/dare"
)

// Frame is one frame read from a sequence.
type Frame struct {
	Index   int64
	Offset  int64
	Size    int64         // encoded size of the whole frame
	Header  *dare.Header  // parsed header record
	Trailer *dare.Trailer // parsed trailer record; nil if absent or empty
	// Payload is the stored payload: ciphertext for an encrypted frame.
	Payload []byte
	// HeaderBytes and TrailerBytes are the records as stored.
	HeaderBytes, TrailerBytes []byte
}

// Meta decodes the frame's ContentMetaData.
func (f *Frame) Meta() (*dare.ContentMeta, error) { return DecodeContentMeta(f.Header) }

// PayloadDigest returns the frame's PayloadDigest field (trailer first,
// then header), or nil.
func (f *Frame) PayloadDigest() []byte { return payloadDigestOf(f.Header, f.Trailer) }

// TreeDigest returns the frame's TreeDigest (or ApexDigest), or nil.
func (f *Frame) TreeDigest() []byte { return treeDigestOf(f.Header, f.Trailer) }

// ChainDigest returns the frame's ChainDigest, or nil.
func (f *Frame) ChainDigest() []byte { return chainDigestOf(f.Header, f.Trailer) }

// Frame reads frame i (0 <= i < Len) in O(1): one read at the offset from
// the table built on Open.
func (s *Sequence) Frame(i int64) (*Frame, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	if i < 0 || i >= int64(len(s.offsets)) {
		n := len(s.offsets)
		s.mu.Unlock()
		return nil, fmt.Errorf("sequence: frame %d does not exist (the sequence has %d frames)", i, n)
	}
	off := s.offsets[i]
	end := s.end
	s.mu.Unlock()
	return readFrame(s.f, off, end, i)
}

// readFrame reads and parses the frame at off.
func readFrame(r interface {
	ReadAt([]byte, int64) (int, error)
}, off, size, index int64) (*Frame, error) {
	content, end, err := readFrameAt(r, off, size, index)
	if err != nil {
		return nil, err
	}
	hl := int64(len(content))
	recs, err := splitRecords(content, off+(end-off-hl)/2)
	if err != nil {
		return nil, &FormatError{Offset: off, Index: index, Reason: err.Error()}
	}
	if len(recs.header) > MaxHeaderSize {
		return nil, &FormatError{Offset: off, Index: index, Reason: fmt.Sprintf("header record has %d bytes, limit is %d", len(recs.header), MaxHeaderSize)}
	}
	if len(recs.trailer) > MaxTrailerSize {
		return nil, &FormatError{Offset: off, Index: index, Reason: fmt.Sprintf("trailer record has %d bytes, limit is %d", len(recs.trailer), MaxTrailerSize)}
	}
	h, err := parseHeader(recs.header)
	if err != nil {
		return nil, &FormatError{Offset: off, Index: index, Reason: err.Error()}
	}
	t, err := parseTrailer(recs.trailer)
	if err != nil {
		return nil, &FormatError{Offset: off, Index: index, Reason: err.Error()}
	}
	return &Frame{
		Index: index, Offset: off, Size: end - off,
		Header: h, Trailer: t, Payload: recs.payload,
		HeaderBytes: recs.header, TrailerBytes: recs.trailer,
	}, nil
}

// Backward calls fn for frames last to first, walking the reverse tags from
// the end of the file (dare.md §8.1, §9.3: spools are read backwards)
// without using the offset table. It stops at the first error, or when fn
// returns false.
func (s *Sequence) Backward(fn func(*Frame) bool) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	end, n := s.end, int64(len(s.offsets))
	s.mu.Unlock()
	for i := n - 1; i >= 0; i-- {
		start, err := frameStartBefore(s.f, end)
		if err != nil {
			return err
		}
		f, err := readFrame(s.f, start, end, i)
		if err != nil {
			return err
		}
		if f.Offset+f.Size != end {
			return &FormatError{Offset: start, Index: i, Reason: fmt.Sprintf("frame read backwards ends at %d, want %d", f.Offset+f.Size, end)}
		}
		if !fn(f) {
			return nil
		}
		end = start
	}
	if end != 0 {
		return &FormatError{Offset: end, Index: -1, Reason: "bytes before frame 0"}
	}
	return nil
}

// Offsets returns a copy of the frame offset table.
func (s *Sequence) Offsets() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.offsets...)
}
