package service

import (
	"context"

	"github.com/mathmesh/mesh/protocol"
)

// spoolNames are the spools (schema.md §8). The service writes them itself
// (Post, Connect, Claim) and a client reaches them only through the
// Inbound, Local and Outbound fields of Transact, where the service applies
// the spool rules (size limit, administration role for Local, delivery for
// Outbound). A ContainerUpdate naming one is refused (docs/protocol.md §4.8).
var spoolNames = map[string]bool{
	protocol.SpoolInbound: true, protocol.SpoolOutbound: true, protocol.SpoolLocal: true,
}

// checkTransact runs the checks on a Transact that come before planning
// it: the shape of Updates (count, spool names, conditions without
// entries), the administration role for the containers that need it, and
// the number of containers the account may have.
func (s *Service) checkTransact(ctx context.Context, p *principal, acct *accountInfo, req *protocol.TransactRequest) error {
	if err := checkUpdates(req.Updates); err != nil {
		return err
	}
	if err := s.requireAdminWrites(ctx, p, acct, req); err != nil {
		return err
	}
	return s.checkContainerCount(ctx, acct, req.Updates)
}

// checkUpdates bounds the number of ContainerUpdates, refuses the spools
// and refuses an update that carries a condition but no envelope (the
// service skips updates without envelopes, so their condition would be
// silently ignored).
func checkUpdates(updates []protocol.ContainerUpdate) error {
	if len(updates) > maxUpdatesPerRequest {
		return refuse(protocol.StatusTooLarge, "%d ContainerUpdates in one Transact, limit %d", len(updates), maxUpdatesPerRequest)
	}
	for i, u := range updates {
		if spoolNames[u.Container] {
			return refuse(protocol.StatusRefused, "Updates[%d] names the spool %s; spools are written only through the Inbound, Local and Outbound fields of Transact", i, u.Container)
		}
		if len(u.Envelopes) == 0 && len(u.Digest) > 0 {
			return refuse(protocol.StatusBadRequest, "Updates[%d] (%s) has a condition but no envelopes", i, truncate(u.Container))
		}
	}
	return nil
}

// checkContainerCount refuses a Transact that would give the account more
// than maxContainersPerAccount containers: each container costs the store
// buckets that are never removed while the account exists.
func (s *Service) checkContainerCount(ctx context.Context, acct *accountInfo, updates []protocol.ContainerUpdate) error {
	names := map[string]bool{}
	for _, u := range updates {
		if len(u.Envelopes) > 0 {
			names[u.Container] = true
		}
	}
	if len(names) == 0 {
		return nil
	}
	all, err := s.store.Status(ctx, acct.rec.ProfileUDF)
	if err != nil {
		return internal(err)
	}
	n := len(all)
	for _, c := range all {
		delete(names, c.Container)
	}
	if n+len(names) > maxContainersPerAccount {
		return refuse(protocol.StatusTooLarge, "the Transact would give the account %d containers, limit %d", n+len(names), maxContainersPerAccount)
	}
	return nil
}

// checkSelects bounds the selections of one Download.
func checkSelects(sel []protocol.ConstraintsSelect) error {
	if len(sel) > maxSelectsPerRequest {
		return refuse(protocol.StatusTooLarge, "%d selections in one Download, limit %d", len(sel), maxSelectsPerRequest)
	}
	return nil
}
