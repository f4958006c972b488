package sequence

import (
	"bufio"
	"crypto/sha512"
	"fmt"
	"hash"
	"io"
)

// scanner reads frames sequentially from the start of a file, streaming each
// payload through SHA-512 so that memory stays bounded by the header and
// trailer limits whatever the payload size.
type scanner struct {
	br    *bufio.Reader
	r     io.ReaderAt
	off   int64 // offset of the next frame
	size  int64
	index int64 // number of the next frame
	h     hash.Hash
	hdr   []byte
	trl   []byte
}

// scanned is one frame as seen by the scanner. header and trailer are valid
// until the next call to next.
type scanned struct {
	offset, end int64
	header      []byte
	trailer     []byte
	digest      [sha512.Size]byte // SHA-512 of the stored payload bytes
}

// newScanner returns a scanner of the frames in [0, size) of r.
func newScanner(r io.ReaderAt, size int64) *scanner {
	s := &scanner{r: r, h: sha512.New(), br: bufio.NewReaderSize(nil, scanBufferSize)}
	s.reset(0, size, 0)
	return s
}

// reset makes s scan the frames in [start, end) of its file, the first of
// which is frame number index.
func (s *scanner) reset(start, end, index int64) {
	s.br.Reset(io.NewSectionReader(s.r, start, end-start))
	s.off, s.size, s.index = start, end, index
}

func (s *scanner) fail(torn bool, format string, args ...any) error {
	return &FormatError{Offset: s.off, Index: s.index, Reason: fmt.Sprintf(format, args...), Torn: torn}
}

// next reads the next frame into f. It returns io.EOF after the last frame.
// A FormatError with Torn set means the rest of the file is an incomplete
// frame (or zero fill), as an interrupted append leaves it.
func (s *scanner) next(f *scanned) error {
	if s.off == s.size {
		return io.EOF
	}
	remaining := s.size - s.off
	tag, err := s.br.ReadByte()
	if err != nil {
		return s.ioErr(err)
	}
	if tag&^3 != frameTag {
		if tag == 0 && zeroFrom(s.r, s.off, s.size) {
			return s.fail(true, "the last %d bytes of the file are zero", remaining)
		}
		return s.fail(false, "frame tag 0x%02x is not F4..F7", tag)
	}
	w := tag & 3
	if remaining < 1+1<<w {
		return s.fail(true, "file ends inside the frame length")
	}
	var lb [8]byte
	if _, err := io.ReadFull(s.br, lb[:1<<w]); err != nil {
		return s.ioErr(err)
	}
	n := readLength(lb[:], w)
	total := frameSize(n, w)
	if n > MaxFrameSize || total > uint64(remaining) {
		if total > uint64(remaining) || n > uint64(remaining) {
			return s.fail(true, "frame declares %d bytes of content, only %d bytes remain in the file", n, remaining)
		}
		return s.fail(false, "frame declares %d bytes, limit is %d", n, uint64(MaxFrameSize))
	}
	f.offset, f.end = s.off, s.off+int64(total)
	if err := s.readRecords(f, n, s.off+1+int64(1)<<w); err != nil {
		return err
	}
	var rt [9]byte
	if _, err := io.ReadFull(s.br, rt[:1+1<<w]); err != nil {
		return s.ioErr(err)
	}
	btag := append([]byte{tag}, lb[:1<<w]...)
	if err := checkReverseTag(btag, rt[:1+1<<w]); err != nil {
		return s.fail(false, "%v", err)
	}
	s.off = f.end
	s.index++
	return nil
}

// readRecords reads the n bytes of frame content starting at file offset
// base: a header record, a payload record and an optional trailer record.
func (s *scanner) readRecords(f *scanned, n uint64, base int64) error {
	f.header, f.trailer = nil, nil
	s.h.Reset()
	var pos uint64
	count := 0
	for pos < n {
		if count == 3 {
			return s.fail(false, "unexpected data after the trailer record at offset %d", base+int64(pos))
		}
		tag, err := s.br.ReadByte()
		if err != nil {
			return s.ioErr(err)
		}
		if tag&^3 != recordTag {
			return s.fail(false, "record tag 0x%02x at offset %d is not F0..F3", tag, base+int64(pos))
		}
		w := tag & 3
		if n-pos < 1+1<<w {
			return s.fail(false, "record length at offset %d runs past the end of the frame", base+int64(pos))
		}
		var lb [8]byte
		if _, err := io.ReadFull(s.br, lb[:1<<w]); err != nil {
			return s.ioErr(err)
		}
		l := readLength(lb[:], w)
		at := base + int64(pos)
		pos += 1 + 1<<w
		if l > n-pos {
			return s.fail(false, "record at offset %d declares %d bytes, only %d remain in the frame", at, l, n-pos)
		}
		switch count {
		case 0:
			if l > MaxHeaderSize {
				return s.fail(false, "header record at offset %d has %d bytes, limit is %d", at, l, MaxHeaderSize)
			}
			s.hdr, err = s.readInto(s.hdr, l)
			f.header = s.hdr
		case 1:
			err = s.hashPayload(l)
		case 2:
			if l > MaxTrailerSize {
				return s.fail(false, "trailer record at offset %d has %d bytes, limit is %d", at, l, MaxTrailerSize)
			}
			s.trl, err = s.readInto(s.trl, l)
			f.trailer = s.trl
		}
		if err != nil {
			return s.ioErr(err)
		}
		pos += l
		count++
	}
	if count < 2 {
		return s.fail(false, "frame has %d records, want 2 or 3", count)
	}
	s.h.Sum(f.digest[:0])
	return nil
}

func (s *scanner) readInto(buf []byte, l uint64) ([]byte, error) {
	if uint64(cap(buf)) < l {
		buf = make([]byte, l)
	}
	buf = buf[:l]
	_, err := io.ReadFull(s.br, buf)
	return buf, err
}

// hashPayload streams l payload bytes through the digest without copying.
func (s *scanner) hashPayload(l uint64) error {
	for l > 0 {
		b, err := s.br.Peek(int(min(l, uint64(s.br.Size()))))
		if len(b) == 0 && err != nil {
			return err
		}
		s.h.Write(b)
		if _, err := s.br.Discard(len(b)); err != nil {
			return err
		}
		l -= uint64(len(b))
	}
	return nil
}

func (s *scanner) ioErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return s.fail(true, "file ends inside the frame (%d bytes from its start)", s.size-s.off)
	}
	return fmt.Errorf("sequence: reading frame %d at offset %d: %w", s.index, s.off, err)
}
