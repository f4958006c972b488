package profile

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// ContentTypeObject is the ContentMeta content type of every enveloped Mesh
// object (schema.md §1, §9.6).
const ContentTypeObject = "application/mmm/object"

// Object is a Mesh object that travels as the tagged JSON payload of a DARE
// envelope (schema.md §1). Tag returns the type tag, e.g. "ProfileDevice".
type Object interface {
	Tag() string
}

// SealOptions say how Seal envelopes an object (schema.md §1,
// MeshItem.Envelope).
type SealOptions struct {
	// Signers sign the envelope (pure EdDSA, dare.md §7.3).
	Signers []keys.Signer
	// Recipients are the keys the envelope is encrypted to; none leaves the
	// payload in the clear.
	Recipients []keys.PublicKey
	// UniqueID is ContentMeta.UniqueId: the object's primary key.
	UniqueID string
	// EnvelopeID is the header's EnvelopeId.
	EnvelopeID string
	// Event, First and Previous are the catalog fields of ContentMeta
	// (dare.md §9.2); empty for objects that are not catalog entries.
	Event           string
	First, Previous int64
	// Created is ContentMeta.Created; the zero time means now.
	Created time.Time
	// Rand is the randomness for encryption; nil means crypto/rand.
	Rand io.Reader
}

// Seal returns obj as a DARE envelope in the JSON array form (dare.md §2.1)
// whose payload is the tagged JSON {"<Tag>": {...}} and whose ContentMeta
// names the type (schema.md §1): cty "application/mmm/object", MessageType
// the tag, UniqueId and Created.
func Seal(obj Object, opts *SealOptions) ([]byte, error) {
	if opts == nil {
		opts = &SealOptions{}
	}
	payload, err := jsonb.MarshalTagged(obj.Tag(), obj, jsonb.JSON)
	if err != nil {
		return nil, fmt.Errorf("profile: encoding %s: %w", obj.Tag(), err)
	}
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	created = created.UTC().Truncate(time.Second)
	meta := &dare.ContentMeta{
		UniqueID:    opts.UniqueID,
		MessageType: obj.Tag(),
		ContentType: ContentTypeObject,
		Event:       opts.Event,
		First:       opts.First,
		Previous:    opts.Previous,
		Created:     &created,
	}
	env, err := dare.Seal(payload, &dare.EncodeOptions{
		Recipients:  opts.Recipients,
		Signers:     opts.Signers,
		ContentMeta: meta,
		Header:      &dare.Header{EnvelopeID: opts.EnvelopeID},
		Rand:        opts.Rand,
	})
	if err != nil {
		return nil, fmt.Errorf("profile: enveloping %s: %w", obj.Tag(), err)
	}
	return env, nil
}

// Opened is an envelope opened by Open: the type tag of its payload, the
// tagged object's inner JSON and what the DARE layer checked.
type Opened struct {
	Tag    string
	Inner  jsonb.Raw
	Result *dare.Result
}

// ErrNotSigned reports an envelope that carries no signature that verifies
// under the key it must be signed with.
var ErrNotSigned = errors.New("profile: envelope is not signed by the expected key")

// Open opens an enveloped Mesh object of at most MaxEnvelopeSize bytes with
// the keys of ring (nil: no keys, for unencrypted envelopes) and splits the
// tagged payload. Every DARE check (digest, envelope tag, signatures under
// ring.Trusted) has passed when it returns nil; whether a trusted signature
// was found is Result.Signed.
func Open(env []byte, ring *dare.Keyring) (*Opened, error) {
	return openLimit(env, ring, MaxEnvelopeSize)
}

func openLimit(env []byte, ring *dare.Keyring, limit int) (*Opened, error) {
	if len(env) == 0 {
		return nil, errors.New("profile: empty envelope")
	}
	if len(env) > limit {
		return nil, fmt.Errorf("profile: envelope of %d bytes exceeds the limit of %d", len(env), limit)
	}
	if ring == nil {
		ring = &dare.Keyring{}
	}
	payload, res, err := dare.Open(env, ring)
	if err != nil {
		return nil, fmt.Errorf("profile: opening envelope: %w", err)
	}
	tag, inner, err := jsonb.ReadTag(payload)
	if err != nil {
		return nil, fmt.Errorf("profile: envelope payload is not a tagged object: %w", err)
	}
	if res.ContentMeta != nil && res.ContentMeta.MessageType != "" && res.ContentMeta.MessageType != tag {
		return nil, fmt.Errorf("profile: envelope ContentMeta names type %q but the payload is %q", res.ContentMeta.MessageType, tag)
	}
	return &Opened{Tag: tag, Inner: inner, Result: res}, nil
}

// Decode unmarshals the opened payload into v after checking that its tag
// is want.
func (o *Opened) Decode(want string, v any) error {
	if o.Tag != want {
		return fmt.Errorf("profile: envelope holds %q, want %q", o.Tag, want)
	}
	if err := jsonb.Unmarshal(o.Inner, v); err != nil {
		return fmt.Errorf("profile: decoding %s: %w", want, err)
	}
	return nil
}

// OpenAs opens env with ring and decodes its payload, which must be tagged
// want, into v.
func OpenAs(env []byte, ring *dare.Keyring, want string, v any) (*dare.Result, error) {
	o, err := Open(env, ring)
	if err != nil {
		return nil, err
	}
	return o.Result, o.Decode(want, v)
}

// OpenSigned is OpenAs for an object that must carry a signature verified
// under signer (e.g. the account's AdministratorSignature key).
func OpenSigned(env []byte, ring *dare.Keyring, signer keys.PublicKey, want string, v any) error {
	r := dare.Keyring{Trusted: []keys.PublicKey{signer}}
	if ring != nil {
		r.Private, r.Symmetric = ring.Private, ring.Symmetric
	}
	res, err := OpenAs(env, &r, want, v)
	if err != nil {
		return err
	}
	if !res.Signed {
		return fmt.Errorf("%w: %s must be signed by %s", ErrNotSigned, want, signer.Fingerprint())
	}
	return nil
}
