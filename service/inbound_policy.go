package service

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// The recipient's inbound policy (protocol.md §6; docs/messaging.md §4),
// applied to every message delivered to an account of this service, by
// Post from another service or by Transact Outbound from an account here:
//
//  1. a message already in the Inbound spool (same EnvelopeId) is a replay;
//  2. a sender the account blocked (CapabilityInboundContact with Active
//     false in MMM_Access) is refused, contact requests included;
//  3. a sender on the allow-list (Active true) may send any message;
//  4. a reply — a MessageId that is the ResponseId of a message the account
//     sent (its MMM_Outbound entries are indexed by ResponseId) — is
//     accepted;
//  5. anyone may send a MessageContact, at most maxContactsPerSender per
//     sender and maxContactsPerDomain per sender domain in contactWindow;
//  6. anything else is Refused.
//
// The size limit (32 KB) was checked on the envelope already.

// admit applies the policy to one message for one recipient.
func (m *messaging) admit(ctx context.Context, to *accountInfo, sender string, msg *envelopeInfo) error {
	s := m.s
	_, _, err := s.store.Find(ctx, to.rec.ProfileUDF, protocol.SpoolInbound, msg.envelopeID)
	switch {
	case err == nil:
		return refuse(protocol.StatusRefused, "message %s was already delivered to %s (replay)", truncate(msg.meta.UniqueID), to.address)
	case !errors.Is(err, store.ErrNotFound):
		return internal(err)
	}
	c, err := s.access.lookup(ctx, to.rec.ProfileUDF, catalog.InboundContactID(sender))
	if err != nil {
		return internal(err)
	}
	if c != nil && c.CapabilityInboundContact != nil {
		if !c.CapabilityInboundContact.Active {
			return refuse(protocol.StatusRefused, "%s has blocked messages from %s", to.address, truncate(sender))
		}
		return nil
	}
	if ok, err := m.isReply(ctx, to, msg); err != nil || ok {
		return err
	}
	if msg.meta.MessageType != spool.TagMessageContact {
		return refuse(protocol.StatusRefused, "%s is not a contact of %s: only a contact request (MessageContact) is accepted, not %s",
			truncate(sender), to.address, truncate(msg.meta.MessageType))
	}
	if !m.limiter.allow(to.rec.ProfileUDF, sender, s.now()) {
		return refuse(protocol.StatusRefused, "too many contact requests from %s to %s; try again later", truncate(sender), to.address)
	}
	return nil
}

// isReply reports whether msg's MessageId is the ResponseId of a message
// the account sent.
func (m *messaging) isReply(ctx context.Context, to *accountInfo, msg *envelopeInfo) (bool, error) {
	id, err := udf.Canonical(msg.meta.UniqueID)
	if err != nil || msg.meta.UniqueID == "" {
		return false, nil
	}
	_, _, err = m.s.store.Find(ctx, to.rec.ProfileUDF, protocol.SpoolOutbound, responseKey(id))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	}
	return false, internal(err)
}

// responseKey is the index key under which an outbound message is found by
// the ResponseId a reply to it carries.
func responseKey(responseID string) string { return "response:" + responseID }

// contactLimiter counts the contact requests from strangers per
// (recipient, sender) and per (recipient, sender domain) in fixed windows.
type contactLimiter struct {
	mu     sync.Mutex
	counts *lru[string, *contactWindowCount]
}

type contactWindowCount struct {
	start time.Time
	n     int
}

func newContactLimiter() *contactLimiter {
	return &contactLimiter{counts: newLRU[string, *contactWindowCount](contactLimiterSize)}
}

// allow counts one request and reports whether it is within both limits.
func (l *contactLimiter) allow(recipient, sender string, now time.Time) bool {
	// Addresses are case-insensitive: "Bob@" and "bob@" are one sender.
	sender = strings.ToLower(strings.TrimSpace(sender))
	domain, _ := domainOf(sender)
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.window(recipient+"\x00"+sender, now)
	d := l.window(recipient+"\x00@"+domain, now)
	if a.n >= maxContactsPerSender || d.n >= maxContactsPerDomain {
		return false
	}
	a.n++
	d.n++
	return true
}

func (l *contactLimiter) window(key string, now time.Time) *contactWindowCount {
	w, ok := l.counts.get(key)
	if !ok || now.Sub(w.start) >= contactWindow {
		w = &contactWindowCount{start: now}
		l.counts.put(key, w)
	}
	return w
}
