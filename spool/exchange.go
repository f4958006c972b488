package spool

import (
	"fmt"
	"io"
	"strings"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/udf"
)

// Message types between accounts (schema.md §9.2; protocol.md §7 F6, F7).
// Frozen wire names.
const (
	TagRequestConfirmation  = "RequestConfirmation"
	TagResponseConfirmation = "ResponseConfirmation"
)

// MessageContact is a contact exchange message (schema.md §9.2; protocol.md
// F6a, F6b): AuthenticatedData is the sender's self contact envelope,
// signed with its CommonSignature. With Reply set the recipient is asked to
// answer with its own contact, authenticated with PIN (a one-time contact
// PIN the sender registered in its Local spool). The PinId, ClientNonce and
// PinWitness fields authenticate a message that answers someone else's PIN.
type MessageContact struct {
	MessagePinValidated
	Reply   bool   `json:"Reply,omitempty"`
	Subject string `json:"Subject,omitempty"`
	PIN     string `json:"PIN,omitempty"`
}

// Tag returns "MessageContact".
func (*MessageContact) Tag() string { return TagMessageContact }

// String redacts the reply PIN.
func (m *MessageContact) String() string {
	return fmt.Sprintf("MessageContact(%s from %s to %s, reply %v, PIN redacted)", m.MessageId, m.Sender, m.Recipient, m.Reply)
}

// GoString redacts the reply PIN.
func (m *MessageContact) GoString() string { return m.String() }

// Format redacts the reply PIN for every verb.
func (m *MessageContact) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, m.String()) }

// RequestConfirmation asks the recipient to confirm an action
// (schema.md §9.2; [ARCH] 4.3.2; protocol.md F7 step 1).
type RequestConfirmation struct {
	Message
	Text string `json:"Text,omitempty"`
}

// Tag returns "RequestConfirmation".
func (*RequestConfirmation) Tag() string { return TagRequestConfirmation }

// ResponseConfirmation answers a RequestConfirmation (protocol.md F7 step
// 2): MessageId is udf.ResponseID of the request's MessageId and Request the
// request envelope. EnvelopedConnectionDevice is our addition
// (docs/messaging.md §6): the responding device's ConnectionDevice, signed
// by the responder's AdministratorSignature, whose Signature key also signs
// this response, so the decision is attributable to one device.
type ResponseConfirmation struct {
	Message
	Request                   jsonb.Raw `json:"Request,omitempty"`
	Accept                    bool      `json:"Accept,omitempty"`
	EnvelopedConnectionDevice jsonb.Raw `json:"EnvelopedConnectionDevice,omitempty"`
}

// Tag returns "ResponseConfirmation".
func (*ResponseConfirmation) Tag() string { return TagResponseConfirmation }

// newExchangeMessage returns an empty message of one of the types above.
func newExchangeMessage(tag string) (Any, bool) {
	switch tag {
	case TagMessageContact:
		return &MessageContact{}, true
	case TagRequestConfirmation:
		return &RequestConfirmation{}, true
	case TagResponseConfirmation:
		return &ResponseConfirmation{}, true
	}
	return nil, false
}

// AuthenticateWithPin fills the PIN fields of m (schema.md §9.3): a fresh
// ClientNonce, PinId = MAC(lower(issuer), SaltedPin) and the PinWitness
// over the issuer's address, the nonce and the payload digest of
// m.AuthenticatedData, which must already be set. issuer is the account that
// registered the PIN (the recipient of m), action the PIN's action.
func AuthenticateWithPin(m *MessagePinValidated, pin, action, issuer string, r io.Reader) error {
	if len(m.AuthenticatedData) == 0 {
		return fmt.Errorf("spool: a PIN-authenticated message needs AuthenticatedData")
	}
	salted, err := udf.SaltPIN(pin, action)
	if err != nil {
		return fmt.Errorf("spool: PIN: %w", err)
	}
	nonce, err := randomBytes(r, nonceBytes)
	if err != nil {
		return err
	}
	issuer = strings.ToLower(issuer)
	if m.PinId, err = udf.PinID(salted, issuer); err != nil {
		return fmt.Errorf("spool: PIN: %w", err)
	}
	digest, err := payloadDigest(m.AuthenticatedData)
	if err != nil {
		return err
	}
	if m.PinWitness, err = udf.PinWitness(salted, issuer, nonce, digest); err != nil {
		return fmt.Errorf("spool: PIN witness: %w", err)
	}
	m.ClientNonce = nonce
	return nil
}

// Outbound spool states (schema.md §8), recorded by the sender's service
// in MessageComplete markers.
const (
	RelationshipSent    = "Sent"
	RelationshipRefused = "Refused"
)
