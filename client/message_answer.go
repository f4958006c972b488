package client

import (
	"context"
	"fmt"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// Answers to contact and confirmation requests (cli.md §6: `message
// accept|reject|block`; protocol.md F6a step 3, F7 step 2).

// Answer actions.
const (
	ActionAccept = "Accept"
	ActionReject = "Reject"
	ActionBlock  = "Block"
)

// MessageAnswer is the outcome of AnswerMessage.
type MessageAnswer struct {
	MessageID string `json:"message_id"`
	Type      string `json:"type"`
	Sender    string `json:"sender"`
	Action    string `json:"action"`
	// Reply is the message sent back, if any (the account's contact card,
	// or a ResponseConfirmation).
	Reply *SentMessage `json:"reply,omitempty"`
}

// AnswerMessage accepts, rejects or blocks the pending message id.
//
//   - MessageContact, accept: the sender's card goes to MMM_Contact, the
//     sender to the inbound allow-list, and if the request asks for a reply
//     this account's card goes back, authenticated with the request's PIN.
//   - RequestConfirmation, accept or reject: a ResponseConfirmation signed
//     with CommonSignature and with this device's own key goes back.
//   - block: no answer; the sender is blocked (CapabilityInboundContact
//     with Active false), so its service's next Post is refused.
//
// The request is closed in MMM_Inbound in the same Transact.
func (a *Account) AnswerMessage(ctx context.Context, id, action string) (*MessageAnswer, error) {
	if action != ActionAccept && action != ActionReject && action != ActionBlock {
		return nil, fmt.Errorf("client: answer %q is not Accept, Reject or Block", action)
	}
	unlock, err := a.lockedSync(ctx, profile.StoreInbound, profile.StoreContact)
	if err != nil {
		return nil, err
	}
	defer unlock()
	m, err := a.findMessage(ctx, id)
	if err != nil {
		return nil, err
	}
	closing, err := a.closeMarker(m.MessageID)
	if err != nil {
		return nil, err
	}
	ans := &MessageAnswer{MessageID: m.MessageID, Type: m.Type, Sender: m.Sender, Action: action}
	o := &outgoing{recipient: m.Sender, inbound: [][]byte{closing}}
	if action == ActionBlock {
		o.access = []*catalog.CatalogedAccess{catalog.NewInboundContact(m.Sender, false)}
		return ans, a.transactWith(ctx, o, nil)
	}
	switch req := m.msg.(type) {
	case *spool.MessageContact:
		if action == ActionReject {
			return ans, a.transactWith(ctx, o, nil)
		}
		if err := a.acceptContact(o, m, req); err != nil {
			return nil, err
		}
	case *spool.RequestConfirmation:
		if err := a.confirmationResponse(o, m, action == ActionAccept); err != nil {
			return nil, err
		}
	}
	if o.msg == nil {
		return ans, a.transactWith(ctx, o, nil)
	}
	if ans.Reply, err = a.send(ctx, o); err != nil {
		return nil, err
	}
	return ans, nil
}

// acceptContact fills o with the contact, the allow-list entry and, if the
// request asks for one, the reply with this account's card.
func (a *Account) acceptContact(o *outgoing, m *InboundMessage, req *spool.MessageContact) error {
	card, _, err := openCard(req.AuthenticatedData, nil)
	if err != nil {
		return err
	}
	o.contacts = []catalog.Entry{card}
	o.access = []*catalog.CatalogedAccess{catalog.NewInboundContact(m.Sender, true)}
	if !req.Reply {
		return nil
	}
	if req.PIN == "" {
		return fmt.Errorf("client: the contact request %s asks for a reply but carries no PIN", m.MessageID)
	}
	_, mine, err := a.selfCard()
	if err != nil {
		return err
	}
	reply := &spool.MessageContact{Subject: "reply"}
	reply.AuthenticatedData = mine
	if err := spool.AuthenticateWithPin(&reply.MessagePinValidated, req.PIN, spool.ActionContact, m.Sender, a.c.cfg.Rand); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	enc, _, err := publicKeys(m.sender)
	if err != nil {
		return err
	}
	o.msg, o.to = reply, enc
	return nil
}

// confirmationResponse fills o with the ResponseConfirmation, signed with
// CommonSignature and with this device's signature key, whose
// ConnectionDevice it carries (docs/messaging.md §6).
func (a *Account) confirmationResponse(o *outgoing, m *InboundMessage, accept bool) error {
	rid, err := udf.ResponseID(m.MessageID)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	common, err := a.commonSigner()
	if err != nil {
		return err
	}
	dev, conn, err := a.deviceSigner()
	if err != nil {
		return err
	}
	enc, _, err := publicKeys(m.sender)
	if err != nil {
		return err
	}
	resp := &spool.ResponseConfirmation{Request: m.env, Accept: accept, EnvelopedConnectionDevice: conn}
	resp.MessageId = rid
	o.msg, o.to, o.signers = resp, enc, []keys.Signer{common, dev}
	return nil
}

// contactPinLifetime is how long the PIN of a contact request stays valid.
const contactPinLifetime = 30 * 24 * time.Hour
