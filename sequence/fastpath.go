package sequence

import (
	"bytes"
	"encoding/base64"
	"strconv"
)

// This file is a fast path for the records of plaintext data frames, which
// dominate the cost of appending and verifying (docs/sequence.md §6). It
// writes exactly the bytes jsonb.Marshal writes for the same dare.Header and
// dare.Trailer (TestFastPathMatchesMarshal), and on read accepts only
// records of exactly that shape holding exactly the expected values; any
// other record goes through the full parser. The shapes are:
//
//	{["dig":"S512",]"ContentMetaData":"<base64url>","SequenceInfo":{"Index":<i>[,"TreePosition":<p>]}}
//	{"PayloadDigest":"<base64url>"[,"ChainDigest"|"TreeDigest":"<base64url>"]}
//
// Both consist only of fixed JSON text and base64url characters, so a
// record matching them is valid JSON whose parse yields those values
// (FuzzFastPath checks this against the full parser).

var b64 = base64.RawURLEncoding

const (
	fhDig     = `{"dig":"S512","ContentMetaData":"`
	fhNoDig   = `{"ContentMetaData":"`
	fhInfo    = `","SequenceInfo":{"Index":`
	fhTreePos = `,"TreePosition":`
	fhEnd     = `}}`
	ftPD      = `{"PayloadDigest":"`
	ftChain   = `","ChainDigest":"`
	ftTree    = `","TreeDigest":"`
	ftEnd     = `"}`
	digestB64 = 86 // base64url length of a 64-byte digest (PayloadDigest, ChainDigest)
	treeB64   = 43 // base64url length of a 32-byte tree digest (merkle.HashSize)
)

// appendFastHeader appends a data-frame header of the fast-path shape.
// treePos < 0 leaves TreePosition out.
func appendFastHeader(dst []byte, dig bool, meta []byte, index, treePos int64) []byte {
	if dig {
		dst = append(dst, fhDig...)
	} else {
		dst = append(dst, fhNoDig...)
	}
	dst = b64.AppendEncode(dst, meta)
	dst = append(dst, fhInfo...)
	dst = strconv.AppendInt(dst, index, 10)
	if treePos >= 0 {
		dst = append(dst, fhTreePos...)
		dst = strconv.AppendInt(dst, treePos, 10)
	}
	return append(dst, fhEnd...)
}

// appendFastTrailer appends a trailer of the fast-path shape. link is the
// chain or tree digest (nil for none); tree says which.
func appendFastTrailer(dst, pd, link []byte, tree bool) []byte {
	dst = append(dst, ftPD...)
	dst = b64.AppendEncode(dst, pd)
	if link != nil {
		if tree {
			dst = append(dst, ftTree...)
		} else {
			dst = append(dst, ftChain...)
		}
		dst = b64.AppendEncode(dst, link)
	}
	return append(dst, ftEnd...)
}

// matchFastHeader reports whether b is a fast-path header with the given
// Index and TreePosition (treePos < 0: absent).
func matchFastHeader(b []byte, index, treePos int64) bool {
	switch {
	case bytes.HasPrefix(b, []byte(fhDig)):
		b = b[len(fhDig):]
	case bytes.HasPrefix(b, []byte(fhNoDig)):
		b = b[len(fhNoDig):]
	default:
		return false
	}
	n := 0
	for n < len(b) && isB64URL(b[n]) {
		n++
	}
	var buf [256]byte
	if n == 0 || n > len(buf)*4/3 {
		return false
	}
	if _, err := b64.Strict().Decode(buf[:], b[:n]); err != nil {
		return false
	}
	var want [96]byte
	tail := append(want[:0], fhInfo...)
	tail = strconv.AppendInt(tail, index, 10)
	if treePos >= 0 {
		tail = append(tail, fhTreePos...)
		tail = strconv.AppendInt(tail, treePos, 10)
	}
	tail = append(tail, fhEnd...)
	return bytes.Equal(b[n:], tail)
}

// matchFastTrailer reports whether b is a fast-path trailer holding pd,
// and returns its chain or tree digest (nil if absent). tree says which
// field name is expected.
func matchFastTrailer(b, pd []byte, tree bool) ([]byte, bool) {
	var want [len(ftPD) + digestB64]byte
	head := append(want[:0], ftPD...)
	head = b64.AppendEncode(head, pd)
	if !bytes.HasPrefix(b, head) {
		return nil, false
	}
	b = b[len(head):]
	if bytes.Equal(b, []byte(ftEnd)) {
		return nil, true
	}
	name, size := ftChain, digestB64
	if tree {
		name, size = ftTree, treeB64
	}
	if len(b) != len(name)+size+len(ftEnd) || !bytes.HasPrefix(b, []byte(name)) || !bytes.HasSuffix(b, []byte(ftEnd)) {
		return nil, false
	}
	link := make([]byte, b64.DecodedLen(size))
	if _, err := b64.Strict().Decode(link, b[len(name):len(name)+size]); err != nil {
		return nil, false
	}
	return link, true
}

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}
