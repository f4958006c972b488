package sequence

import (
	"fmt"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
)

// Values written in frame headers (dare.md §8.2, §3).
const (
	dataEncodingJSON = "JSON"
	digestS512       = "S512"
)

// recordLimits bounds the JSON / JSON-B decoding of a header or trailer
// record; the record size itself is checked before (MaxHeaderSize,
// MaxTrailerSize).
var recordLimits = jsonb.Limits{MaxBytes: MaxHeaderSize, MaxDepth: 16}

// parseHeader decodes a header record (JSON or JSON-B, dare.md §8.2:
// readers accept both).
func parseHeader(b []byte) (*dare.Header, error) {
	var h dare.Header
	if len(b) == 0 {
		return nil, fmt.Errorf("header record is empty")
	}
	if err := jsonb.UnmarshalLimits(b, &h, recordLimits); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	return &h, nil
}

// parseTrailer decodes a trailer record; an empty record means no trailer.
func parseTrailer(b []byte) (*dare.Trailer, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var t dare.Trailer
	if err := jsonb.UnmarshalLimits(b, &t, recordLimits); err != nil {
		return nil, fmt.Errorf("trailer: %w", err)
	}
	return &t, nil
}

// encodeContentMeta returns the ContentMetaData bytes for m: compact JSON,
// untagged (dare.md §2.5). A nil m gives "{}".
func encodeContentMeta(m *dare.ContentMeta) ([]byte, error) {
	if m == nil {
		m = &dare.ContentMeta{}
	}
	b, err := jsonb.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("sequence: encoding content metadata: %w", err)
	}
	if len(b) > dare.MaxContentMetaSize {
		return nil, fmt.Errorf("sequence: content metadata has %d bytes, limit is %d", len(b), dare.MaxContentMetaSize)
	}
	return b, nil
}

// DecodeContentMeta parses a header's ContentMetaData. An absent value gives
// a zero ContentMeta.
func DecodeContentMeta(h *dare.Header) (*dare.ContentMeta, error) {
	var m dare.ContentMeta
	if h == nil || len(h.ContentMetaData) == 0 {
		return &m, nil
	}
	if len(h.ContentMetaData) > dare.MaxContentMetaSize {
		return nil, fmt.Errorf("sequence: content metadata has %d bytes, limit is %d", len(h.ContentMetaData), dare.MaxContentMetaSize)
	}
	if err := jsonb.UnmarshalLimits(h.ContentMetaData, &m, recordLimits); err != nil {
		return nil, fmt.Errorf("sequence: content metadata: %w", err)
	}
	return &m, nil
}

// payloadDigestOf returns a frame's PayloadDigest: from the trailer
// (streamed path) or else from the header (envelope-append path, dare.md
// §8.8).
func payloadDigestOf(h *dare.Header, t *dare.Trailer) []byte {
	if t != nil && t.PayloadDigest != nil {
		return t.PayloadDigest
	}
	return h.PayloadDigest
}

// chainDigestOf returns a frame's ChainDigest, trailer first.
func chainDigestOf(h *dare.Header, t *dare.Trailer) []byte {
	if t != nil && t.ChainDigest != nil {
		return t.ChainDigest
	}
	return h.ChainDigest
}

// treeDigestOf returns a frame's TreeDigest ([REF-2024]: ApexDigest),
// trailer first.
func treeDigestOf(h *dare.Header, t *dare.Trailer) []byte {
	if t != nil {
		if t.TreeDigest != nil {
			return t.TreeDigest
		}
		if t.ApexDigest != nil {
			return t.ApexDigest
		}
	}
	if h.TreeDigest != nil {
		return h.TreeDigest
	}
	return h.ApexDigest
}

func int64p(v int64) *int64 { return &v }
