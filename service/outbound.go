package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// The sender's side of four-corner messaging (protocol.md §4.8, §6 item 1;
// docs/messaging.md §2): a device hands messages to its own service with
// Transact Outbound and Accounts. The service checks that the caller may
// send, that every message is signed with the account's CommonSignature
// (and, where it can read the message, that Sender and Recipient match),
// records the messages in the sender's MMM_Outbound, delivers them to
// accounts here under their inbound policy, and posts them to the other
// services. The outcome of each remote delivery is recorded in MMM_Outbound
// with a MessageComplete (Sent or Refused); a service that cannot be
// reached is retried in the background.

// messagingRoles are the roles that may send messages (schema.md §6: the
// roles granting MMM_Outbound).
var messagingRoles = map[string]bool{profile.RoleAdmin: true, profile.RoleMessage: true,
	profile.RoleWeb: true, profile.RoleThreshold: true}

// Outbound delivery results in TransactResponse entries; Pending means the
// recipient's service could not be reached yet and delivery is retried.
const resultPending = "Pending"

// outboundPlan is the outbound part of a Transact.
type outboundPlan struct {
	sender *accountInfo
	remote []*remoteDelivery
}

// remoteDelivery is one message for one account of another service.
type remoteDelivery struct {
	request int64 // index of the message in Outbound
	msg     *envelopeInfo
	address string
	domain  string
	result  string // protocol.ResultAccept, ResultReject or resultPending
	reason  string // why it was refused
}

// planOutbound checks the outbound messages and adds their record and the
// local deliveries to the plan; deliveries to other services are listed
// for sendRemote.
func (s *Service) planOutbound(ctx context.Context, plan *transactPlan, p *principal, acct *accountInfo, req *protocol.TransactRequest) error {
	infos, err := checkAll(protocol.SpoolOutbound, req.Outbound, protocol.MaxMessageBytes)
	if err != nil || len(infos) == 0 {
		return err
	}
	if len(req.Accounts) == 0 {
		return refuse(protocol.StatusBadRequest, "Outbound messages without Accounts to deliver them to")
	}
	if len(req.Accounts) > protocol.MaxEnvelopesPerRequest/len(infos) {
		return refuse(protocol.StatusTooLarge, "%d recipients for %d messages", len(req.Accounts), len(infos))
	}
	if err := s.requireMessaging(ctx, p, acct); err != nil {
		return err
	}
	if err := checkOutboundMessages(acct, infos, req.Accounts); err != nil {
		return err
	}
	record := store.Batch{Account: acct.rec.ProfileUDF, Container: protocol.SpoolOutbound}
	for _, m := range infos {
		id, err := udf.Canonical(m.meta.UniqueID)
		if err != nil {
			return refuse(protocol.StatusBadRequest, "outbound message %q: its MessageId is not a UDF", truncate(m.meta.UniqueID))
		}
		rid, err := udf.ResponseID(id)
		if err != nil {
			return refuse(protocol.StatusBadRequest, "outbound message %q: %v", truncate(id), err)
		}
		rid, _ = udf.Canonical(rid)
		record.Entries = append(record.Entries, store.Entry{Envelope: m.canon, EnvelopeID: responseKey(rid)})
		plan.entries = append(plan.entries, pendingEntry{request: int64(len(plan.entries)), batch: len(plan.batches), offset: int64(len(record.Entries) - 1)})
	}
	plan.batches = append(plan.batches, record)
	out := &outboundPlan{sender: acct}
	for _, addr := range req.Accounts {
		domain, err := domainOf(addr)
		if err != nil {
			return refuse(protocol.StatusBadRequest, "Accounts: %v", err)
		}
		if !s.servesDomain(addr) {
			for i, m := range infos {
				out.remote = append(out.remote, &remoteDelivery{request: int64(i), msg: m, address: strings.ToLower(addr), domain: domain})
			}
			continue
		}
		to, err := s.lookupAccount(ctx, addr)
		if err != nil {
			return internal(err)
		}
		if to == nil {
			return refuse(protocol.StatusNotFound, "no account %q on this service", truncate(addr))
		}
		for _, m := range infos {
			if err := s.msg.admit(ctx, to, strings.ToLower(acct.address), m); err != nil {
				return err
			}
		}
		plan.add(to.rec.ProfileUDF, protocol.SpoolInbound, nil, infos, false)
	}
	plan.outbound = out
	return nil
}

