package catalog

import (
	"strings"
	"time"
)

// CapabilityInboundContact is an entry of the inbound allow-list that the
// recipient's service applies to messages from other accounts
// (protocol.md §6 item 2; docs/messaging.md §4). It lives in the Access
// catalog because the service can read that catalog and not the contact
// catalog. Id is the lower-cased address of the sender; Active true
// accepts every message type from it, Active false blocks it, contact
// requests included. Our type: the reference defines no allow-list.
type CapabilityInboundContact struct {
	CapabilityBase
}

// InboundContactID is the capability Id of a sender address: the address
// lower-cased, so that lookups ignore case.
func InboundContactID(address string) string { return strings.ToLower(strings.TrimSpace(address)) }

// NewInboundContact returns the Access catalog entry that allows (active)
// or blocks (not active) messages from address.
func NewInboundContact(address string, active bool) *CatalogedAccess {
	now := time.Now().UTC().Truncate(time.Second)
	return &CatalogedAccess{Capability: &Capability{CapabilityInboundContact: &CapabilityInboundContact{
		CapabilityBase: CapabilityBase{Id: InboundContactID(address), Active: active, Issued: &now},
	}}}
}
