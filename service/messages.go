package service

import (
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
)

// The Mesh messages the service reads or makes (schema.md §9.2), with only
// the members it uses (jsonb skips the others) and the exact wire names.
// They are local because package spool does not define them yet; the lead
// may replace them with spool's types.

// messageBase holds the fields of every message (schema.md §9.1).
type messageBase struct {
	MessageId string `json:"MessageId,omitempty"`
	Sender    string `json:"Sender,omitempty"`
	Recipient string `json:"Recipient,omitempty"`
}

// requestConnection is a device's connection request (MessagePinValidated
// fields and AccountAddress).
type requestConnection struct {
	messageBase
	AuthenticatedData jsonb.Raw `json:"AuthenticatedData,omitempty"`
	ClientNonce       []byte    `json:"ClientNonce,omitempty"`
	PinId             string    `json:"PinId,omitempty"`
	PinWitness        []byte    `json:"PinWitness,omitempty"`
	AccountAddress    string    `json:"AccountAddress,omitempty"`
}

const (
	tagRequestConnection     = "RequestConnection"
	tagAcknowledgeConnection = "AcknowledgeConnection"
	tagMessageClaim          = "MessageClaim"
	tagMessageContact        = "MessageContact"
)

// acknowledgeConnection is the service's answer to a connection request,
// put in the account's Inbound spool (protocol.md §4.4).
type acknowledgeConnection struct {
	messageBase
	EnvelopedRequestConnection jsonb.Raw `json:"EnvelopedRequestConnection,omitempty"`
	ServerNonce                []byte    `json:"ServerNonce,omitempty"`
	Witness                    string    `json:"Witness,omitempty"`
}

func (*acknowledgeConnection) Tag() string { return tagAcknowledgeConnection }

var _ profile.Object = (*acknowledgeConnection)(nil)

// messageClaim claims a publication (schema.md §9.5, protocol.md §4.10).
type messageClaim struct {
	messageBase
	PublicationId       string `json:"PublicationId,omitempty"`
	ServiceAuthenticate string `json:"ServiceAuthenticate,omitempty"`
	DeviceAuthenticate  string `json:"DeviceAuthenticate,omitempty"`
}
