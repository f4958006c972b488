package catalog

import (
	"fmt"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
)

// Entry is a catalog entry: a tagged Mesh object with a primary key
// (schema.md §7.2).
type Entry interface {
	profile.Object
	// PrimaryKey returns the primary key, the envelope's UniqueId.
	PrimaryKey() string
	// Validate checks the fields a catalog relies on.
	Validate() error
}

// CatalogedEntry holds the fields of every entry (schema.md §7.3).
type CatalogedEntry struct {
	Labels    []string `json:"Labels,omitempty"`
	LocalName string   `json:"LocalName,omitempty"`
	Uid       string   `json:"Uid,omitempty"`
}

// catalogTypes lists, per catalog label, the entry tags it holds and how
// to make an empty one (schema.md §7.2).
var catalogTypes = map[string]map[string]func() Entry{
	profile.StoreDevice:     {TagDevice: func() Entry { return &CatalogedDevice{} }},
	profile.StoreContact:    {TagContact: func() Entry { return &CatalogedContact{} }},
	profile.StoreCredential: {TagCredential: func() Entry { return &CatalogedCredential{} }},
	profile.StoreBookmark:   {TagBookmark: func() Entry { return &CatalogedBookmark{} }},
	profile.StoreTask:       {TagTask: func() Entry { return &CatalogedTask{} }},
	profile.StoreNetwork:    {TagNetwork: func() Entry { return &CatalogedNetwork{} }},
	profile.StoreApplication: {
		TagApplicationSsh:  func() Entry { return &CatalogedApplicationSsh{} },
		TagApplicationMail: func() Entry { return &CatalogedApplicationMail{} },
		TagGroup:           func() Entry { return &CatalogedGroup{} },
		TagCallsign:        func() Entry { return &CatalogedCallsign{} },
	},
	profile.StoreAccess:      {TagAccess: func() Entry { return &CatalogedAccess{} }},
	profile.StorePublication: {TagPublication: func() Entry { return &CatalogedPublication{} }},
	profile.StoreMember:      {TagMember: func() Entry { return &CatalogedMember{} }},
	LabelCallsign:            {TagCallsign: func() Entry { return &CatalogedCallsign{} }},
}

// LabelCallsign is the service-side registry of bound account names
// (schema.md §7.2); it is not an account catalog.
const LabelCallsign = "MMM_Callsign"

// Labels returns the labels of every catalog this package knows.
func Labels() []string {
	return []string{profile.StoreDevice, profile.StoreContact, profile.StoreCredential,
		profile.StoreBookmark, profile.StoreTask, profile.StoreNetwork, profile.StoreApplication,
		profile.StoreAccess, profile.StorePublication, profile.StoreMember, LabelCallsign}
}

// DecodeEntry decodes the tagged JSON payload of a catalog envelope that
// belongs in catalog label, and validates it.
func DecodeEntry(label string, payload []byte) (Entry, error) {
	types, ok := catalogTypes[label]
	if !ok {
		return nil, fmt.Errorf("catalog: unknown catalog %q", label)
	}
	tag, inner, err := jsonb.ReadTag(payload)
	if err != nil {
		return nil, fmt.Errorf("catalog: entry is not a tagged object: %w", err)
	}
	mk, ok := types[tag]
	if !ok {
		return nil, fmt.Errorf("catalog: a %q does not belong in %s", tag, label)
	}
	e := mk()
	if err := jsonb.UnmarshalLimits(inner, e, jsonb.Limits{MaxBytes: MaxEnvelopeSize}); err != nil {
		return nil, fmt.Errorf("catalog: decoding %s: %w", tag, err)
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

// decodeEntry opens a catalog envelope with ring and decodes its entry.
func decodeEntry(label string, env []byte, ring *dare.Keyring) (Entry, error) {
	if len(env) > MaxEnvelopeSize {
		return nil, fmt.Errorf("catalog: envelope of %d bytes exceeds the limit of %d", len(env), MaxEnvelopeSize)
	}
	payload, res, err := dare.Open(env, ring)
	if err != nil {
		return nil, fmt.Errorf("catalog: opening entry: %w", err)
	}
	e, err := DecodeEntry(label, payload)
	if err != nil {
		return nil, err
	}
	if res.ContentMeta != nil && res.ContentMeta.MessageType != e.Tag() {
		return nil, fmt.Errorf("catalog: envelope ContentMeta names type %q but holds a %s", res.ContentMeta.MessageType, e.Tag())
	}
	return e, nil
}

// sealDelete builds a Delete envelope: ContentMeta only, empty payload.
func sealDelete(opts *profile.SealOptions) ([]byte, error) {
	created := opts.Created.UTC().Truncate(1e9)
	env, err := dare.Seal(nil, &dare.EncodeOptions{
		Recipients: opts.Recipients,
		ContentMeta: &dare.ContentMeta{UniqueID: opts.UniqueID, Event: EventDelete,
			ContentType: profile.ContentTypeObject, First: opts.First, Previous: opts.Previous, Created: &created},
		Rand: opts.Rand,
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: enveloping delete: %w", err)
	}
	return env, nil
}

// required reports a missing field.
func required(tag, field, value string) error {
	if value == "" {
		return fmt.Errorf("catalog: %s field %q is required", tag, field)
	}
	if len(value) > MaxKeyLength {
		return fmt.Errorf("catalog: %s field %q has %d bytes, limit is %d", tag, field, len(value), MaxKeyLength)
	}
	return nil
}
