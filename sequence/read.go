package sequence

import (
	"fmt"
	"io"
)

// readFrameAt reads the frame starting at off in a file of size bytes and
// returns its content (the records) and the offset just past its reverse
// tag. It checks the forward tag, the declared length against the file size
// and MaxFrameSize, and that the reverse tag mirrors the forward one
// (dare.md §8.1, checked fully unlike [REF]).
func readFrameAt(r io.ReaderAt, off, size, index int64) ([]byte, int64, error) {
	ferr := func(torn bool, format string, args ...any) error {
		return &FormatError{Offset: off, Index: index, Reason: fmt.Sprintf(format, args...), Torn: torn}
	}
	var head [9]byte
	avail := size - off
	if avail <= 0 {
		return nil, 0, ferr(false, "offset is at or past the end of the file (%d bytes)", size)
	}
	h := head[:min(int64(len(head)), avail)]
	if _, err := r.ReadAt(h, off); err != nil && err != io.EOF {
		return nil, 0, fmt.Errorf("sequence: reading frame at offset %d: %w", off, err)
	}
	if h[0]&^3 != frameTag {
		return nil, 0, ferr(false, "frame tag 0x%02x is not F4..F7", h[0])
	}
	w := h[0] & 3
	if len(h) < 1+1<<w {
		return nil, 0, ferr(true, "file ends inside the frame length")
	}
	n := readLength(h[1:], w)
	if n > MaxFrameSize {
		return nil, 0, ferr(n > uint64(avail), "frame declares %d bytes, limit is %d", n, uint64(MaxFrameSize))
	}
	total := frameSize(n, w)
	if total > uint64(avail) {
		return nil, 0, ferr(true, "frame declares %d bytes of content, only %d bytes remain in the file", n, avail)
	}
	buf := make([]byte, total)
	if _, err := r.ReadAt(buf, off); err != nil && !(err == io.EOF && uint64(len(buf)) == total) {
		return nil, 0, fmt.Errorf("sequence: reading frame at offset %d: %w", off, err)
	}
	hl := 1 + 1<<w
	if err := checkReverseTag(buf[:hl], buf[uint64(hl)+n:]); err != nil {
		return nil, 0, ferr(false, "%v", err)
	}
	return buf[hl : uint64(hl)+n], off + int64(total), nil
}

// checkReverseTag checks that rtag is btag in reverse byte order.
func checkReverseTag(btag, rtag []byte) error {
	if len(btag) != len(rtag) {
		return fmt.Errorf("reverse tag has %d bytes, want %d", len(rtag), len(btag))
	}
	for i := range btag {
		if rtag[len(rtag)-1-i] != btag[i] {
			return fmt.Errorf("reverse tag % x does not mirror forward tag % x", rtag, btag)
		}
	}
	return nil
}

// frameStartBefore reads the reverse tag that ends at end and returns the
// offset where that frame starts (dare.md §8.1: reading backwards, the
// length bytes come out most-significant first).
func frameStartBefore(r io.ReaderAt, end int64) (int64, error) {
	ferr := func(format string, args ...any) error {
		return &FormatError{Offset: end, Index: -1, Reason: "reverse tag ending here: " + fmt.Sprintf(format, args...)}
	}
	var tail [9]byte
	t := tail[:min(int64(len(tail)), end)]
	if len(t) == 0 {
		return 0, ferr("no frame before offset 0")
	}
	if _, err := r.ReadAt(t, end-int64(len(t))); err != nil && err != io.EOF {
		return 0, fmt.Errorf("sequence: reading reverse tag before offset %d: %w", end, err)
	}
	tag := t[len(t)-1]
	if tag&^3 != frameTag {
		return 0, ferr("tag 0x%02x is not F4..F7", tag)
	}
	w := int(1) << (tag & 3)
	if len(t) < 1+w {
		return 0, ferr("file starts inside the reverse length")
	}
	var n uint64
	for i := 0; i < w; i++ {
		n = n<<8 | uint64(t[len(t)-2-i])
	}
	if n > MaxFrameSize {
		return 0, ferr("declares %d bytes, limit is %d", n, uint64(MaxFrameSize))
	}
	total := frameSize(n, tag&3)
	if total > uint64(end) {
		return 0, ferr("declares a frame of %d bytes, only %d bytes precede it", total, end)
	}
	return end - int64(total), nil
}
