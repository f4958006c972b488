package sequence

import (
	"fmt"
	"io"
)

// PreviousFrame returns the index of the apex of the sub-tree before frame n
// ([D12] Appendix C, [REF] ContainerTree.PreviousFrame, dare.md §8.5). For
// n >= 1 the TreePosition of frame n is the byte offset of frame
// PreviousFrame(n). Values for n = 1..16: 0, 1, 1, 3, 3, 5, 3, 7, 7, 9, 7,
// 11, 11, 13, 7, 15.
func PreviousFrame(n int64) int64 {
	x2, d := n+1, int64(1)
	for x2 > 0 {
		if x2&1 == 1 {
			if x2 == 1 {
				return d/2 - 1
			}
			return n - d
		}
		d *= 2
		x2 /= 2
	}
	return 0
}

// Navigate finds the offset of frame index in a Tree or Merkle sequence of
// size bytes without an offset table, as a reader that cannot afford to
// scan the file does ([REF] binary search by index, dare.md §8.5): it starts
// at the last frame (through its reverse tag) and walks back, jumping
// through TreePosition to frame PreviousFrame(n) whenever that does not
// overshoot, else stepping to the previous frame. It returns the offset and
// the number of frames it read. Every frame it passes must carry the Index
// it is expected to have.
func Navigate(r io.ReaderAt, size, index int64) (offset int64, reads int, err error) {
	start, err := frameStartBefore(r, size)
	if err != nil {
		return 0, 0, err
	}
	cur, err := navFrame(r, start, size, -1)
	reads = 1
	for err == nil {
		n := *cur.Header.SequenceInfo.Index
		switch {
		case index < 0 || index > n:
			return 0, reads, fmt.Errorf("sequence: frame %d does not exist (the last frame is %d)", index, n)
		case n == index:
			return cur.Offset, reads, nil
		}
		if p := PreviousFrame(n); p >= index && n > 0 {
			tp := cur.Header.SequenceInfo.TreePosition
			if tp == nil || *tp < 0 || *tp >= cur.Offset {
				return 0, reads, &FormatError{Offset: cur.Offset, Index: n, Reason: "missing or invalid TreePosition"}
			}
			cur, err = navFrame(r, *tp, cur.Offset, p)
		} else {
			var prev int64
			if prev, err = frameStartBefore(r, cur.Offset); err == nil {
				cur, err = navFrame(r, prev, cur.Offset, n-1)
			}
		}
		reads++
	}
	return 0, reads, err
}

// navFrame reads the frame at off and checks that its Index is want (any
// when want < 0).
func navFrame(r io.ReaderAt, off, size, want int64) (*Frame, error) {
	f, err := readFrame(r, off, size, want)
	if err != nil {
		return nil, err
	}
	si := f.Header.SequenceInfo
	if si == nil || si.Index == nil || (want >= 0 && *si.Index != want) {
		return nil, &FormatError{Offset: off, Index: want, Reason: "frame does not carry the expected SequenceInfo.Index"}
	}
	return f, nil
}
