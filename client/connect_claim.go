package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// Static QR, claim and completion (protocol.md §7 F4c steps 3-5;
// schema.md §9.5): the administrator claims the device named by the
// mcu:// URI printed on it, at the maker's service, and connects it; the
// device finds the claim with PollClaim, checks that it was made with its
// PIN, and completes at its new owner's service.

// claimIDLabel is the data MACed under a claim's DeviceAuthenticate to
// make its MessageId.
const claimIDLabel = "mmm/claim/message-id"

// claimResponse is the RespondConnection to a claimed device: MessageId =
// ResponseID(claim MessageId) (F4c step 4).
func claimResponse(responseID, result string, cd *catalog.CatalogedDevice) (*spool.RespondConnection, error) {
	if responseID == "" {
		return nil, errors.New("client: the answer to a claimed device needs the claim's response id")
	}
	if result == spool.ResultAccept && cd == nil {
		return nil, errors.New("client: an accepting RespondConnection needs the CatalogedDevice")
	}
	r := &spool.RespondConnection{Result: result, CatalogedDevice: cd}
	r.MessageId = responseID
	return r, nil
}

// staticPin parses a static-QR connect URI and returns the maker and the
// device's connect PIN, a type-32 key (udf.md §8.2).
func staticPin(uri string) (maker, pin string, err error) {
	maker, pin, err = udf.ParseConnectURI(uri)
	if err != nil {
		return "", "", fmt.Errorf("client: %w", err)
	}
	t, _, err := udf.Parse(pin)
	if err != nil {
		return "", "", fmt.Errorf("client: %w", err)
	}
	if t != udf.EncryptionKey {
		return "", "", fmt.Errorf("client: %s carries a PIN made by `account pin` (UDF type %d); use it on the device with `device join`, not here", uri, byte(t))
	}
	return maker, pin, nil
}