// requireMessaging refuses a connected device whose AccessCapability lists
// no role that may send messages. The account key credential may.
func (s *Service) requireMessaging(ctx context.Context, p *principal, acct *accountInfo) error {
	if p.cred.kind != protocol.CredentialConnection {
		return nil
	}
	c, err := s.access.lookup(ctx, acct.rec.ProfileUDF, p.cred.keyID)
	if err != nil {
		return internal(err)
	}
	if c != nil && c.AccessCapability != nil {
		for _, r := range c.AccessCapability.Rights {
			if messagingRoles[r] || adminRoles[r] {
				return nil
			}
		}
	}
	return refuse(protocol.StatusNotAuthorized, "this device has no role that may send messages (message, web or admin)")
}

// checkOutboundMessages checks every message is signed with the sender's
// CommonSignature and, for a message in the clear (a first contact
// request), that its Sender is the account and its Recipient one of
// accounts.
func checkOutboundMessages(acct *accountInfo, infos []*envelopeInfo, accounts []string) error {
	sig, err := messageSigner(acct)
	if err != nil {
		return err
	}
	for i, m := range infos {
		ring := &dare.Keyring{Trusted: []keys.PublicKey{sig}}
		res, err := dare.Verify(bytes.NewReader(m.canon), ring)
		if err != nil || !res.Signed {
			return refuse(protocol.StatusRefused, "Outbound message %d is not signed with the CommonSignature key of %s", i, acct.address)
		}
		if res.Encrypted {
			continue
		}
		msg, _, err := spool.Open(m.canon, ring)
		if err != nil {
			return refuse(protocol.StatusBadRequest, "Outbound message %d: %v", i, err)
		}
		b := msg.Base()
		if !strings.EqualFold(b.Sender, acct.address) {
			return refuse(protocol.StatusRefused, "Outbound message %d has Sender %q, not %s", i, truncate(b.Sender), acct.address)
		}
		if !containsFold(accounts, b.Recipient) {
			return refuse(protocol.StatusBadRequest, "Outbound message %d is for %q, which is not in Accounts", i, truncate(b.Recipient))
		}
	}
	return nil
}

