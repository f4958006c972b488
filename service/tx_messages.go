package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// post answers Post (protocol.md §4.9, §6; docs/messaging.md §3, §4): a
// service posts the messages of one of its accounts (Mesh-Account) with
// its service credential; this service checks that the sending service is
// the Mesh service of the sender's domain, applies each recipient's inbound
// policy and appends the messages to the recipients' MMM_Inbound. All or
// nothing: any refusal refuses the whole Post with its reason.
func (s *Service) post(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.PostRequest
	if err := decode(protocol.TxPost, inner, &req); err != nil {
		return nil, err
	}
	if len(req.Messages)*len(req.Accounts) > protocol.MaxEnvelopesPerRequest {
		return nil, refuse(protocol.StatusTooLarge, "%d messages to %d accounts, limit %d deliveries", len(req.Messages), len(req.Accounts), protocol.MaxEnvelopesPerRequest)
	}
	infos, err := checkAll("Messages", req.Messages, protocol.MaxMessageBytes)
	if err != nil {
		return nil, err
	}
	sender, err := s.msg.checkSendingService(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := checkPostedMessages(sender, infos, req.Accounts); err != nil {
		return nil, err
	}
	resp := &protocol.PostResponse{TransactResponse: protocol.TransactResponse{MeshResponse: protocol.MeshResponse{ID: req.ID}}}
	var batches []store.Batch
	for _, addr := range req.Accounts {
		to, err := s.requireAccount(ctx, addr)
		if err != nil {
			return nil, err
		}
		for _, m := range infos {
			if err := s.msg.admit(ctx, to, sender, m); err != nil {
				return nil, err
			}
			batches = append(batches, store.Batch{Account: to.rec.ProfileUDF, Container: protocol.SpoolInbound,
				Entries: []store.Entry{{Envelope: m.canon, EnvelopeID: m.envelopeID}}})
		}
	}
	if len(batches) == 0 {
		return resp, nil
	}
	first, err := s.store.Append(ctx, batches)
	if err != nil {
		return nil, internal(err)
	}
	for i := range batches {
		resp.Entries = append(resp.Entries, protocol.EntryResponse{IndexRequest: int64(i), IndexContainer: first[i], Result: protocol.ResultAccept})
	}
	return resp, nil
}

// checkPostedMessages checks what the service can read of the messages a
// peer posts for sender (docs/messaging.md §3): each message in the clear
// (a first contact request) must open as the type its ContentMeta declares,
// the one the inbound policy filters on (profile.Open), and come from sender, the
// address whose domain checkSendingService attributed to the posting
// service, and be for one of accounts. Otherwise the service of one domain
// could deliver contact requests in the name of another domain's accounts.
// Encrypted messages are checked end to end by the recipient's device.
func checkPostedMessages(sender string, infos []*envelopeInfo, accounts []string) error {
	for i, m := range infos {
		res, err := dare.Verify(bytes.NewReader(m.canon), &dare.Keyring{})
		if err != nil {
			return refuseCause(protocol.StatusBadRequest, err, "Messages[%d] is not a valid DARE envelope", i)
		}
		if res.Encrypted {
			continue
		}
		msg, _, err := spool.Open(m.canon, nil)
		if err != nil {
			return refuseCause(protocol.StatusBadRequest, err, "Messages[%d] is not a valid message of the type its ContentMeta names", i)
		}
		b := msg.Base()
		switch {
		case !strings.EqualFold(b.Sender, sender):
			return refuse(protocol.StatusRefused, "Messages[%d] has Sender %q, but the service posted it for %s", i, truncate(b.Sender), sender)
		case !containsFold(accounts, b.Recipient):
			return refuse(protocol.StatusRefused, "Messages[%d] is for %q, which is not in Accounts", i, truncate(b.Recipient))
		}
	}
	return nil
}

// claim answers Claim (protocol.md §4.10, schema.md §9.5): it finds the
// publication in the target account's Publication catalog, checks
// ServiceAuthenticate = MAC(Authenticator, Sender), files the claim in the
// target's Local spool under EnvelopeID(PublicationId) for PollClaim and
// returns the publication.
func (s *Service) claim(ctx context.Context, _ *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.ClaimRequest
	if err := decode(protocol.TxClaim, inner, &req); err != nil {
		return nil, err
	}
	info, err := checkEnvelope("EnvelopedMessageClaim", req.EnvelopedMessageClaim, protocol.MaxMessageBytes)
	if err != nil {
		return nil, err
	}
	var mc spool.MessageClaim
	if _, err := profile.OpenAs(info.canon, nil, spool.TagMessageClaim, &mc); err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "EnvelopedMessageClaim is not a valid MessageClaim envelope")
	}
	acct, err := s.requireAccount(ctx, mc.Recipient)
	if err != nil {
		return nil, err
	}
	pub, pubRaw, err := s.publication(ctx, acct, mc.PublicationId)
	if err != nil {
		return nil, err
	}
	if err := udf.VerifyClaimService(mc.Sender, pub.Authenticator, mc.ServiceAuthenticate); err != nil {
		return nil, refuseCause(protocol.StatusNotAuthorized, err, "the claim's ServiceAuthenticate does not verify")
	}
	if pub.NotOnOrAfter != nil && !s.now().Before(*pub.NotOnOrAfter) {
		return nil, refuse(protocol.StatusNotFound, "publication %s has expired", truncate(mc.PublicationId))
	}
	envID, err := udf.EnvelopeID(mc.PublicationId)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "PublicationId is not a UDF")
	}
	_, err = s.store.Append(ctx, []store.Batch{{Account: acct.rec.ProfileUDF, Container: protocol.SpoolLocal,
		Entries: []store.Entry{{Envelope: info.canon, EnvelopeID: envID}}}})
	if err != nil {
		return nil, internal(err)
	}
	return &protocol.ClaimResponse{MeshResponse: protocol.MeshResponse{ID: req.ID}, CatalogedPublication: pubRaw}, nil
}