// ConnectStatic connects the preconfigured device whose connect URI is uri
// (F4c steps 3-4): a MessageClaim signed with CommonSignature is sent with
// Claim to the maker's service, which checks ServiceAuthenticate and
// returns the publication; its device profile, decrypted with the PIN, is
// connected with roles as in F4a step 7, with the RespondConnection under
// ResponseID(claim). Only the device holding the account seed can do this.
func (a *Account) ConnectStatic(ctx context.Context, uri string, roles []string) (*ConnectionAnswer, error) {
	if _, err := a.adminKey(); err != nil {
		return nil, err
	}
	if len(roles) == 0 {
		return nil, errors.New("client: name at least one role to grant (e.g. --web)")
	}
	if err := profile.CheckRoles(roles); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	maker, pin, err := staticPin(uri)
	if err != nil {
		return nil, err
	}
	if a.secrets == nil {
		return nil, fmt.Errorf("%w: connecting a device needs the account seed, which only the device that created (or recovered) %s holds", ErrNotAdministrator, a.rec.AccountAddress)
	}
	sig, err := a.secrets.CommonSignature()
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	claim := &spool.MessageClaim{Message: spool.Message{Sender: a.rec.AccountAddress, Recipient: maker}}
	if claim.PublicationId, err = udf.PublicationID(pin); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if claim.ServiceAuthenticate, claim.DeviceAuthenticate, err = udf.ClaimAuthenticators(a.rec.AccountAddress, pin); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	// A claim's MessageId is derived from DeviceAuthenticate, so that a
	// repeated claim by this account (after a failure) keeps the response
	// id the device will look for.
	if claim.MessageId, err = udf.SymmetricKeyMac([]byte(claimIDLabel), claim.DeviceAuthenticate); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	claimEnv, err := spool.Seal(claim, &profile.SealOptions{Signers: []keys.Signer{sig}, Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	responseID, err := udf.ResponseID(claim.MessageId)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	mpc, _, err := a.c.connect(ctx, maker, "", "")
	if err != nil {
		return nil, err
	}
	resp, err := mpc.Claim(ctx, nil, &protocol.ClaimRequest{EnvelopedMessageClaim: claimEnv}) // step 3
	if errors.Is(err, protocol.ErrNotFound) {
		return nil, fmt.Errorf("client: %s publishes no device with this connect URI at %s: %w", maker, mpc.Endpoint(), err)
	}
	if err != nil {
		return nil, fmt.Errorf("client: claiming the device at %s: %w", mpc.Endpoint(), err)
	}
	var pub catalog.CatalogedPublication
	if err := jsonb.Unmarshal(resp.CatalogedPublication, &pub); err != nil {
		return nil, fmt.Errorf("client: the publication %s returned: %w", maker, err)
	}
	if pub.Id != claim.PublicationId {
		return nil, fmt.Errorf("client: %s returned publication %q, not %q", maker, pub.Id, claim.PublicationId)
	}
	dev, devEnv, err := profile.OpenSealedProfile(pub.EnvelopedData, pin) // step 4
	if err != nil {
		return nil, fmt.Errorf("client: the device %s published: %w", maker, err)
	}
	p := &PendingConnection{DeviceUDF: dev.UDF(), device: dev, devEnv: devEnv, responseID: responseID}
	if err := a.connectDevice(ctx, p, roles, nil); err != nil {
		return nil, err
	}
	return &ConnectionAnswer{DeviceUDF: dev.UDF(), Result: spool.ResultAccept, Roles: roles}, nil
}

// completePreconfigured is `device complete` on an installed preconfigured
// device (F4c step 5); the data directory is locked.
func (c *Client) completePreconfigured(ctx context.Context, pre *preconfiguredRecord) (*CompleteResult, error) {
	dev, err := c.device()
	if err != nil {
		return nil, err
	}
	if dev.UDF() != pre.DeviceUdf {
		return nil, fmt.Errorf("client: the preconfiguration is for device %s, this machine is %s", pre.DeviceUdf, dev.UDF())
	}
	pin, err := udf.ConnectPin(dev.Seed(), pre.Maker, profile.PreconfigPinBits)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	claimEnv, claim, err := c.pollClaim(ctx, pre, pin)
	if err != nil {
		return nil, err
	}
	owner := claim.Sender
	responseID, err := udf.ResponseID(claim.MessageId)
	if err != nil {
		return nil, fmt.Errorf("client: the claim's MessageId: %w", err)
	}
	pc, _, err := c.connect(ctx, owner, "", "")
	if err != nil {
		return nil, err
	}
	auth, err := dev.BaseAuthentication()
	if err != nil {
		return nil, err
	}
	cred, err := protocol.NewDeviceCredential(owner, pre.EnvelopedProfileDevice, auth)
	if err != nil {
		return nil, err
	}
	resp, err := pc.Complete(ctx, cred, &protocol.CompleteRequest{AccountAddress: owner, ResponseID: responseID})
	if errors.Is(err, protocol.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s claimed this device but has not answered yet; run `device complete` again later", ErrPending, owner)
	}
	if err != nil {
		return nil, fmt.Errorf("client: completing the connection to %s: %w", owner, err)
	}
	pu, profileEnv, err := claimantProfile(dev, owner, claimEnv, resp.EnvelopedRespondConnection)
	if err != nil {
		return nil, err
	}
	cd, err := openResponse(dev, pu, responseID, resp.EnvelopedRespondConnection)
	if err != nil {
		return nil, err
	}
	act, err := dev.Accept(pu, cd.Envelopes())
	if err != nil {
		return nil, fmt.Errorf("client: activating the connection: %w", err)
	}
	p := &pendingRecord{AccountAddress: pu.AccountAddress, Service: pc.Endpoint(), ServiceUdf: pc.Service().UDF,
		DeviceUdf: dev.UDF(), EnvelopedProfileDevice: pre.EnvelopedProfileDevice, EnvelopedProfileAccount: profileEnv}
	a, err := c.recordConnection(p, pu, cd, act, resp.EnvelopedAccountHostAssignment)
	if err != nil {
		return nil, err
	}
	if err := removeFile(c.cfg.Home.preconfiguredPath()); err != nil {
		return nil, err
	}
	res := &CompleteResult{Address: pu.AccountAddress, ProfileUDF: pu.UDF(), DeviceUDF: dev.UDF(), Roles: act.Roles}
	sr, err := a.sync(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("client: connected to %s, but the first sync failed (run `account sync`): %w", pu.AccountAddress, err)
	}
	res.Fetched = sr.Fetched
	return res, nil
}

// pollClaim asks the maker's service for the latest claim of this device's
// publication and checks that it was made with the device's PIN: both
// ServiceAuthenticate and DeviceAuthenticate must verify for its Sender.
func (c *Client) pollClaim(ctx context.Context, pre *preconfiguredRecord, pin string) ([]byte, *spool.MessageClaim, error) {
	mpc, _, err := c.connect(ctx, pre.Maker, "", "")
	if err != nil {
		return nil, nil, err
	}
	pr, err := mpc.PollClaim(ctx, nil, &protocol.PollClaimRequest{PublicationId: pre.PublicationId, TargetAccountAddress: pre.Maker})
	if err != nil {
		return nil, nil, fmt.Errorf("client: polling %s for a claim of this device: %w", pre.Maker, err)
	}
	if len(pr.EnvelopedMessage) == 0 {
		return nil, nil, fmt.Errorf("%w: no account has claimed this device yet; its owner runs `account connect` with the URI printed on it", ErrPending)
	}
	msg, _, err := spool.Open(pr.EnvelopedMessage, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("client: the claim from %s: %w", pre.Maker, err)
	}
	claim, ok := msg.(*spool.MessageClaim)
	if !ok {
		return nil, nil, fmt.Errorf("client: %s answered PollClaim with a %s, not a MessageClaim", pre.Maker, msg.Tag())
	}
	if claim.PublicationId != pre.PublicationId || !strings.EqualFold(claim.Recipient, pre.Maker) {
		return nil, nil, fmt.Errorf("client: %s returned a claim of another publication", pre.Maker)
	}
	if _, err := ServiceDomain(claim.Sender); err != nil {
		return nil, nil, fmt.Errorf("client: the claim's Sender: %w", err)
	}
	sa, err := udf.ServiceAuthenticator(pin)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	da, err := udf.DeviceAuthenticator(pin)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	if err := udf.VerifyClaimService(claim.Sender, sa, claim.ServiceAuthenticate); err != nil {
		return nil, nil, fmt.Errorf("client: the claim by %s was not made with this device's PIN (ServiceAuthenticate): %w", claim.Sender, err)
	}
	if err := udf.VerifySymmetricKeyMac([]byte(claim.Sender), da, claim.DeviceAuthenticate, udf.VerifyServiceBits); err != nil {
		return nil, nil, fmt.Errorf("client: the claim by %s was not made with this device's PIN (DeviceAuthenticate): %w", claim.Sender, err)
	}
	return pr.EnvelopedMessage, claim, nil
}

// claimantProfile returns the account profile carried in the answer to a
// claimed device, checked: it is self-signed, has the claimant's address,
// and its CommonSignature key signed the claim. The answer itself is
// checked against the profile's AdministratorSignature by openResponse.
func claimantProfile(dev *profile.DeviceSecrets, owner string, claimEnv, respEnv []byte) (*profile.ProfileUser, []byte, error) {
	base, err := dev.BaseEncryption()
	if err != nil {
		return nil, nil, err
	}
	msg, _, err := spool.Open(respEnv, &dare.Keyring{Private: []keys.PrivateKey{base}})
	if err != nil {
		return nil, nil, fmt.Errorf("client: the answer to the claim: %w", err)
	}
	rc, ok := msg.(*spool.RespondConnection)
	if !ok {
		return nil, nil, fmt.Errorf("client: the answer to the claim is a %s", msg.Tag())
	}
	if rc.Result != spool.ResultAccept || rc.CatalogedDevice == nil {
		return nil, nil, fmt.Errorf("%w by %s", ErrRejected, owner)
	}
	env := []byte(rc.CatalogedDevice.EnvelopedProfileUser)
	pu, err := profile.VerifyProfileUser(env)
	if err != nil {
		return nil, nil, fmt.Errorf("client: the account profile in the answer: %w", err)
	}
	if !strings.EqualFold(pu.AccountAddress, owner) {
		return nil, nil, fmt.Errorf("client: the answer carries the profile of %q, but %q claimed the device", pu.AccountAddress, owner)
	}
	common, err := pu.CommonSignature.PublicKey()
	if err != nil {
		return nil, nil, fmt.Errorf("client: the account's CommonSignature: %w", err)
	}
	_, res, err := spool.Open(claimEnv, &dare.Keyring{Trusted: []keys.PublicKey{common}})
	if err != nil || !signedBy(res, common) {
		return nil, nil, fmt.Errorf("client: the claim is not signed by the CommonSignature key of %s", owner)
	}
	return pu, env, nil
}

// completeInstalled runs completePreconfigured when this machine is an
// installed preconfigured device with no direct request pending; done is
// false otherwise.
func (c *Client) completeInstalled(ctx context.Context) (res *CompleteResult, done bool, err error) {
	pre, err := c.cfg.Home.loadPreconfigured()
	if err != nil {
		return nil, true, err
	}
	if pre == nil {
		return nil, false, nil
	}
	names, err := c.cfg.Home.pendingAddresses()
	if err != nil {
		return nil, true, err
	}
	if len(names) > 0 {
		return nil, false, nil
	}
	res, err = c.completePreconfigured(ctx, pre)
	return res, true, err
}
