package dare

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
)

// Authenticated mode (enc = EncA256CBCETM; docs/dare.md "Authenticated
// encryption"). The envelope tag is
//
//	EnvelopeTag = HMAC-SHA-512(mackey,
//	    tagLabel ||
//	    uint64be(len(H))  || H  ||    // header object bytes as stored
//	    PD                      ||    // SHA-512 of the stored ciphertext
//	    uint64be(len(T0)) || T0 ||    // trailer bytes without the tag member
//	    F)                            // framing, see below
//
// F binds the bytes outside the three objects: it is empty when the
// envelope is stored in three parts by someone else (Encoder/Decoder used
// directly), one byte naming the form for a standalone envelope
// (formFile...formJSONB), and for the records of a sequence frame
// (SequenceFrame, frame.go) the byte formFrame followed by the frame's
// context. So a file-form envelope cannot be re-framed as a JSON or JSON-B
// array, nor a sequence frame lifted out as a standalone or three-part
// envelope (or back), nor moved to a sequence with another context,
// without detection. H and T0 are length-prefixed and F is last, so F is
// unambiguous.
//
// where mackey = HKDF-Expand(PRK, "mac", 32) of dare.md §5 (PRK from the
// base seed and the header Salt). The tag member is always the last member
// of the stored trailer, so T0 is the stored trailer with that member (and
// its separator) cut: for JSON text the stored trailer ends in
//
//	,"EnvelopeTag":"<86 base64url characters>"}
//
// and for JSON-B in B4 0B "EnvelopeTag" 88 40 <64 bytes> 7D; in both cases
// T0 = stored[:len(stored)-len(suffix)] || "}". One SHA-512 pass over the
// body serves both the PayloadDigest and the tag.
const tagLabel = "DARE A256CBC-ETM-S512 envelope tag v1\x00"

const tagMember = "EnvelopeTag"

// ErrAuthentication reports an authenticated envelope whose tag does not
// match: its header, body or trailer was modified, or the key is wrong.
var ErrAuthentication = errors.New("dare: authentication failed: envelope tag does not match (header, body or trailer modified)")

// Framing bytes F of the tag (see above). formRecord is no byte at all.
const (
	formRecord      byte = 0    // three parts framed by the caller: F empty
	formFile        byte = 0x01 // '[' H ",\n" data-term body ",\n" T ']'
	formFileChunked byte = 0x02 // the same with canonical data-chunks (streamChunkSize)
	formJSON        byte = 0x03 // '[' H ',' '"' base64url body '"' ',' T ']'
	formJSONB       byte = 0x04 // '[' H data-term body T ']'
	formFrame       byte = 0x05 // the records of a sequence frame; F = 0x05 || context
)

// computeTag implements the construction above. ctx is the context of a
// sequence frame (form formFrame), nil otherwise.
func computeTag(macKey []byte, form byte, ctx, header, pd, t0 []byte) []byte {
	m := hmac.New(sha512.New, macKey)
	m.Write([]byte(tagLabel))
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(header)))
	m.Write(n[:])
	m.Write(header)
	m.Write(pd)
	binary.BigEndian.PutUint64(n[:], uint64(len(t0)))
	m.Write(n[:])
	m.Write(t0)
	if form != formRecord {
		m.Write([]byte{form})
		m.Write(ctx)
	}
	return m.Sum(nil)
}

// appendTag turns the serialized trailer t0 (ending in '}', with at least
// one member) into the stored trailer with the tag as its last member.
func appendTag(t0, tag []byte, binary bool) []byte {
	out := bytes.Clone(t0[:len(t0)-1])
	if binary {
		out = append(out, 0xb4, byte(len(tagMember)))
		out = append(out, tagMember...)
		out = appendJSONBItem(out, 0x88, tag)
	} else {
		out = append(out, `,"`+tagMember+`":"`...)
		out = b64.AppendEncode(out, tag)
		out = append(out, '"')
	}
	return append(out, '}')
}

// splitTag reverses appendTag: it returns T0 and the tag, or an error if
// the stored trailer does not end with a tag member in canonical form.
func splitTag(stored []byte) (t0, tag []byte, err error) {
	jsonSuffix := len(`,"`+tagMember+`":"`) + b64.EncodedLen(tagSize) + len(`"}`)
	binSuffix := 2 + len(tagMember) + 2 + tagSize + 1
	switch {
	case len(stored) > binSuffix && bytes.HasPrefix(stored[len(stored)-binSuffix:], []byte{0xb4, byte(len(tagMember))}):
		s := stored[len(stored)-binSuffix:]
		if string(s[2:2+len(tagMember)]) != tagMember || s[2+len(tagMember)] != 0x88 ||
			s[3+len(tagMember)] != tagSize || s[len(s)-1] != '}' {
			break
		}
		tag = s[4+len(tagMember) : 4+len(tagMember)+tagSize]
		return append(bytes.Clone(stored[:len(stored)-binSuffix]), '}'), bytes.Clone(tag), nil
	case len(stored) > jsonSuffix:
		s := stored[len(stored)-jsonSuffix:]
		head := `,"` + tagMember + `":"`
		if string(s[:len(head)]) != head || string(s[len(s)-2:]) != `"}` {
			break
		}
		enc := s[len(head) : len(s)-2]
		tag, err := b64.Strict().DecodeString(string(enc))
		if err != nil || len(tag) != tagSize {
			return nil, nil, fmt.Errorf("dare: trailer member %q is not %d bytes of canonical base64url", tagMember, tagSize)
		}
		return append(bytes.Clone(stored[:len(stored)-jsonSuffix]), '}'), tag, nil
	}
	return nil, nil, fmt.Errorf("dare: authenticated envelope: trailer does not end with the %q member", tagMember)
}
