package spool

import (
	"crypto/rand"
	"fmt"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// Seal envelopes a message (schema.md §9.1): if MessageId is empty it is
// set to a fresh 128-bit nonce; ContentMeta.UniqueId is the MessageId and
// the header's EnvelopeId is udf.EnvelopeID(MessageId). opts (may be nil)
// gives the signers and recipients; its UniqueID and EnvelopeID are set
// here. The envelope must fit in MaxMessageSize.
func Seal(msg Any, opts *profile.SealOptions) ([]byte, error) {
	o := profile.SealOptions{}
	if opts != nil {
		o = *opts
	}
	b := msg.Base()
	if b.MessageId == "" {
		r := o.Rand
		if r == nil {
			r = rand.Reader
		}
		id, err := udf.Nonce(r, 128)
		if err != nil {
			return nil, fmt.Errorf("spool: message id: %w", err)
		}
		b.MessageId = id
	}
	eid, err := udf.EnvelopeID(b.MessageId)
	if err != nil {
		return nil, fmt.Errorf("spool: %s MessageId %q: %w", msg.Tag(), b.MessageId, err)
	}
	o.UniqueID, o.EnvelopeID = b.MessageId, eid
	env, err := profile.Seal(msg, &o)
	if err != nil {
		return nil, err
	}
	if len(env) > MaxMessageSize {
		return nil, fmt.Errorf("spool: %s envelope of %d bytes exceeds the message limit of %d", msg.Tag(), len(env), MaxMessageSize)
	}
	return env, nil
}

// Open opens a message envelope of at most MaxMessageSize bytes with ring
// and decodes it. It checks that the header's EnvelopeId, if present, is
// udf.EnvelopeID of the payload's MessageId. Whether a trusted signature
// verified is in the returned Result.
func Open(env []byte, ring *dare.Keyring) (Any, *dare.Result, error) {
	if len(env) > MaxMessageSize {
		return nil, nil, fmt.Errorf("spool: message envelope of %d bytes exceeds the limit of %d", len(env), MaxMessageSize)
	}
	o, err := profile.Open(env, ring)
	if err != nil {
		return nil, nil, err
	}
	msg, ok := newMessage(o.Tag)
	if !ok {
		return nil, nil, fmt.Errorf("spool: unknown message type %q", o.Tag)
	}
	if err := jsonb.UnmarshalLimits(o.Inner, msg, jsonb.Limits{MaxBytes: MaxMessageSize}); err != nil {
		return nil, nil, fmt.Errorf("spool: decoding %s: %w", o.Tag, err)
	}
	if err := validate(msg); err != nil {
		return nil, nil, err
	}
	if eid := o.Result.Header.EnvelopeID; eid != "" {
		want, err := udf.EnvelopeID(msg.Base().MessageId)
		if err != nil {
			return nil, nil, fmt.Errorf("spool: %s MessageId %q: %w", o.Tag, msg.Base().MessageId, err)
		}
		if !udf.Equal(eid, want) {
			return nil, nil, fmt.Errorf("spool: %s envelope id %q is not the id %q of its MessageId", o.Tag, eid, want)
		}
	}
	return msg, o.Result, nil
}

// validate checks the fields every reader relies on.
func validate(msg Any) error {
	if msg.Base().MessageId == "" {
		return fmt.Errorf("spool: %s has no MessageId", msg.Tag())
	}
	if mc, ok := msg.(*MessageComplete); ok {
		if len(mc.References) > MaxReferences {
			return fmt.Errorf("spool: MessageComplete has %d references, limit is %d", len(mc.References), MaxReferences)
		}
		for i, r := range mc.References {
			if r.MessageId == "" {
				return fmt.Errorf("spool: MessageComplete reference %d has no MessageId", i)
			}
		}
	}
	return nil
}

// Complete returns a MessageComplete marking each of messageIDs with
// relationship (schema.md §8; e.g. RelationshipClosed). ResponseId is filled
// with udf.ResponseID of each id.
func Complete(relationship string, messageIDs ...string) (*MessageComplete, error) {
	if len(messageIDs) == 0 || len(messageIDs) > MaxReferences {
		return nil, fmt.Errorf("spool: MessageComplete needs 1 to %d references, got %d", MaxReferences, len(messageIDs))
	}
	mc := &MessageComplete{}
	for _, id := range messageIDs {
		rid, err := udf.ResponseID(id)
		if err != nil {
			return nil, fmt.Errorf("spool: MessageId %q: %w", id, err)
		}
		mc.References = append(mc.References, Reference{MessageId: id, ResponseId: rid, Relationship: relationship})
	}
	return mc, nil
}
