package client

import (
	"bytes"
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

// The new device's side of a connection (protocol.md §7 F4a steps 1-5, 8-9;
// F4b step 2): `device request` and `device complete`.

// ErrPending is returned by CompleteConnection while no administrator has
// answered the request yet.
var ErrPending = errors.New("client: the connection request is still pending")

// ErrRejected is returned by CompleteConnection when the administrator
// refused the request.
var ErrRejected = errors.New("client: the connection request was rejected")

// RequestResult is the outcome of RequestConnection: what the user compares
// with the administrator's `device pending`.
type RequestResult struct {
	Address   string `json:"address"`
	DeviceUDF string `json:"device_udf"`
	Witness   string `json:"witness"`
	PIN       bool   `json:"pin,omitempty"`
}

// RequestConnection asks to connect this device to address (F4a steps
// 1-5): it makes the device profile if needed, sends RequestConnection
// (with PinId and PinWitness when pin is given, F4b) in a Connect with the
// device credential, recomputes the witness from the account profile and
// nonces the service returned, and records the request as pending.
func (c *Client) RequestConnection(ctx context.Context, address, pin string, roles []string) (*RequestResult, error) {
	if _, err := ServiceDomain(address); err != nil {
		return nil, err
	}
	if len(roles) > 0 {
		if err := profile.CheckRoles(roles); err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
	}
	unlock, err := c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	reg, err := c.cfg.Home.LoadRegistry()
	if err != nil {
		return nil, err
	}
	for _, e := range reg.Accounts {
		if strings.EqualFold(e.AccountAddress, address) {
			return nil, fmt.Errorf("client: this device is already connected to %s", e.AccountAddress)
		}
	}
	dev, err := c.device() // F4a step 1
	if err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	devEnv, err := dev.SignedProfile("", &profile.SealOptions{Rand: c.cfg.Rand, Created: now})
	if err != nil {
		return nil, fmt.Errorf("client: signing the device profile: %w", err)
	}
	rc, err := spool.NewRequestConnection(address, devEnv, pin, c.cfg.Rand) // step 2
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	sig, err := dev.BaseSignature()
	if err != nil {
		return nil, err
	}
	rcEnv, err := spool.Seal(rc, &profile.SealOptions{Signers: []keys.Signer{sig}, Rand: c.cfg.Rand, Created: now})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	pc, _, err := c.connect(ctx, address, "", "")
	if err != nil {
		return nil, err
	}
	auth, err := dev.BaseAuthentication()
	if err != nil {
		return nil, err
	}
	cred, err := protocol.NewDeviceCredential(address, devEnv, auth)
	if err != nil {
		return nil, err
	}
	resp, err := pc.Connect(ctx, cred, &protocol.ConnectRequest{EnvelopedRequestConnection: rcEnv, Rights: roles}) // step 3
	if errors.Is(err, protocol.ErrNotFound) {
		return nil, fmt.Errorf("client: there is no account %s at %s: %w", address, pc.Endpoint(), err)
	}
	if err != nil {
		return nil, fmt.Errorf("client: connecting to %s: %w", address, err)
	}
	witness, err := checkAcknowledgement(address, rcEnv, resp) // step 5
	if err != nil {
		return nil, err
	}
	p := &pendingRecord{AccountAddress: address, Service: pc.Endpoint(), ServiceUdf: pc.Service().UDF,
		DeviceUdf: dev.UDF(), Witness: witness, PinId: rc.PinId, EnvelopedProfileDevice: devEnv,
		EnvelopedAcknowledgeConnection: resp.EnvelopedAcknowledgeConnection,
		EnvelopedProfileAccount:        resp.EnvelopedProfileAccount, Requested: now.UTC()}
	if err := c.cfg.Home.savePending(p); err != nil {
		return nil, err
	}
	return &RequestResult{Address: address, DeviceUDF: dev.UDF(), Witness: witness, PIN: pin != ""}, nil
}

// checkAcknowledgement verifies the service's answer to Connect (F4a step
// 5): the account profile is self-signed and has the address asked for,
// the acknowledgement carries this very request, and the witness
// recomputed here from the account's and device's profile keys and both
// nonces is the one the service computed. It returns the witness.
func checkAcknowledgement(address string, rcEnv []byte, resp *protocol.ConnectResponse) (string, error) {
	pu, err := profile.VerifyProfileUser(resp.EnvelopedProfileAccount)
	if err != nil {
		return "", fmt.Errorf("client: the account profile the service returned: %w", err)
	}
	if !strings.EqualFold(pu.AccountAddress, address) {
		return "", fmt.Errorf("client: the service returned the profile of %q, not %q", pu.AccountAddress, address)
	}
	ack, err := openAcknowledgement(resp.EnvelopedAcknowledgeConnection)
	if err != nil {
		return "", err
	}
	if !bytes.Equal(ack.EnvelopedRequestConnection, rcEnv) {
		return "", errors.New("client: the service acknowledged a different connection request")
	}
	if err := ack.CheckWitness(pu); err != nil {
		return "", fmt.Errorf("client: %w", err)
	}
	return ack.Witness, nil
}

// openAcknowledgement decodes an enveloped AcknowledgeConnection.
func openAcknowledgement(env []byte) (*spool.AcknowledgeConnection, error) {
	msg, _, err := spool.Open(env, nil)
	if err != nil {
		return nil, fmt.Errorf("client: the connection acknowledgement: %w", err)
	}
	ack, ok := msg.(*spool.AcknowledgeConnection)
	if !ok {
		return nil, fmt.Errorf("client: expected an AcknowledgeConnection, got a %s", msg.Tag())
	}
	return ack, nil
}

// CompleteResult is the outcome of CompleteConnection.
type CompleteResult struct {
	Address    string   `json:"address"`
	ProfileUDF string   `json:"profile_udf"`
	DeviceUDF  string   `json:"device_udf"`
	Roles      []string `json:"roles"`
	Fetched    int64    `json:"fetched"`
}

// CompleteConnection finishes this device's pending request to address
// (the only pending one if empty; F4a steps 8-9): Complete with the device
// credential returns the administrator's RespondConnection, which this
// device decrypts with its base key; on Accept it activates the
// connection (checking every overlaid key against what the administrator
// signed), records the account and makes a first full sync with its new
// connected-device credential. Before an answer exists it fails with
// ErrPending and changes nothing.
func (c *Client) CompleteConnection(ctx context.Context, address string) (*CompleteResult, error) {
	unlock, err := c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if address == "" {
		if res, done, err := c.completeInstalled(ctx); done {
			return res, err
		}
	}
	p, err := c.cfg.Home.loadPending(address)
	if err != nil {
		return nil, err
	}
	dev, err := c.device()
	if err != nil {
		return nil, err
	}
	if dev.UDF() != p.DeviceUdf {
		return nil, fmt.Errorf("client: the pending request to %s was made by device %s, this machine is %s", p.AccountAddress, p.DeviceUdf, dev.UDF())
	}
	ack, err := openAcknowledgement(p.EnvelopedAcknowledgeConnection)
	if err != nil {
		return nil, err
	}
	responseID, err := udf.ResponseID(ack.MessageId)
	if err != nil {
		return nil, fmt.Errorf("client: the acknowledgement's MessageId: %w", err)
	}
	pc, _, err := c.connect(ctx, p.AccountAddress, p.Service, p.ServiceUdf)
	if err != nil {
		return nil, err
	}
	auth, err := dev.BaseAuthentication()
	if err != nil {
		return nil, err
	}
	cred, err := protocol.NewDeviceCredential(p.AccountAddress, p.EnvelopedProfileDevice, auth)
	if err != nil {
		return nil, err
	}
	resp, err := pc.Complete(ctx, cred, &protocol.CompleteRequest{AccountAddress: p.AccountAddress, ResponseID: responseID}) // step 8
	if errors.Is(err, protocol.ErrNotFound) {
		return nil, fmt.Errorf("%w: no administrator of %s has accepted it yet (witness %s); run `device complete` again later", ErrPending, p.AccountAddress, p.Witness)
	}
	if err != nil {
		return nil, fmt.Errorf("client: completing the connection to %s: %w", p.AccountAddress, err)
	}
	pu, err := profile.VerifyProfileUser(p.EnvelopedProfileAccount)
	if err != nil {
		return nil, fmt.Errorf("client: the account profile: %w", err)
	}
	cd, err := openResponse(dev, pu, responseID, resp.EnvelopedRespondConnection)
	if errors.Is(err, ErrRejected) {
		return nil, errors.Join(err, c.cfg.Home.removePending(p.AccountAddress))
	}
	if err != nil {
		return nil, err
	}
	act, err := dev.Accept(pu, cd.Envelopes()) // step 9
	if err != nil {
		return nil, fmt.Errorf("client: activating the connection: %w", err)
	}
	a, err := c.recordConnection(p, pu, cd, act, resp.EnvelopedAccountHostAssignment)
	if err != nil {
		return nil, err
	}
	if err := c.cfg.Home.removePending(p.AccountAddress); err != nil {
		return nil, err
	}
	a.pc = nil
	res := &CompleteResult{Address: p.AccountAddress, ProfileUDF: pu.UDF(), DeviceUDF: dev.UDF(), Roles: act.Roles}
	sr, err := a.sync(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("client: connected to %s, but the first sync failed (run `account sync`): %w", p.AccountAddress, err)
	}
	res.Fetched = sr.Fetched
	return res, nil
}

// openResponse decrypts the RespondConnection with the device's base key
// and returns the CatalogedDevice of an Accept (F4a step 9).
func openResponse(dev *profile.DeviceSecrets, pu *profile.ProfileUser, responseID string, env []byte) (*catalog.CatalogedDevice, error) {
	base, err := dev.BaseEncryption()
	if err != nil {
		return nil, err
	}
	admin, err := pu.AdministratorSignature.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: the account's AdministratorSignature: %w", err)
	}
	msg, res, err := spool.Open(env, &dare.Keyring{Private: []keys.PrivateKey{base}, Trusted: []keys.PublicKey{admin}})
	if err != nil {
		return nil, fmt.Errorf("client: the answer to the connection request: %w", err)
	}
	rc, ok := msg.(*spool.RespondConnection)
	if !ok || !udf.Equal(rc.MessageId, responseID) {
		return nil, fmt.Errorf("client: the service answered with a %s that is not the response to this request", msg.Tag())
	}
	if !signedBy(res, admin) {
		return nil, errors.New("client: the answer to the connection request is not signed by the account's administrator")
	}
	switch rc.Result {
	case spool.ResultAccept:
	case spool.ResultReject:
		return nil, fmt.Errorf("%w by an administrator of %s", ErrRejected, pu.AccountAddress)
	default:
		return nil, fmt.Errorf("%w: the administrator answered %q", ErrPending, rc.Result)
	}
	cd := rc.CatalogedDevice
	if cd == nil {
		return nil, errors.New("client: the accepting answer carries no CatalogedDevice")
	}
	if err := cd.Validate(); err != nil {
		return nil, fmt.Errorf("client: the accepting answer: %w", err)
	}
	if cd.DeviceUdf != dev.UDF() {
		return nil, fmt.Errorf("client: the accepting answer is for device %s, not %s", cd.DeviceUdf, dev.UDF())
	}
	return cd, nil
}