// messageSigner returns the key the account's messages must be signed
// with: CommonSignature for a user, AdministratorSignature for a group
// (whose administrators send its invitations).
func messageSigner(acct *accountInfo) (keys.PublicKey, error) {
	p, err := profile.VerifyProfile(acct.rec.Profile)
	if err != nil {
		return nil, internal(err)
	}
	var kd *keys.KeyData
	switch v := p.(type) {
	case *profile.ProfileUser:
		kd = v.CommonSignature
	case *profile.ProfileGroup:
		kd = v.AdministratorSignature
	}
	if kd == nil {
		return nil, refuse(protocol.StatusRefused, "the profile of %s has no key to sign messages with", acct.address)
	}
	k, err := kd.PublicKey()
	if err != nil {
		return nil, internal(err)
	}
	return k, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// deliver makes one Post and classifies the outcome.
func (m *messaging) deliver(ctx context.Context, sender *accountInfo, d *remoteDelivery) {
	pe, err := m.peer(ctx, d.domain)
	if err != nil {
		d.result, d.reason = resultPending, err.Error()
		return
	}
	cred, err := protocol.NewServiceCredential(sender.address, m.s.id.profileEnv, m.s.id.auth)
	if err != nil {
		d.result, d.reason = protocol.ResultReject, err.Error()
		return
	}
	_, err = pe.client.Post(ctx, cred, &protocol.PostRequest{Accounts: []string{d.address}, Messages: []jsonb.Raw{d.msg.canon}})
	var pe2 *protocol.Error
	switch {
	case err == nil:
		d.result = protocol.ResultAccept
	case errors.As(err, &pe2) && pe2.Extended != protocol.StatusTimeout && pe2.Extended != protocol.StatusInternal:
		d.result, d.reason = protocol.ResultReject, fmt.Sprintf("%s: %s", pe2.Extended, pe2.Description)
	default:
		d.result, d.reason = resultPending, err.Error()
	}
	m.s.log.Info("outbound delivery", "sender", sender.address, "recipient", d.address,
		"message", d.msg.meta.UniqueID, "result", d.result, "reason", d.reason)
}

// outcomeMarkers returns the MessageComplete envelopes recording Sent and
// Refused outcomes (schema.md §8: Outbound states).
func outcomeMarkers(ds []*remoteDelivery) ([][]byte, error) {
	byRel := map[string][]string{}
	for _, d := range ds {
		switch d.result {
		case protocol.ResultAccept:
			byRel[spool.RelationshipSent] = append(byRel[spool.RelationshipSent], d.msg.meta.UniqueID)
		case protocol.ResultReject:
			byRel[spool.RelationshipRefused] = append(byRel[spool.RelationshipRefused], d.msg.meta.UniqueID)
		}
	}
	var out [][]byte
	for _, rel := range []string{spool.RelationshipSent, spool.RelationshipRefused} {
		ids := byRel[rel]
		for len(ids) > 0 {
			n := min(len(ids), spool.MaxReferences)
			mc, err := spool.Complete(rel, ids[:n]...)
			if err != nil {
				return nil, err
			}
			env, err := spool.Seal(mc, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, env)
			ids = ids[n:]
		}
	}
	return out, nil
}

// finishOutbound runs once the Transact is committed: it posts each remote
// delivery, records the outcomes in the sender's MMM_Outbound
// (MessageComplete Sent or Refused), adds them to the response, starts the
// retries of the deliveries still pending and turns refusals into the
// answer. Posting only after the commit means a Transact refused (e.g. by
// a Conflict) never sent anything.
func (s *Service) finishOutbound(ctx context.Context, plan *transactPlan, resp *protocol.TransactResponse) error {
	out := plan.outbound
	if out == nil || len(out.remote) == 0 {
		return nil
	}
	// A domain whose service cannot be reached is not tried again for the
	// other deliveries of this Transact (each attempt may take peerTimeout).
	down := map[string]string{}
	for _, d := range out.remote {
		if reason, ok := down[d.domain]; ok {
			d.result, d.reason = resultPending, reason
			continue
		}
		s.msg.deliver(ctx, out.sender, d)
		if d.result == resultPending {
			down[d.domain] = d.reason
		}
	}
	if err := s.msg.record(ctx, out.sender, out.remote); err != nil {
		return err
	}
	var refused []string
	for _, d := range out.remote {
		resp.Entries = append(resp.Entries, protocol.EntryResponse{IndexRequest: d.request, Result: d.result})
		switch d.result {
		case resultPending:
			s.msg.startRetry(out.sender, d)
		case protocol.ResultReject:
			refused = append(refused, fmt.Sprintf("%s: %s", d.address, d.reason))
		}
	}
	if len(refused) > 0 {
		return refuse(protocol.StatusRefused, "the recipient's service refused the message (%s); it is recorded as Refused in MMM_Outbound",
			strings.Join(refused, "; "))
	}
	return nil
}

// startRetry retries a pending delivery in the background, unless
// maxRetrying deliveries are being retried already: then the message stays
// Initial in MMM_Outbound, as a delivery abandoned after its last attempt.
func (m *messaging) startRetry(sender *accountInfo, d *remoteDelivery) {
	if m.retrying.Add(1) > maxRetrying {
		m.retrying.Add(-1)
		m.s.log.Warn("outbound delivery not retried: too many deliveries pending", "sender", sender.address,
			"recipient", d.address, "message", d.msg.meta.UniqueID, "limit", maxRetrying)
		return
	}
	m.retries.Add(1)
	go func() {
		defer m.retrying.Add(-1)
		m.retry(sender, d)
	}()
}

// retry posts a delivery again, with backoff, until it is accepted or
// refused or deliveryAttempts are used, and records the outcome.
func (m *messaging) retry(sender *accountInfo, d *remoteDelivery) {
	defer m.retries.Done()
	wait := deliveryBackoff
	for attempt := 1; attempt < deliveryAttempts && d.result == resultPending; attempt++ {
		time.Sleep(wait)
		wait *= 4
		m.peers.remove(d.domain)
		ctx, cancel := context.WithTimeout(context.Background(), 2*peerTimeout)
		m.deliver(ctx, sender, d)
		cancel()
	}
	if d.result == resultPending {
		m.s.log.Warn("outbound delivery abandoned", "sender", sender.address, "recipient", d.address,
			"message", d.msg.meta.UniqueID, "reason", d.reason)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), peerTimeout)
	defer cancel()
	if err := m.record(ctx, sender, []*remoteDelivery{d}); err != nil {
		m.s.log.Error("recording an outbound delivery", "sender", sender.address, "err", err)
	}
}

// record appends the MessageComplete markers of the outcomes to the
// sender's MMM_Outbound.
func (m *messaging) record(ctx context.Context, sender *accountInfo, ds []*remoteDelivery) error {
	markers, err := outcomeMarkers(ds)
	if err != nil {
		return internal(err)
	}
	if len(markers) == 0 {
		return nil
	}
	b := store.Batch{Account: sender.rec.ProfileUDF, Container: protocol.SpoolOutbound}
	for _, mk := range markers {
		b.Entries = append(b.Entries, store.Entry{Envelope: mk})
	}
	if _, err := m.s.store.Append(ctx, []store.Batch{b}); err != nil {
		return internal(err)
	}
	return nil
}
