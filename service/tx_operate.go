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
	acct, g, err := s.operateAccount(ctx, p, req.AccountAddress)
	if err != nil {
		return nil, err
	}
	if len(req.Operations) > protocol.MaxEnvelopesPerRequest {
		return nil, refuse(protocol.StatusTooLarge, "%d operations, limit %d", len(req.Operations), protocol.MaxEnvelopesPerRequest)
	}
	if g != nil {
		// A grantee only asks for key agreements; re-sharing is for the
		// caller's own account (docs/devices.md §7 step 3).
		for i, op := range req.Operations {
			if op.Reshare != nil {
				return nil, refuse(protocol.StatusNotAuthorized, "operation %d: Reshare is only allowed on the caller's own account, not on %s", i, truncate(req.AccountAddress))
			}
		}
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
			res.KeyAgreement, err = s.keyAgreement(ctx, acct, p.cred.keyID, g, op.KeyAgreement)
		}
		if err != nil {
			s.log.Info("operate refused", "account", acct.rec.ProfileUDF, "operation", i, "err", err)
			res = protocol.CryptographicResult{Error: &protocol.CryptographicResultError{Error: asError(err).Public}}
		}
		resp.Results = append(resp.Results, res)
	}
	return resp, nil
}

// grantee is the authority in which a caller acts on another account's
// capability (operateAccount): the key the capability's GranteeUdf must
// name and, for a connected device of a member account on this service,
// that account, which GranteeAccount must name (docs/groups.md §4).
type grantee struct {
	key     string
	account *accountInfo
}

// operateAccount returns the account whose capabilities an Operate uses
// (protocol.md §4.12: AccountAddress, default the caller's account), and,
// when the caller acts as the grantee of another account's capability, the
// authority it acts in (nil on its own account).
//
// For the caller's own account this is requireUser: the account key
// credential or an active connected device. For another account — an
// encryption group whose member asks for the service's share
// (docs/groups.md §4) — the caller need not belong to that account: the
// authorization is the capability itself, granted to the member account
// (GranteeAccount) and its CommonAuthentication key (GranteeUdf), checked
// per operation by keyAgreement. Two credentials carry that authority:
//
//   - the member's account key credential: its key is the member's
//     CommonAuthentication, proved by the MAC, so the member's service need
//     not be asked. Any key can be presented as an account credential, so
//     a connected device's own key is refused here, and keyAgreement
//     answers on this path only for capabilities granted to another
//     account: a revoked device cannot reach its account's capabilities.
//   - a connected-device credential of a member account bound to this
//     same service: requireUser checks the ConnectionService against that
//     account's AdministratorSignature and that the device's
//     AccessCapability is active, so the device acts for the member account
//     exactly as long as the member has not revoked it. A member account on
//     another service is refused: this service cannot see its Access
//     catalog, so it could not honour a revocation.
func (s *Service) operateAccount(ctx context.Context, p *principal, address string) (*accountInfo, *grantee, error) {
	if p == nil {
		return nil, nil, refuse(protocol.StatusNotAuthorized, "this transaction needs a credential")
	}
	if address == "" {
		acct, err := s.requireUser(ctx, p)
		return acct, nil, err
	}
	target, err := s.requireAccount(ctx, address)
	if err != nil {
		return nil, nil, err
	}
	if p.account != nil && p.account.rec.ProfileUDF == target.rec.ProfileUDF {
		acct, err := s.requireUser(ctx, p)
		return acct, nil, err
	}
	switch p.cred.kind {
	case protocol.CredentialAccount:
		c, err := s.access.lookup(ctx, target.rec.ProfileUDF, p.cred.keyID)
		if err != nil {
			return nil, nil, internal(err)
		}
		if c != nil && c.AccessCapability != nil {
			return nil, nil, refuse(protocol.StatusNotAuthorized, "key %s is a device of %s: it operates on its own account with its connection credential", p.cred.keyID, truncate(address))
		}
		return target, &grantee{key: p.cred.keyID}, nil
	case protocol.CredentialConnection:
		if p.account == nil {
			return nil, nil, refuse(protocol.StatusNotAuthorized, "Operate on another account (%s) with a connected-device credential needs the device's account (%s) on this service", truncate(address), truncate(p.claimed))
		}
		member, err := s.requireUser(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		return target, &grantee{key: member.commonAuth.Fingerprint(), account: member}, nil
	}
	return nil, nil, refuse(protocol.StatusNotAuthorized, "Operate on another account (%s) needs the account key credential of the grantee or a connected device of its account", truncate(address))
}

// grantedWithin reports whether capab was granted by acct to one of its
// own devices (GranteeAccount is the account), or names no grantee account.
func grantedWithin(capab *catalog.CapabilityDecryptServiced, acct *accountInfo) bool {
	g := capab.GranteeAccount
	return g == "" || accountNames(g, acct)
}

// accountNames reports whether account (an address or a profile UDF) is acct.
func accountNames(account string, acct *accountInfo) bool {
	return strings.EqualFold(account, acct.address) || udf.Equal(account, acct.rec.ProfileUDF)
}

// keyAgreement answers one key agreement. On the grantee path (g, an
// Operate on another account, operateAccount) only a capability granted to
// another account is used, and it must name g's key (and g's account, for
// a connected device of the member account) instead of the caller's key.
func (s *Service) keyAgreement(ctx context.Context, acct *accountInfo, caller string, g *grantee, op *protocol.CryptographicOperationKeyAgreement) (*protocol.CryptographicResultKeyAgreement, error) {
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
	if g != nil {
		caller = g.key
	}
	if capab.GranteeUdf == "" || !udf.Equal(capab.GranteeUdf, caller) {
		return nil, refuse(protocol.StatusNotAuthorized, "capability %s is not granted to this caller's key", truncate(op.KeyId))
	}
	if g != nil && grantedWithin(capab, acct) {
		return nil, refuse(protocol.StatusNotAuthorized, "capability %s is granted by %s to its own device: use that device's connection credential", truncate(op.KeyId), acct.address)
	}
	if g != nil && g.account != nil && !accountNames(capab.GranteeAccount, g.account) {
		return nil, refuse(protocol.StatusNotAuthorized, "capability %s is granted to %s, not to this device's account %s", truncate(op.KeyId), truncate(capab.GranteeAccount), g.account.address)
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
