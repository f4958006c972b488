package catalog

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
)

// Events of a catalog envelope's ContentMeta.Event (dare.md §9.2). They are
// frozen wire values.
const (
	EventNew    = "New"
	EventUpdate = "Update"
	EventDelete = "Delete"
)

// Meta is the clear metadata of a catalog envelope: what replay needs.
type Meta struct {
	EnvelopeID string
	UniqueID   string
	Event      string
	Type       string // ContentMeta.MessageType: the entry's tag
	First      int64
	Previous   int64
}

// ReadMeta parses only the header of an envelope in the JSON array (or
// JSON-B) form `[header, body, trailer]` and returns its ContentMeta fields.
// Nothing is verified: the envelope tag covering them is checked when the
// envelope is decrypted.
func ReadMeta(env []byte) (*Meta, error) {
	if len(env) > MaxEnvelopeSize {
		return nil, fmt.Errorf("catalog: envelope of %d bytes exceeds the limit of %d", len(env), MaxEnvelopeSize)
	}
	r := jsonb.NewReader(bytes.NewReader(env), jsonb.Limits{MaxBytes: MaxEnvelopeSize})
	t, err := r.Next()
	if err != nil {
		return nil, fmt.Errorf("catalog: envelope: %w", err)
	}
	if t.Kind != jsonb.BeginArr {
		return nil, fmt.Errorf("catalog: envelope starts with %s at byte %d, want an array", t.Kind, t.Offset)
	}
	var h dare.Header
	if err := r.Decode(&h); err != nil {
		return nil, fmt.Errorf("catalog: envelope header: %w", err)
	}
	if len(h.ContentMetaData) == 0 {
		return nil, errors.New("catalog: envelope header has no ContentMetaData")
	}
	var cm dare.ContentMeta
	if err := jsonb.UnmarshalLimits(h.ContentMetaData, &cm, jsonb.Limits{MaxBytes: dare.MaxContentMetaSize}); err != nil {
		return nil, fmt.Errorf("catalog: envelope ContentMetaData: %w", err)
	}
	m := &Meta{EnvelopeID: h.EnvelopeID, UniqueID: cm.UniqueID, Event: cm.Event, Type: cm.MessageType,
		First: cm.First, Previous: cm.Previous}
	if len(m.UniqueID) > MaxKeyLength {
		return nil, fmt.Errorf("catalog: envelope UniqueId of %d bytes exceeds the limit of %d", len(m.UniqueID), MaxKeyLength)
	}
	return m, nil
}
