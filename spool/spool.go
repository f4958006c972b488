package spool

import (
	"fmt"
	"sync"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// Item is one message envelope of a spool, indexed from its clear
// metadata.
type Item struct {
	Index      int64  // position in the spool, from 1
	EnvelopeID string // header EnvelopeId
	MessageID  string // ContentMeta.UniqueId
	Type       string // ContentMeta.MessageType
	Envelope   []byte
}

// Spool is the replayed state of one spool over a catalog.Store
// (schema.md §8): the messages in order, found by EnvelopeId or MessageId,
// and the latest relationship each MessageComplete marker gave them. It is
// safe for concurrent use.
type Spool struct {
	label string
	store catalog.Store
	ring  *dare.Keyring

	mu         sync.Mutex
	items      []*Item
	byEnvelope map[string]*Item
	byMessage  map[string]*Item
	status     map[string]string
	unreadable int
}

// Labels of the spools (schema.md §8).
var spoolLabels = map[string]bool{profile.StoreInbound: true, profile.StoreOutbound: true, profile.StoreLocal: true}

// OpenSpool replays store as spool label (MMM_Inbound, MMM_Outbound or
// MMM_Local). ring opens MessageComplete markers (and later messages); a
// marker it cannot open is counted by Unreadable and otherwise ignored.
func OpenSpool(store catalog.Store, label string, ring *dare.Keyring) (*Spool, error) {
	if !spoolLabels[label] {
		return nil, fmt.Errorf("spool: unknown spool %q", label)
	}
	if ring == nil {
		ring = &dare.Keyring{}
	}
	s := &Spool{label: label, store: store, ring: ring, byEnvelope: map[string]*Item{},
		byMessage: map[string]*Item{}, status: map[string]string{}}
	n := store.Count()
	for from := int64(1); from <= n; {
		envs, err := store.Read(from, ReadBatch)
		if err != nil {
			return nil, err
		}
		if len(envs) == 0 {
			return nil, fmt.Errorf("spool: %s store claims %d envelopes but ends at %d", label, n, from-1)
		}
		for _, env := range envs {
			if err := s.apply(from, env); err != nil {
				return nil, err
			}
			from++
		}
	}
	return s, nil
}

// apply indexes one envelope and, for a MessageComplete, records the
// relationships it gives.
func (s *Spool) apply(index int64, env []byte) error {
	if len(env) > MaxMessageSize {
		return fmt.Errorf("spool: %s envelope %d of %d bytes exceeds the limit of %d", s.label, index, len(env), MaxMessageSize)
	}
	m, err := catalog.ReadMeta(env)
	if err != nil {
		return fmt.Errorf("spool: %s envelope %d: %w", s.label, index, err)
	}
	if m.EnvelopeID == "" || m.UniqueID == "" {
		return fmt.Errorf("spool: %s envelope %d has no EnvelopeId or MessageId", s.label, index)
	}
	it := &Item{Index: index, EnvelopeID: m.EnvelopeID, MessageID: m.UniqueID, Type: m.Type, Envelope: env}
	s.items = append(s.items, it)
	s.byEnvelope[udfKey(it.EnvelopeID)] = it
	s.byMessage[udfKey(it.MessageID)] = it
	if m.Type != TagMessageComplete {
		return nil
	}
	msg, _, err := Open(env, s.ring)
	if err != nil {
		s.unreadable++
		return nil
	}
	mc, ok := msg.(*MessageComplete)
	if !ok {
		s.unreadable++
		return nil
	}
	for _, r := range mc.References {
		s.status[udfKey(r.MessageId)] = r.Relationship
	}
	return nil
}

// udfKey canonicalises identifiers so that lookups ignore letter case and
// dashes; identifiers that are not UDFs are used as they are.
func udfKey(id string) string {
	if c, err := udf.Canonical(id); err == nil {
		return c
	}
	return id
}

// Label returns the spool's label.
func (s *Spool) Label() string { return s.label }

// Count returns the number of envelopes replayed.
func (s *Spool) Count() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int64(len(s.items))
}

// Unreadable returns the number of MessageComplete markers that could not
// be opened with the spool's keys.
func (s *Spool) Unreadable() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unreadable
}

// Append stores envelopes and replays them.
func (s *Spool) Append(envs ...[]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, env := range envs {
		if len(env) > MaxMessageSize {
			return fmt.Errorf("spool: envelope %d of %d bytes exceeds the limit of %d", i, len(env), MaxMessageSize)
		}
		if _, err := catalog.ReadMeta(env); err != nil {
			return fmt.Errorf("spool: envelope %d: %w", i, err)
		}
	}
	first, err := s.store.Append(envs...)
	if err != nil {
		return err
	}
	if first != int64(len(s.items))+1 {
		return fmt.Errorf("spool: %s store appended at %d, the spool has %d envelopes: the store changed under it", s.label, first, len(s.items))
	}
	for i, env := range envs {
		if err := s.apply(first+int64(i), env); err != nil {
			return err
		}
	}
	return nil
}

// ByEnvelopeID returns the message with this EnvelopeId, or nil.
func (s *Spool) ByEnvelopeID(id string) *Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byEnvelope[udfKey(id)]
}

// ByMessageID returns the message with this MessageId, or nil; responses
// are found with udf.ResponseID of the request's id (schema.md §9.1).
func (s *Spool) ByMessageID(id string) *Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byMessage[udfKey(id)]
}

// Status returns the latest relationship a MessageComplete gave the
// message ("Closed", "Read", ...), or "" for a message never marked (the
// Initial state of schema.md §8).
func (s *Spool) Status(messageID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status[udfKey(messageID)]
}

// Items returns the messages, in order, for which keep returns true (nil:
// all). MessageComplete markers are included; filter them by Type.
func (s *Spool) Items(keep func(*Item) bool) []*Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Item
	for _, it := range s.items {
		if keep == nil || keep(it) {
			out = append(out, it)
		}
	}
	return out
}

// Open decodes an item's message with the spool's keys.
func (s *Spool) Open(it *Item) (Any, *dare.Result, error) {
	msg, res, err := Open(it.Envelope, s.ring)
	if err != nil {
		return nil, nil, fmt.Errorf("spool: %s message %d: %w", s.label, it.Index, err)
	}
	if !udf.Equal(msg.Base().MessageId, it.MessageID) {
		return nil, nil, fmt.Errorf("spool: %s message %d has MessageId %q under UniqueId %q", s.label, it.Index, msg.Base().MessageId, it.MessageID)
	}
	return msg, res, nil
}
