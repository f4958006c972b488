package sequence

import (
	"encoding/binary"
	"fmt"

	"github.com/mathmesh/mesh/internal/tagwidth"
)

// JBCD frame and record tags (dare.md §8.1, jsonbcd.md §8). The low two bits
// select the width of the big-endian length: 1, 2, 4 or 8 bytes.
const (
	recordTag = 0xF0 // F0..F3: one-way record
	frameTag  = 0xF4 // F4..F7: two-way frame
)

// appendTag appends base+w followed by n in 1<<w big-endian bytes.
func appendTag(dst []byte, base byte, n uint64) []byte {
	w := tagwidth.Code(n)
	dst = append(dst, base+w)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return append(dst, b[8-(1<<w):]...)
}

// appendReverseTag appends the frame tag for n with its bytes in reverse
// order (RTAG, dare.md §8.1): length least-significant byte first, then the
// tag byte.
func appendReverseTag(dst []byte, n uint64) []byte {
	start := len(dst)
	dst = appendTag(dst, frameTag, n)
	t := dst[start:]
	for i, j := 0, len(t)-1; i < j; i, j = i+1, j-1 {
		t[i], t[j] = t[j], t[i]
	}
	return dst
}

// recordSize is the encoded size of a record holding n bytes.
func recordSize(n int) uint64 {
	return 1 + 1<<tagwidth.Code(uint64(n)) + uint64(n)
}

// frameSize is the encoded size of a frame whose content is n bytes and
// whose length fields are 1<<w bytes wide.
func frameSize(n uint64, w byte) uint64 {
	return 2 + 2<<w + n
}

// appendFrame appends one frame whose content is the given records
// (dare.md §8.1): BTAG(n) record... RTAG(n). Every record is written, even
// an empty one (F0 00); callers leave out a trailer by not passing it.
func appendFrame(dst []byte, records ...[]byte) []byte {
	var n uint64
	for _, r := range records {
		n += recordSize(len(r))
	}
	dst = appendTag(dst, frameTag, n)
	for _, r := range records {
		dst = appendTag(dst, recordTag, uint64(len(r)))
		dst = append(dst, r...)
	}
	return appendReverseTag(dst, n)
}

// readLength decodes a big-endian length of 1<<w bytes from b.
func readLength(b []byte, w byte) uint64 {
	var v uint64
	for _, c := range b[:1<<w] {
		v = v<<8 | uint64(c)
	}
	return v
}

// records holds the records of one frame. A zero-length record is treated
// as absent (dare.md §8.1).
type records struct {
	header, payload, trailer []byte
	count                    int // records present in the frame (2 or 3)
}

// splitRecords parses frame content into its 2 or 3 records (dare.md §8.1:
// readers accept 2 or 3). base is the file offset of content, for errors.
func splitRecords(content []byte, base int64) (records, error) {
	var rs [3][]byte
	pos := 0
	n := 0
	for pos < len(content) {
		if n == 3 {
			return records{}, fmt.Errorf("unexpected data after the trailer record at offset %d", base+int64(pos))
		}
		tag := content[pos]
		if tag&^3 != recordTag {
			return records{}, fmt.Errorf("record tag 0x%02x at offset %d is not F0..F3", tag, base+int64(pos))
		}
		w := tag & 3
		if len(content)-pos-1 < 1<<w {
			return records{}, fmt.Errorf("record length at offset %d runs past the end of the frame", base+int64(pos))
		}
		l := readLength(content[pos+1:], w)
		pos += 1 + 1<<w
		if l > uint64(len(content)-pos) {
			return records{}, fmt.Errorf("record at offset %d declares %d bytes, only %d remain in the frame",
				base+int64(pos)-1-(1<<w), l, len(content)-pos)
		}
		rs[n] = content[pos : pos+int(l)]
		pos += int(l)
		n++
	}
	if n < 2 {
		return records{}, fmt.Errorf("frame at offset %d has %d records, want 2 or 3", base, n)
	}
	return records{header: rs[0], payload: rs[1], trailer: rs[2], count: n}, nil
}
