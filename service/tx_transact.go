package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
)

// pendingEntry ties an appended envelope to its place in the request and
// in the store batches, to build the EntryResponse list.
type pendingEntry struct {
	request int64 // IndexRequest
	batch   int   // index into the batches
	offset  int64 // position inside the batch
}

// transactPlan is a Transact turned into store batches.
type transactPlan struct {
	batches  []store.Batch
	entries  []pendingEntry
	access   bool          // MMM_Access is written
	outbound *outboundPlan // messages to other services, if any
}

func (t *transactPlan) add(account, container string, cond *protocol.ContainerStatus, infos []*envelopeInfo, indexID bool) {
	b := store.Batch{Account: account, Container: container, Condition: cond}
	for i, e := range infos {
		id := e.envelopeID
		if indexID {
			// Catalog entries the service looks up (publications) are
			// indexed by their primary key (ContentMeta.UniqueId).
			id = e.meta.UniqueID
		}
		b.Entries = append(b.Entries, store.Entry{Envelope: e.canon, EnvelopeID: id})
		t.entries = append(t.entries, pendingEntry{request: int64(len(t.entries)), batch: len(t.batches), offset: int64(i)})
	}
	t.batches = append(t.batches, b)
	if container == protocol.CatalogAccess {
		t.access = true
	}
}

// transact answers Transact (protocol.md §4.8): Updates, then Inbound,
// Local and Outbound, all appended in one atomic store transaction, with the
// outbound messages also delivered to the Inbound spool of each recipient
// account on this service. Any refusal (a bad envelope, a stale
// ContainerUpdate condition, a recipient elsewhere) leaves every container
// unchanged.
func (s *Service) transact(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.TransactRequest
	if err := decode(protocol.TxTransact, inner, &req); err != nil {
		return nil, err
	}
	acct, err := s.requireUser(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := s.checkTransact(ctx, p, acct, &req); err != nil {
		return nil, err
	}
	plan, err := s.planTransact(ctx, p, acct, &req)
	if err != nil {
		return nil, err
	}
	if len(plan.batches) == 0 {
		return &protocol.TransactResponse{MeshResponse: protocol.MeshResponse{ID: req.ID}}, nil
	}
	first, err := s.store.Append(ctx, plan.batches)
	if errors.Is(err, store.ErrConflict) {
		return nil, refuseCause(protocol.StatusConflict, err, "%v", err)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuseCause(protocol.StatusNotFound, err, "an account of the transaction no longer exists")
	}
	if err != nil {
		return nil, internal(err)
	}
	if plan.access {
		s.access.invalidate(acct.rec.ProfileUDF)
	}
	resp := &protocol.TransactResponse{MeshResponse: protocol.MeshResponse{ID: req.ID}}
	for _, e := range plan.entries {
		resp.Entries = append(resp.Entries, protocol.EntryResponse{
			IndexRequest: e.request, IndexContainer: first[e.batch] + e.offset, Result: protocol.ResultAccept})
	}
	if err := s.finishOutbound(ctx, plan, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

func (s *Service) planTransact(ctx context.Context, p *principal, acct *accountInfo, req *protocol.TransactRequest) (*transactPlan, error) {
	plan := &transactPlan{}
	total := len(req.Inbound) + len(req.Local) + len(req.Outbound)
	for _, u := range req.Updates {
		total += len(u.Envelopes)
	}
	if total > protocol.MaxEnvelopesPerRequest {
		return nil, refuse(protocol.StatusTooLarge, "%d envelopes in one Transact, limit %d", total, protocol.MaxEnvelopesPerRequest)
	}
	udf := acct.rec.ProfileUDF
	for i, u := range req.Updates {
		if err := protocol.CheckContainerName(u.Container); err != nil {
			return nil, refuse(protocol.StatusBadRequest, "Updates[%d]: %v", i, err)
		}
		if len(u.Envelopes) == 0 {
			continue // nothing to append (checkUpdates refused a condition without entries)
		}
		infos, err := checkAll(fmt.Sprintf("Updates[%d] (%s)", i, u.Container), u.Envelopes, protocol.MaxEnvelopeBytes)
		if err != nil {
			return nil, err
		}
		var cond *protocol.ContainerStatus
		if len(u.Digest) > 0 {
			cond = &protocol.ContainerStatus{Container: u.Container, Index: u.Index, Digest: u.Digest}
		}
		plan.add(udf, u.Container, cond, infos, u.Container == protocol.CatalogPublication)
	}
	for _, sp := range []struct {
		name string
		envs []jsonb.Raw
	}{{protocol.SpoolInbound, req.Inbound}, {protocol.SpoolLocal, req.Local}} {
		infos, err := checkAll(sp.name, sp.envs, protocol.MaxMessageBytes)
		if err != nil {
			return nil, err
		}
		if len(infos) > 0 {
			plan.add(udf, sp.name, nil, infos, false)
		}
	}
	return plan, s.planOutbound(ctx, plan, p, acct, req)
}

func checkAll(what string, envs []jsonb.Raw, max int) ([]*envelopeInfo, error) {
	out := make([]*envelopeInfo, 0, len(envs))
	for i, raw := range envs {
		info, err := checkEnvelope(fmt.Sprintf("%s envelope %d", what, i), raw, max)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}
