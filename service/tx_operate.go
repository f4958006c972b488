package service

import (
	"context"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/udf"
)

// operate answers Operate (protocol.md §4.12): for each key agreement, the
// service's share in the CapabilityDecryptServiced named by KeyId (which
// must be active and granted to the caller's key) is decrypted with the
// host key and multiplied with PublicKey; for each Reshare, the caller's
// share is re-shared to a new device (reshare, docs/devices.md §7). A
// refused operation gets an Error result; the others still run.
func (s *Service) operate(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.OperateRequest
	if err := decode(protocol.TxOperate, inner, &req); err != nil {
		return nil, err
	}
	acct, grantee, err := s.operateAccount(ctx, p, req.AccountAddress)
	if err != nil {
		return nil, err
	}
	if len(req.Operations) > protocol.MaxEnvelopesPerRequest {
		return nil, refuse(protocol.StatusTooLarge, "%d operations, limit %d", len(req.Operations), protocol.MaxEnvelopesPerRequest)
	}
	resp := &protocol.OperateResponse{MeshResponse: protocol.MeshResponse{ID: req.ID}}
	for i, op := range req.Operations {
		var res protocol.CryptographicResult
		switch {
		case op.Reshare != nil && op.KeyAgreement != nil:
			err = refuse(protocol.StatusBadRequest, "an operation must be exactly one of key agreement and Reshare")
		case op.Reshare != nil:
			res.Reshare, err = s.reshare(ctx, p, acct, op.Reshare)
		default:
			res.KeyAgreement, err = s.keyAgreement(ctx, acct, p.cred.keyID, grantee, op.KeyAgreement)
		}
		if err != nil {
			s.log.Info("operate refused", "account", acct.rec.ProfileUDF, "operation", i, "err", err)
			res = protocol.CryptographicResult{Error: &protocol.CryptographicResultError{Error: asError(err).Public}}
		}
		resp.Results = append(resp.Results, res)
	}
	return resp, nil
}

// operateAccount returns the account whose capabilities an Operate uses
// (protocol.md §4.12: AccountAddress, default the caller's account), and
// whether the caller acts as the grantee of another account's capability.
//
// For the caller's own account this is requireUser: the account key
// credential or an active connected device. For another account — an
// encryption group whose member asks for the service's share
// (docs/groups.md §4) — the caller need not belong to that account: the
// authorization is the capability itself, whose GranteeUdf must be the key
// that proved the request (checked per operation by keyAgreement). Only the
// account key credential may do this: its key is the member account's
// CommonAuthentication, which the member's service need not be asked about
// because the MAC proves possession of it, and which connected devices
// never hold (docs/devices.md §3). Any key can be presented as an account
// credential, though, so a connected device's own key is refused here (it
// must use its connection credential, whose AccessCapability requireUser
// checks), and keyAgreement answers on this path only for capabilities
// granted to another account: a revoked device cannot reach its account's
// capabilities this way.
func (s *Service) operateAccount(ctx context.Context, p *principal, address string) (*accountInfo, bool, error) {
	if p == nil {
		return nil, false, refuse(protocol.StatusNotAuthorized, "this transaction needs a credential")
	}
	if address == "" {
		acct, err := s.requireUser(ctx, p)
		return acct, false, err
	}
	target, err := s.requireAccount(ctx, address)
	if err != nil {
		return nil, false, err
	}
	if p.account != nil && p.account.rec.ProfileUDF == target.rec.ProfileUDF {
		acct, err := s.requireUser(ctx, p)
		return acct, false, err
	}
	if p.cred.kind != protocol.CredentialAccount {
		return nil, false, refuse(protocol.StatusNotAuthorized, "Operate on another account (%s) needs the account key credential of the grantee", truncate(address))
	}
	c, err := s.access.lookup(ctx, target.rec.ProfileUDF, p.cred.keyID)
	if err != nil {
		return nil, false, internal(err)
	}
	if c != nil && c.AccessCapability != nil {
		return nil, false, refuse(protocol.StatusNotAuthorized, "key %s is a device of %s: it operates on its own account with its connection credential", p.cred.keyID, truncate(address))
	}
	return target, true, nil
}

// grantedWithin reports whether capab was granted by acct to one of its
// own devices (GranteeAccount is the account), or names no grantee account.
func grantedWithin(capab *catalog.CapabilityDecryptServiced, acct *accountInfo) bool {
	g := capab.GranteeAccount
	return g == "" || strings.EqualFold(g, acct.address) || udf.Equal(g, acct.rec.ProfileUDF)
}

// keyAgreement answers one key agreement. On the grantee path (an Operate
// on another account, operateAccount) only a capability granted to another
// account is used.
func (s *Service) keyAgreement(ctx context.Context, acct *accountInfo, caller string, grantee bool, op *protocol.CryptographicOperationKeyAgreement) (*protocol.CryptographicResultKeyAgreement, error) {
	if op == nil || op.PublicKey == nil || op.PublicKey.PublicKeyECDH == nil {
		return nil, refuse(protocol.StatusBadRequest, "only key agreement operations with a PublicKeyECDH are supported")
	}
	c, err := s.access.lookup(ctx, acct.rec.ProfileUDF, op.KeyId)
	if err != nil {
		return nil, internal(err)
	}
	if c == nil || c.CapabilityDecryptServiced == nil {
		return nil, refuse(protocol.StatusNotAuthorized, "no capability %s for this account", truncate(op.KeyId))
	}
	capab := c.CapabilityDecryptServiced
	if !capab.Active {
		return nil, refuse(protocol.StatusNotAuthorized, "capability %s is revoked", truncate(op.KeyId))
	}
	if capab.GranteeUdf == "" || !udf.Equal(capab.GranteeUdf, caller) {
		return nil, refuse(protocol.StatusNotAuthorized, "capability %s is not granted to this caller's key", truncate(op.KeyId))
	}
	if grantee && grantedWithin(capab, acct) {
		return nil, refuse(protocol.StatusNotAuthorized, "capability %s is granted by %s to its own device: use that device's connection credential", truncate(op.KeyId), acct.address)
	}
	opened, err := profile.OpenKeyShare("the service share of capability "+truncate(op.KeyId), capab.EnvelopedKeyShare, s.id.access)
	if err != nil {
		return nil, refuseCause(protocol.StatusNotAuthorized, err, "capability %s holds no usable key share", truncate(op.KeyId))
	}
	// The share must be the capability's own (kid = Id): an envelope
	// copied under another Id is refused (docs/devices.md §7).
	if opened.Kid != op.KeyId {
		return nil, refuse(protocol.StatusNotAuthorized, "capability %s holds the key share of %s", truncate(op.KeyId), truncate(opened.Kid))
	}
	share := opened.Share
	partial, err := share.Partial(op.PublicKey.PublicKeyECDH.Public)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "PublicKey is not a valid %s point", share.Curve().Name())
	}
	return &protocol.CryptographicResultKeyAgreement{KeyAgreement: &keys.Key{
		PublicKeyECDH: &keys.PublicKeyECDH{Curve: op.PublicKey.PublicKeyECDH.Curve, Public: partial}}}, nil
}