// publication returns the current entry of the Publication catalog with
// this Id (indexed by Transact under its UniqueId), and its JSON.
func (s *Service) publication(ctx context.Context, acct *accountInfo, id string) (*catalog.CatalogedPublication, jsonb.Raw, error) {
	notFound := refuse(protocol.StatusNotFound, "no publication %q", truncate(id))
	if id == "" {
		return nil, nil, notFound
	}
	env, _, err := s.store.Find(ctx, acct.rec.ProfileUDF, protocol.CatalogPublication, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, notFound
	}
	if err != nil {
		return nil, nil, internal(err)
	}
	payload, res, err := dare.Open(env, &dare.Keyring{})
	if err != nil {
		return nil, nil, refuseCause(protocol.StatusNotFound, err, "publication %q cannot be read by the service", truncate(id))
	}
	if res.ContentMeta != nil && res.ContentMeta.Event == catalog.EventDelete {
		return nil, nil, notFound
	}
	tag, raw, err := jsonb.ReadTag(payload)
	if err != nil || tag != catalog.TagPublication {
		return nil, nil, refuseCause(protocol.StatusNotFound, fmt.Errorf("tag %q: %v", tag, err), "publication %q is not a CatalogedPublication", truncate(id))
	}
	var pub catalog.CatalogedPublication
	if err := jsonb.Unmarshal(raw, &pub); err != nil || pub.Id != id {
		return nil, nil, refuseCause(protocol.StatusNotFound, err, "publication %q is malformed", truncate(id))
	}
	return &pub, raw, nil
}

// pollClaim answers PollClaim (protocol.md §4.11): the latest claim of the
// publication, or a success with no message.
func (s *Service) pollClaim(ctx context.Context, _ *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.PollClaimRequest
	if err := decode(protocol.TxPollClaim, inner, &req); err != nil {
		return nil, err
	}
	acct, err := s.requireAccount(ctx, req.TargetAccountAddress)
	if err != nil {
		return nil, err
	}
	envID, err := udf.EnvelopeID(req.PublicationId)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "PublicationId %q is not a UDF", truncate(req.PublicationId))
	}
	resp := &protocol.PollClaimResponse{MeshResponse: protocol.MeshResponse{ID: req.ID}}
	env, _, err := s.store.Find(ctx, acct.rec.ProfileUDF, protocol.SpoolLocal, envID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, internal(err)
	default:
		if isClaimOf(env, req.PublicationId) { // claim_scope.go
			resp.EnvelopedMessage = env
		}
	}
	return resp, nil
}
