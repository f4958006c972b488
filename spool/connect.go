package spool

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// PIN validation failures (schema.md §9.3); callers branch on them.
var (
	ErrPinInvalid = errors.New("spool: PIN invalid")
	ErrPinUsed    = errors.New("spool: PIN already used")
	ErrPinExpired = errors.New("spool: PIN expired")
)

// nonceBytes is the size of ClientNonce and ServerNonce (128 bits).
const nonceBytes = 16

func randomBytes(r io.Reader, n int) ([]byte, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("spool: drawing a nonce: %w", err)
	}
	return b, nil
}

// NewRequestConnection builds a device's connection request (protocol.md
// F4a step 2, F4b step 2): AuthenticatedData is the device's signed profile
// envelope and ClientNonce 128 random bits. With a PIN it also carries PinId
// and PinWitness (schema.md §9.3) over the account address, the nonce and
// the profile envelope's payload digest.
func NewRequestConnection(accountAddress string, profileDevice []byte, pin string, r io.Reader) (*RequestConnection, error) {
	if _, err := profile.VerifyProfileDevice(profileDevice); err != nil {
		return nil, err
	}
	nonce, err := randomBytes(r, nonceBytes)
	if err != nil {
		return nil, err
	}
	req := &RequestConnection{AccountAddress: accountAddress}
	req.AuthenticatedData, req.ClientNonce = profileDevice, nonce
	if pin == "" {
		return req, nil
	}
	salted, err := udf.SaltPIN(pin, ActionDevice)
	if err != nil {
		return nil, fmt.Errorf("spool: PIN: %w", err)
	}
	if req.PinId, err = udf.PinID(salted, accountAddress); err != nil {
		return nil, fmt.Errorf("spool: PIN: %w", err)
	}
	digest, err := payloadDigest(profileDevice)
	if err != nil {
		return nil, err
	}
	if req.PinWitness, err = udf.PinWitness(salted, accountAddress, nonce, digest); err != nil {
		return nil, fmt.Errorf("spool: PIN witness: %w", err)
	}
	return req, nil
}

// payloadDigest returns the PayloadDigest of an unencrypted envelope's
// trailer, checked.
func payloadDigest(env []byte) ([]byte, error) {
	_, res, err := dare.Open(env, &dare.Keyring{})
	if err != nil {
		return nil, fmt.Errorf("spool: AuthenticatedData: %w", err)
	}
	if !res.DigestChecked || len(res.PayloadDigest) == 0 {
		return nil, errors.New("spool: AuthenticatedData has no payload digest")
	}
	return res.PayloadDigest, nil
}

// ConnectionWitness computes the witness of a connection (schema.md §9.4)
// from the account profile, the device profile and the two nonces.
func ConnectionWitness(account profile.AccountProfile, device *profile.ProfileDevice, serverNonce, clientNonce []byte) (string, error) {
	a, err := account.Account().ProfileSignature.PublicKey()
	if err != nil {
		return "", fmt.Errorf("spool: account ProfileSignature: %w", err)
	}
	d, err := device.ProfileSignature.PublicKey()
	if err != nil {
		return "", fmt.Errorf("spool: device ProfileSignature: %w", err)
	}
	w, err := udf.ConnectionWitness(a.UDFBytes(), serverNonce, d.UDFBytes(), clientNonce)
	if err != nil {
		return "", fmt.Errorf("spool: witness: %w", err)
	}
	return w, nil
}

// Acknowledge is the service's side of Connect (protocol.md F4a step 4): it
// opens the request envelope, verifies the device profile it carries, draws
// ServerNonce and computes the witness, which is also the
// AcknowledgeConnection's MessageId.
func Acknowledge(requestEnvelope []byte, account profile.AccountProfile, r io.Reader) (*AcknowledgeConnection, *profile.ProfileDevice, error) {
	msg, _, err := Open(requestEnvelope, nil)
	if err != nil {
		return nil, nil, err
	}
	req, ok := msg.(*RequestConnection)
	if !ok {
		return nil, nil, fmt.Errorf("spool: Connect carries a %s, want RequestConnection", msg.Tag())
	}
	if len(req.ClientNonce) < nonceBytes {
		return nil, nil, fmt.Errorf("spool: RequestConnection ClientNonce has %d bytes, want at least %d", len(req.ClientNonce), nonceBytes)
	}
	device, err := profile.VerifyProfileDevice(req.AuthenticatedData)
	if err != nil {
		return nil, nil, fmt.Errorf("spool: RequestConnection AuthenticatedData: %w", err)
	}
	server, err := randomBytes(r, nonceBytes)
	if err != nil {
		return nil, nil, err
	}
	w, err := ConnectionWitness(account, device, server, req.ClientNonce)
	if err != nil {
		return nil, nil, err
	}
	ack := &AcknowledgeConnection{EnvelopedRequestConnection: requestEnvelope, ServerNonce: server, Witness: w}
	ack.MessageId = w
	return ack, device, nil
}

