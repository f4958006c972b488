package spool

import (
	"fmt"
	"io"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
)

// Message type tags (schema.md §9.2). Frozen wire names.
const (
	TagMessageComplete       = "MessageComplete"
	TagMessageError          = "MessageError"
	TagMessagePin            = "MessagePin"
	TagRequestConnection     = "RequestConnection"
	TagAcknowledgeConnection = "AcknowledgeConnection"
	TagRespondConnection     = "RespondConnection"
	TagMessageClaim          = "MessageClaim"
	// TagMessageContact names the contact request, the one message type a
	// stranger may send (protocol.md §6); its type is not modelled here.
	TagMessageContact = "MessageContact"
)

// Relationships of a MessageComplete reference (schema.md §8) and results
// of a RespondConnection (schema.md §9.6). Frozen wire values.
const (
	RelationshipOpen   = "Open"
	RelationshipClosed = "Closed"
	RelationshipRead   = "Read"
	RelationshipUnread = "Unread"

	ResultAccept  = "Accept"
	ResultReject  = "Reject"
	ResultPending = "Pending"
	ResultExpired = "Expired"

	// ActionDevice and ActionContact are the actions a PIN is bound to.
	ActionDevice  = "Device"
	ActionContact = "Contact"
)

// Message holds the fields of every message (schema.md §9.1).
type Message struct {
	MessageId string `json:"MessageId,omitempty"`
	Sender    string `json:"Sender,omitempty"`
	Recipient string `json:"Recipient,omitempty"`
}

// Any is implemented by every message type.
type Any interface {
	profile.Object
	Base() *Message
}

// Base returns the common fields.
func (m *Message) Base() *Message { return m }

// Reference names an earlier message and its new state (schema.md §9.2).
type Reference struct {
	MessageId    string `json:"MessageId,omitempty"`
	ResponseId   string `json:"ResponseId,omitempty"`
	Relationship string `json:"Relationship,omitempty"`
}

// MessageComplete marks earlier messages Read, Closed, ... (schema.md §8).
type MessageComplete struct {
	Message
	References []Reference `json:"References,omitempty"`
}

// Tag returns "MessageComplete".
func (*MessageComplete) Tag() string { return TagMessageComplete }

// MessageError reports an error.
type MessageError struct {
	Message
	ErrorCode string `json:"ErrorCode,omitempty"`
}

// Tag returns "MessageError".
func (*MessageError) Tag() string { return TagMessageError }

// MessagePinValidated holds the fields with which a message proves
// knowledge of a PIN (schema.md §9.2, §9.3). AuthenticatedData is an
// envelope (for RequestConnection, the device's signed ProfileDevice).
type MessagePinValidated struct {
	Message
	AuthenticatedData jsonb.Raw `json:"AuthenticatedData,omitempty"`
	ClientNonce       []byte    `json:"ClientNonce,omitempty"`
	PinId             string    `json:"PinId,omitempty"`
	PinWitness        []byte    `json:"PinWitness,omitempty"`
}

// MessagePin registers a PIN in the issuer's Local spool (schema.md §9.2,
// §9.3). Its MessageId is the PinId. SaltedPin is a secret (it keys the PIN
// witness): String, GoString and Format redact it.
type MessagePin struct {
	Message
	Account   string     `json:"Account,omitempty"`
	Expires   *time.Time `json:"Expires,omitempty"`
	Automatic bool       `json:"Automatic,omitempty"`
	SaltedPin string     `json:"SaltedPin,omitempty"`
	Action    string     `json:"Action,omitempty"`
	Roles     []string   `json:"Roles,omitempty"`
}

// Tag returns "MessagePin".
func (*MessagePin) Tag() string { return TagMessagePin }

// String redacts the salted PIN.
func (m *MessagePin) String() string {
	return fmt.Sprintf("MessagePin(%s for %s, action %s, salted PIN redacted)", m.MessageId, m.Account, m.Action)
}

// GoString redacts the salted PIN.
func (m *MessagePin) GoString() string { return m.String() }

// Format redacts the salted PIN for every verb.
func (m *MessagePin) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, m.String()) }

// RequestConnection is a device's request to connect to an account
// (schema.md §9.2; protocol.md F4a step 2).
type RequestConnection struct {
	MessagePinValidated
	AccountAddress string `json:"AccountAddress,omitempty"`
}

// Tag returns "RequestConnection".
func (*RequestConnection) Tag() string { return TagRequestConnection }

// AcknowledgeConnection is the service's acknowledgement of a connection
// request (schema.md §9.2; protocol.md F4a step 4). Its MessageId is the
// Witness.
type AcknowledgeConnection struct {
	Message
	EnvelopedRequestConnection jsonb.Raw `json:"EnvelopedRequestConnection,omitempty"`
	ServerNonce                []byte    `json:"ServerNonce,omitempty"`
	Witness                    string    `json:"Witness,omitempty"`
}

// Tag returns "AcknowledgeConnection".
func (*AcknowledgeConnection) Tag() string { return TagAcknowledgeConnection }

// RespondConnection is an administrator's decision on a connection request
// (schema.md §9.2; protocol.md F4a step 7). Its MessageId is the
// ResponseId of the AcknowledgeConnection; CatalogedDevice is present only
// for Accept.
type RespondConnection struct {
	Message
	Result          string                   `json:"Result,omitempty"`
	CatalogedDevice *catalog.CatalogedDevice `json:"CatalogedDevice,omitempty"`
}

// Tag returns "RespondConnection".
func (*RespondConnection) Tag() string { return TagRespondConnection }

// MessageClaim claims a publication (schema.md §9.2, §9.5; protocol.md
// §4.10): Sender is the claimant account, Recipient the publisher.
type MessageClaim struct {
	Message
	PublicationId       string     `json:"PublicationId,omitempty"`
	ServiceAuthenticate string     `json:"ServiceAuthenticate,omitempty"`
	DeviceAuthenticate  string     `json:"DeviceAuthenticate,omitempty"`
	Expires             *time.Time `json:"Expires,omitempty"`
}

// Tag returns "MessageClaim".
func (*MessageClaim) Tag() string { return TagMessageClaim }

// newMessage returns an empty message of a tag, for decoding.
func newMessage(tag string) (Any, bool) {
	switch tag {
	case TagMessageComplete:
		return &MessageComplete{}, true
	case TagMessageError:
		return &MessageError{}, true
	case TagMessagePin:
		return &MessagePin{}, true
	case TagRequestConnection:
		return &RequestConnection{}, true
	case TagAcknowledgeConnection:
		return &AcknowledgeConnection{}, true
	case TagRespondConnection:
		return &RespondConnection{}, true
	case TagMessageClaim:
		return &MessageClaim{}, true
	}
	return newExchangeMessage(tag)
}
