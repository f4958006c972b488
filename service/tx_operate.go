package service

import (
	"context"
	"fmt"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/threshold"
	"github.com/mathmesh/mesh/udf"
)

// operate answers Operate (protocol.md §4.12): for each key agreement, the
// service's share in the CapabilityDecryptServiced named by KeyId (which
// must be active and granted to the caller's key) is decrypted with the
// host key and multiplied with PublicKey. A refused operation gets an Error
// result; the others still run.
func (s *Service) operate(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.OperateRequest
	if err := decode(protocol.TxOperate, inner, &req); err != nil {
		return nil, err
	}
	acct, err := s.operateAccount(ctx, p, req.AccountAddress)
	if err != nil {
		return nil, err
	}
	if len(req.Operations) > protocol.MaxEnvelopesPerRequest {
		return nil, refuse(protocol.StatusTooLarge, "%d operations, limit %d", len(req.Operations), protocol.MaxEnvelopesPerRequest)
	}
	resp := &protocol.OperateResponse{MeshResponse: protocol.MeshResponse{ID: req.ID}}
	for i, op := range req.Operations {
		r, err := s.keyAgreement(ctx, acct, p.cred.keyID, op.KeyAgreement)
		if err != nil {
			s.log.Info("operate refused", "account", acct.rec.ProfileUDF, "operation", i, "err", err)
			resp.Results = append(resp.Results, protocol.CryptographicResult{
				Error: &protocol.CryptographicResultError{Error: asError(err).Public}})
			continue
		}
		resp.Results = append(resp.Results, protocol.CryptographicResult{KeyAgreement: r})
	}
	return resp, nil
}

// operateAccount returns the account whose capabilities an Operate uses
// (protocol.md §4.12: AccountAddress, default the caller's account).
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
// never hold (docs/devices.md §3), so a revoked device cannot use this
// path to reach capabilities its own account withdrew.
func (s *Service) operateAccount(ctx context.Context, p *principal, address string) (*accountInfo, error) {
	if p == nil {
		return nil, refuse(protocol.StatusNotAuthorized, "this transaction needs a credential")
	}
	if address == "" {
		return s.requireUser(ctx, p)
	}
	target, err := s.requireAccount(ctx, address)
	if err != nil {
		return nil, err
	}
	if p.account != nil && p.account.rec.ProfileUDF == target.rec.ProfileUDF {
		return s.requireUser(ctx, p)
	}
	if p.cred.kind != protocol.CredentialAccount {
		return nil, refuse(protocol.StatusNotAuthorized, "Operate on another account (%s) needs the account key credential of the grantee", truncate(address))
	}
	return target, nil
}

func (s *Service) keyAgreement(ctx context.Context, acct *accountInfo, caller string, op *protocol.CryptographicOperationKeyAgreement) (*protocol.CryptographicResultKeyAgreement, error) {
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
	share, err := s.serviceShare(capab.EnvelopedKeyShare)
	if err != nil {
		return nil, refuseCause(protocol.StatusNotAuthorized, err, "capability %s holds no usable key share", truncate(op.KeyId))
	}
	partial, err := share.Partial(op.PublicKey.PublicKeyECDH.Public)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "PublicKey is not a valid %s point", share.Curve().Name())
	}
	return &protocol.CryptographicResultKeyAgreement{KeyAgreement: &keys.Key{
		PublicKeyECDH: &keys.PublicKeyECDH{Curve: op.PublicKey.PublicKeyECDH.Curve, Public: partial}}}, nil
}

// serviceShare decrypts a key share enveloped to the host's AccessEncrypt
// key: the payload is a tagged KeyData ({"KeyData": {...}}) whose
// PrivateParameters is a PrivateKeyECDH holding the share's scalar under a
// "z" curve name (threshold.md §4.2).
func (s *Service) serviceShare(env []byte) (*threshold.PrivateKey, error) {
	payload, _, err := dare.Open(env, &dare.Keyring{Private: []keys.PrivateKey{s.id.access}})
	if err != nil {
		return nil, err
	}
	tag, inner, err := jsonb.ReadTag(payload)
	if err != nil || tag != "KeyData" {
		return nil, fmt.Errorf("key share payload is not a KeyData (tag %q): %v", tag, err)
	}
	var kd keys.KeyData
	if err := jsonb.Unmarshal(inner, &kd); err != nil {
		return nil, err
	}
	if kd.PrivateParameters == nil || kd.PrivateParameters.PrivateKeyECDH == nil {
		return nil, fmt.Errorf("key share has no PrivateKeyECDH")
	}
	jk := kd.PrivateParameters.PrivateKeyECDH
	curves := map[string]*threshold.Curve{"X448z": threshold.X448, "X25519z": threshold.X25519}
	c, ok := curves[jk.Curve]
	if !ok {
		return nil, fmt.Errorf("key share curve %q, want X448z or X25519z", jk.Curve)
	}
	return c.NewPrivateKey(jk.Private)
}