// signedBy reports whether a verified signature of key is in res.
func signedBy(res *dare.Result, key keys.PublicKey) bool {
	for _, s := range res.Signatures {
		if s.Verified && udf.Equal(s.Kid, key.Fingerprint()) {
			return true
		}
	}
	return false
}

// recordConnection writes the account record and registry entry of a
// device that has just been connected.
func (c *Client) recordConnection(p *pendingRecord, pu *profile.ProfileUser, cd *catalog.CatalogedDevice, act *profile.ActivatedDevice, hostAssignment []byte) (*Account, error) {
	devJSON, err := jsonb.Marshal(cd)
	if err != nil {
		return nil, fmt.Errorf("client: encoding the device record: %w", err)
	}
	rec := &accountRecord{ProfileUdf: pu.UDF(), AccountAddress: pu.AccountAddress, Service: p.Service, ServiceUdf: p.ServiceUdf,
		EnvelopedProfileUser: p.EnvelopedProfileAccount, EnvelopedAccountHostAssignment: hostAssignment,
		DeviceUdf: p.DeviceUdf, Roles: act.Roles, CatalogedDevice: devJSON}
	if err := c.cfg.Home.saveRecord(rec); err != nil {
		return nil, err
	}
	reg, err := c.cfg.Home.LoadRegistry()
	if err != nil {
		return nil, err
	}
	entry := &AccountEntry{ProfileUdf: rec.ProfileUdf, AccountAddress: rec.AccountAddress, Created: c.cfg.Now().UTC()}
	if err := reg.Add(entry); err != nil {
		return nil, err
	}
	if err := c.cfg.Home.SaveRegistry(reg); err != nil {
		return nil, err
	}
	return &Account{c: c, entry: entry, rec: rec, activated: nil}, nil
}
