package service

import (
	"context"
	"crypto/subtle"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/threshold"
	"github.com/mathmesh/mesh/udf"
)

// reshare answers an Operate Reshare (docs/devices.md §7): an
// administration device A without the account seed passes its share of a
// key on to a new device N. The caller must be a connected administration
// device of the account acct itself (not of another account), its
// capability KeyId must be an active CapabilityDecryptServiced granted to
// its own key, and EnvelopedDelta must hold a canonical non-zero r for the
// same whole key under kid ShareId. The service computes s_N = s_A + r
// (non-zero), checks SharePublic + s_N·G = the whole key and that ShareId
// is SharePublic's fingerprint and names no capability yet, and answers s_N
// enveloped to its own AccessEncrypt key.
//
// Nothing is stored: the administrator files s_N as N's capability in the
// Transact that connects N, so the re-share is atomic with the connection
// (an unused answer is inert: it decrypts nothing without a capability
// granting it, which only an administrator can write).
func (s *Service) reshare(ctx context.Context, p *principal, acct *accountInfo, op *protocol.CryptographicOperationReshare) (*protocol.CryptographicResultReshare, error) {
	if p.account == nil || p.account.rec.ProfileUDF != acct.rec.ProfileUDF {
		return nil, refuse(protocol.StatusNotAuthorized, "Reshare is only allowed on the caller's own account")
	}
	admin, err := s.isAdministrator(ctx, p, acct)
	if err != nil {
		return nil, err
	}
	if !admin {
		return nil, refuse(protocol.StatusNotAdministrator, "Reshare needs an administration device (role admin or super)")
	}
	if err := checkReshareFields(op, p.cred.keyID); err != nil {
		return nil, err
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
	if capab.GranteeUdf == "" || !udf.Equal(capab.GranteeUdf, p.cred.keyID) {
		return nil, refuse(protocol.StatusNotAuthorized, "capability %s is not granted to this caller's key", truncate(op.KeyId))
	}
	if existing, err := s.access.lookup(ctx, acct.rec.ProfileUDF, op.ShareId); err != nil {
		return nil, internal(err)
	} else if existing != nil {
		return nil, refuse(protocol.StatusConflict, "ShareId %s already names a capability", truncate(op.ShareId))
	}
	mine, err := profile.OpenKeyShare("the service share of capability "+truncate(op.KeyId), capab.EnvelopedKeyShare, s.id.access)
	if err != nil {
		return nil, refuseCause(protocol.StatusNotAuthorized, err, "capability %s holds no usable key share", truncate(op.KeyId))
	}
	if mine.Kid != op.KeyId {
		return nil, refuse(protocol.StatusNotAuthorized, "capability %s holds the key share of %s", truncate(op.KeyId), truncate(mine.Kid))
	}
	delta, err := profile.OpenKeyShare("EnvelopedDelta", op.EnvelopedDelta, s.id.access)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "EnvelopedDelta is not a key share enveloped to this host")
	}
	switch {
	case delta.Kid != op.ShareId:
		return nil, refuse(protocol.StatusBadRequest, "EnvelopedDelta names share %s, the request %s", truncate(delta.Kid), truncate(op.ShareId))
	case !delta.Primary.Equal(mine.Primary):
		return nil, refuse(protocol.StatusBadRequest, "EnvelopedDelta is for key %s, capability %s for %s",
			truncate(delta.Primary.Fingerprint()), truncate(op.KeyId), truncate(mine.Primary.Fingerprint()))
	}
	sum, err := combineShares(mine, delta)
	if err != nil {
		return nil, err
	}
	if err := checkSharePublic(op, mine.Primary, sum); err != nil {
		return nil, err
	}
	env, err := profile.SealKeyShare(mine.Primary, op.ShareId, sum, s.id.access.Public(), nil)
	if err != nil {
		return nil, internal(err)
	}
	s.log.Info("key share re-shared", "account", acct.rec.ProfileUDF, "from", op.KeyId, "to", op.ShareId, "grantee", op.GranteeUdf)
	return &protocol.CryptographicResultReshare{EnvelopedKeyShare: env}, nil
}

// checkReshareFields checks the fields of a Reshare that need no key: all
// present, GranteeUdf a UDF other than the caller's key (re-sharing to
// itself gives the caller nothing it lacks), EnvelopedDelta within
// maxReshareDelta.
func checkReshareFields(op *protocol.CryptographicOperationReshare, caller string) error {
	switch {
	case op.KeyId == "":
		return refuse(protocol.StatusBadRequest, "Reshare field \"KeyId\" is missing")
	case op.ShareId == "":
		return refuse(protocol.StatusBadRequest, "Reshare field \"ShareId\" is missing")
	case len(op.SharePublic) == 0:
		return refuse(protocol.StatusBadRequest, "Reshare field \"SharePublic\" is missing")
	case op.GranteeUdf == "":
		return refuse(protocol.StatusBadRequest, "Reshare field \"GranteeUdf\" is missing")
	case len(op.EnvelopedDelta) == 0:
		return refuse(protocol.StatusBadRequest, "Reshare field \"EnvelopedDelta\" is missing")
	case len(op.EnvelopedDelta) > maxReshareDelta:
		return refuse(protocol.StatusTooLarge, "Reshare field \"EnvelopedDelta\" is %d bytes, limit %d", len(op.EnvelopedDelta), maxReshareDelta)
	}
	if _, _, err := udf.Parse(op.GranteeUdf); err != nil {
		return refuseCause(protocol.StatusBadRequest, err, "Reshare field \"GranteeUdf\" is not a UDF")
	}
	if udf.Equal(op.GranteeUdf, caller) {
		return refuse(protocol.StatusBadRequest, "Reshare field \"GranteeUdf\" is the caller's own key")
	}
	return nil
}

// combineShares returns s_N = s_A + r, refusing a zero sum (r = −s_A would
// give the new device the whole key as its share).
func combineShares(mine, delta *profile.OpenedKeyShare) (*threshold.PrivateKey, error) {
	sum, err := threshold.CombinePrivate(mine.Share, delta.Share)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "EnvelopedDelta does not make a valid share")
	}
	return sum, nil
}

// checkSharePublic checks that SharePublic (d_N·G) plus s_N·G is the whole
// key (compared on the u coordinate the key publishes) and that ShareId is
// SharePublic's fingerprint, so that the answer is usable only as the
// share paired with the new device's d_N.
func checkSharePublic(op *protocol.CryptographicOperationReshare, primary keys.PublicKey, sum *threshold.PrivateKey) error {
	total, err := sum.Curve().CombinePublic(op.SharePublic, sum.Public())
	if err != nil {
		return refuseCause(protocol.StatusBadRequest, err, "Reshare field \"SharePublic\" is not a valid %s point", sum.Curve().Name())
	}
	whole := primary.Bytes()
	if len(total) < len(whole) || subtle.ConstantTimeCompare(total[:len(whole)], whole) != 1 {
		return refuse(protocol.StatusBadRequest, "SharePublic and the re-shared share do not add up to key %s", truncate(primary.Fingerprint()))
	}
	pub, err := keys.ParsePublicKey(primary.Algorithm(), op.SharePublic[:len(whole)])
	if err != nil {
		return refuseCause(protocol.StatusBadRequest, err, "Reshare field \"SharePublic\"")
	}
	if !udf.Equal(pub.Fingerprint(), op.ShareId) {
		return refuse(protocol.StatusBadRequest, "Reshare field \"ShareId\" %s is not the fingerprint of SharePublic (%s)", truncate(op.ShareId), truncate(pub.Fingerprint()))
	}
	return nil
}