// Request opens the RequestConnection an acknowledgement carries and the
// device profile inside it, verified.
func (a *AcknowledgeConnection) Request() (*RequestConnection, *profile.ProfileDevice, error) {
	msg, _, err := Open(a.EnvelopedRequestConnection, nil)
	if err != nil {
		return nil, nil, err
	}
	req, ok := msg.(*RequestConnection)
	if !ok {
		return nil, nil, fmt.Errorf("spool: AcknowledgeConnection carries a %s, want RequestConnection", msg.Tag())
	}
	device, err := profile.VerifyProfileDevice(req.AuthenticatedData)
	if err != nil {
		return nil, nil, fmt.Errorf("spool: RequestConnection AuthenticatedData: %w", err)
	}
	return req, device, nil
}

// CheckWitness recomputes the witness (protocol.md F4a step 5: the device;
// step 7: the administrator) and compares it with Witness and MessageId.
func (a *AcknowledgeConnection) CheckWitness(account profile.AccountProfile) error {
	req, device, err := a.Request()
	if err != nil {
		return err
	}
	w, err := ConnectionWitness(account, device, a.ServerNonce, req.ClientNonce)
	if err != nil {
		return err
	}
	if !udf.Equal(w, a.Witness) || !udf.Equal(w, a.MessageId) {
		return fmt.Errorf("spool: connection witness %q does not match the computed %q", a.Witness, w)
	}
	return nil
}

// NewMessagePin registers a PIN (protocol.md F4b step 1; schema.md §9.3):
// SaltedPin = MAC(action, PIN), MessageId = PinId = MAC(lower(account),
// SaltedPin).
func NewMessagePin(pin, account, action string, roles []string, expires time.Time, automatic bool) (*MessagePin, error) {
	if action != ActionDevice && action != ActionContact {
		return nil, fmt.Errorf("spool: PIN action %q, want %q or %q", action, ActionDevice, ActionContact)
	}
	if action == ActionDevice {
		if err := profile.CheckRoles(roles); err != nil {
			return nil, err
		}
	}
	salted, err := udf.SaltPIN(pin, action)
	if err != nil {
		return nil, fmt.Errorf("spool: PIN: %w", err)
	}
	id, err := udf.PinID(salted, account)
	if err != nil {
		return nil, fmt.Errorf("spool: PIN: %w", err)
	}
	exp := expires.UTC().Truncate(time.Second)
	m := &MessagePin{Account: account, Expires: &exp, Automatic: automatic, SaltedPin: salted,
		Action: action, Roles: append([]string(nil), roles...)}
	m.MessageId = id
	return m, nil
}

// ValidatePin checks a PIN-authenticated message against its registration
// (schema.md §9.3, issuer side): the PinIds match, the PIN is not closed
// (used) nor expired at now, and the witness over account, ClientNonce and
// the AuthenticatedData digest matches in constant time.
func ValidatePin(pin *MessagePin, closed bool, msg *MessagePinValidated, account string, now time.Time) error {
	if pin == nil || !udf.Equal(pin.MessageId, msg.PinId) {
		return fmt.Errorf("%w: no registration for PinId %q", ErrPinInvalid, msg.PinId)
	}
	if closed {
		return fmt.Errorf("%w: %s", ErrPinUsed, pin.MessageId)
	}
	if pin.Expires != nil && !now.Before(*pin.Expires) {
		return fmt.Errorf("%w: %s expired at %s", ErrPinExpired, pin.MessageId, pin.Expires.Format(time.RFC3339))
	}
	digest, err := payloadDigest(msg.AuthenticatedData)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPinInvalid, err)
	}
	if err := udf.VerifyPinWitness(pin.SaltedPin, account, msg.ClientNonce, digest, msg.PinWitness); err != nil {
		return fmt.Errorf("%w: witness does not match", ErrPinInvalid)
	}
	return nil
}

// NewRespondConnection builds an administrator's answer to an
// acknowledged request (protocol.md F4a step 7): MessageId is the
// ResponseId of the acknowledgement, device is set only for Accept.
func NewRespondConnection(ack *AcknowledgeConnection, result string, device *catalog.CatalogedDevice) (*RespondConnection, error) {
	switch result {
	case ResultAccept:
		if device == nil {
			return nil, errors.New("spool: an accepting RespondConnection needs the CatalogedDevice")
		}
	case ResultReject, ResultPending, ResultExpired:
		device = nil
	default:
		return nil, fmt.Errorf("spool: RespondConnection result %q is not Accept, Reject, Pending or Expired", result)
	}
	id, err := udf.ResponseID(ack.MessageId)
	if err != nil {
		return nil, fmt.Errorf("spool: AcknowledgeConnection MessageId %q: %w", ack.MessageId, err)
	}
	r := &RespondConnection{Result: result, CatalogedDevice: device}
	r.MessageId = id
	return r, nil
}
