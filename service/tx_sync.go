package service

import (
	"context"
	"slices"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/protocol"
)

// status answers Status (protocol.md §4.6): the account profile, the host
// assignment, every container's {Container, Index, Digest} and, for a
// connected device whose own record changed, its CatalogedDevice from the
// Access catalog.
func (s *Service) status(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.StatusRequest
	if err := decode(protocol.TxStatus, inner, &req); err != nil {
		return nil, err
	}
	acct, err := s.requireUser(ctx, p)
	if err != nil {
		return nil, err
	}
	all, err := s.store.Status(ctx, acct.rec.ProfileUDF)
	if err != nil {
		return nil, internal(err)
	}
	resp := &protocol.StatusResponse{
		MeshResponse:                   protocol.MeshResponse{ID: req.ID},
		EnvelopedProfileAccount:        acct.rec.Profile,
		EnvelopedAccountHostAssignment: acct.rec.HostAssignment,
	}
	want := append(slices.Clone(req.Catalogs), req.Spools...)
	for _, c := range all {
		if len(want) == 0 || slices.Contains(want, c.Container) {
			resp.ContainerStatus = append(resp.ContainerStatus, c)
		}
	}
	if p.cred.kind == protocol.CredentialConnection {
		c, err := s.access.lookup(ctx, acct.rec.ProfileUDF, p.cred.keyID)
		if err != nil {
			return nil, internal(err)
		}
		if c != nil && c.AccessCapability != nil {
			if ac := c.AccessCapability; ac.CatalogedDeviceDigest != "" && ac.CatalogedDeviceDigest != req.CatalogedDeviceDigest {
				resp.EnvelopedCatalogedDevice = ac.EnvelopedCatalogedDevice
				resp.CatalogedDeviceDigest = ac.CatalogedDeviceDigest
			}
		}
	}
	return resp, nil
}

// download answers Download (protocol.md §4.7): for each selection the
// envelopes from IndexMin on (up to IndexMax, if set), within
// MaxDownloadEntries and MaxDownloadBytes in all (and ConstraintsPost's
// MaxEntries/BytesMax when smaller). In the answer, ContainerUpdate.Index is
// the index of the first envelope returned; a client that received fewer
// than it asked for asks again from where the answer stopped.
func (s *Service) download(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.DownloadRequest
	if err := decode(protocol.TxDownload, inner, &req); err != nil {
		return nil, err
	}
	acct, err := s.requireUser(ctx, p)
	if err != nil {
		return nil, err
	}
	entries, bytes := int64(protocol.MaxDownloadEntries), int64(protocol.MaxDownloadBytes)
	if c := req.ConstraintsPost; c != nil {
		if c.MaxEntries > 0 && c.MaxEntries < entries {
			entries = c.MaxEntries
		}
		if c.BytesMax > 0 && c.BytesMax < bytes {
			bytes = c.BytesMax
		}
	}
	if err := checkSelects(req.Select); err != nil {
		return nil, err
	}
	resp := &protocol.DownloadResponse{MeshResponse: protocol.MeshResponse{ID: req.ID}}
	for i, sel := range req.Select {
		if err := protocol.CheckContainerName(sel.Container); err != nil {
			return nil, refuse(protocol.StatusBadRequest, "Select[%d]: %v", i, err)
		}
		if sel.IndexMin < 0 || sel.IndexMax < 0 || (sel.IndexMax > 0 && sel.IndexMax < sel.IndexMin) {
			return nil, refuse(protocol.StatusBadRequest, "Select[%d]: IndexMin %d and IndexMax %d are not a range", i, sel.IndexMin, sel.IndexMax)
		}
		n := entries
		if sel.IndexMax > 0 && sel.IndexMax-sel.IndexMin < n {
			n = sel.IndexMax - sel.IndexMin
		}
		var envs [][]byte
		if n > 0 && bytes > 0 {
			if envs, err = s.store.Read(ctx, acct.rec.ProfileUDF, sel.Container, sel.IndexMin, int(n), bytes); err != nil {
				return nil, internal(err)
			}
		}
		u := protocol.ContainerUpdate{ContainerStatus: protocol.ContainerStatus{Container: sel.Container, Index: sel.IndexMin}}
		for _, e := range envs {
			u.Envelopes = append(u.Envelopes, e)
			entries--
			bytes -= int64(len(e))
		}
		resp.Updates = append(resp.Updates, u)
	}
	return resp, nil
}
