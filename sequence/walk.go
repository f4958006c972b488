package sequence

import (
	"bufio"
	"fmt"
	"io"
)

// walkTags finds the frame boundaries of a file by reading only the forward
// tags, skipping the content through a large buffer: the first pass of
// Open, which builds the offset table. It stops at the first frame that is
// not whole: a FormatError with Torn set means an interrupted append (the
// frame claims more bytes than the file holds, or the tail is zero fill),
// which the caller may truncate; any other FormatError is damage. The
// offsets of the whole frames before the failure are returned in every
// case. Frame
// content and reverse tags are checked by the second pass (verifier).
func walkTags(r io.ReaderAt, size int64) ([]int64, *FormatError, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), scanBufferSize)
	var offsets []int64
	for off := int64(0); off < size; {
		index := int64(len(offsets))
		fail := func(torn bool, format string, args ...any) *FormatError {
			return &FormatError{Offset: off, Index: index, Reason: fmt.Sprintf(format, args...), Torn: torn}
		}
		if index >= MaxFrames {
			return offsets, fail(false, "more than %d frames", MaxFrames), nil
		}
		remaining := size - off
		tag, err := br.ReadByte()
		if err != nil {
			return nil, nil, fmt.Errorf("sequence: reading frame %d at offset %d: %w", index, off, err)
		}
		if tag&^3 != frameTag {
			if tag == 0 && zeroFrom(r, off, size) {
				return offsets, fail(true, "the last %d bytes of the file are zero", remaining), nil
			}
			return offsets, fail(false, "frame tag 0x%02x is not F4..F7", tag), nil
		}
		w := tag & 3
		if remaining < 1+1<<w {
			return offsets, fail(true, "file ends inside the frame length"), nil
		}
		var lb [8]byte
		if _, err := io.ReadFull(br, lb[:1<<w]); err != nil {
			return nil, nil, fmt.Errorf("sequence: reading frame %d at offset %d: %w", index, off, err)
		}
		n := readLength(lb[:], w)
		total := frameSize(n, w)
		if n > uint64(remaining) || total > uint64(remaining) {
			return offsets, fail(true, "frame declares %d bytes of content, only %d bytes remain in the file", n, remaining), nil
		}
		if n > MaxFrameSize {
			return offsets, fail(false, "frame declares %d bytes, limit is %d", n, uint64(MaxFrameSize)), nil
		}
		if _, err := br.Discard(int(total) - 1 - 1<<w); err != nil {
			return nil, nil, fmt.Errorf("sequence: reading frame %d at offset %d: %w", index, off, err)
		}
		offsets = append(offsets, off)
		off += int64(total)
	}
	return offsets, nil, nil
}

// zeroFrom reports whether every byte of r in [off, size) is zero (a file
// extended but never written, as some file systems leave it after a power
// failure).
func zeroFrom(r io.ReaderAt, off, size int64) bool {
	buf := make([]byte, 64<<10)
	for off < size {
		n := min(int64(len(buf)), size-off)
		if _, err := r.ReadAt(buf[:n], off); err != nil && err != io.EOF {
			return false
		}
		for _, c := range buf[:n] {
			if c != 0 {
				return false
			}
		}
		off += n
	}
	return true
}
