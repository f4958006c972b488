package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// The recipient's side (protocol.md F6a step 3, F7 step 2): messages from
// other accounts wait in MMM_Inbound until a device answers them and closes
// them with a MessageComplete. Each one is opened with the account's
// decryption key and verified here: the signature must verify under the
// sender's CommonSignature — from the contact catalog, or for a contact
// request from the profile its contact card carries — the payload type must
// be the one the service filtered on, and a MessageId seen before is a
// replay.

// InboundMessage is a message from another account waiting for an answer.
type InboundMessage struct {
	MessageID string `json:"message_id"`
	Type      string `json:"type"`
	Sender    string `json:"sender,omitempty"`
	Recipient string `json:"recipient,omitempty"`
	// Text is a confirmation request's text or a contact request's subject.
	Text string `json:"text,omitempty"`
	// Reply is set on a contact request that asks for the recipient's card.
	Reply bool `json:"reply,omitempty"`
	// Invalid says why the message cannot be answered (bad signature,
	// replay, ...); empty for a verified message.
	Invalid string `json:"invalid,omitempty"`

	env    []byte
	msg    spool.Any
	sender *profile.ProfileUser
}

// ErrNoMessage is returned when no pending message has the id given.
var ErrNoMessage = errors.New("client: no pending message")

// answerable are the message types `message accept|reject|block` answer.
var answerable = map[string]bool{spool.TagMessageContact: true, spool.TagRequestConfirmation: true}

// PendingMessages syncs the spools and the contact catalog and lists the
// contact and confirmation requests not yet answered.
func (a *Account) PendingMessages(ctx context.Context) ([]*InboundMessage, error) {
	unlock, err := a.lockedSync(ctx, profile.StoreInbound, profile.StoreContact)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return a.pendingMessages(ctx)
}

// pendingMessages reads the local Inbound spool.
func (a *Account) pendingMessages(ctx context.Context) ([]*InboundMessage, error) {
	sp, done, err := a.openSpool(profile.StoreInbound)
	if err != nil {
		return nil, err
	}
	defer done()
	seen := map[string]bool{}
	var out []*InboundMessage
	for _, it := range sp.Items(func(it *spool.Item) bool { return answerable[it.Type] }) {
		key, _ := udf.Canonical(it.MessageID)
		replay := seen[key]
		seen[key] = true
		if sp.Status(it.MessageID) == spool.RelationshipClosed {
			continue
		}
		m := &InboundMessage{MessageID: it.MessageID, Type: it.Type, env: it.Envelope}
		if replay {
			m.Invalid = "replay: a message with this MessageId arrived before"
		} else if err := a.verifyInbound(ctx, m, it); err != nil {
			m.Invalid = err.Error()
		}
		out = append(out, m)
	}
	return out, nil
}

// openSpool opens the local copy of a spool with the account's keys.
func (a *Account) openSpool(label string) (*spool.Spool, func(), error) {
	priv, err := a.DecryptionKeys()
	if err != nil {
		return nil, nil, err
	}
	lc, err := a.c.cfg.Home.openContainer(a.rec.ProfileUdf, label, true)
	if err != nil {
		return nil, nil, err
	}
	sp, err := spool.OpenSpool(lc, label, &dare.Keyring{Private: priv})
	if err != nil {
		lc.Close()
		return nil, nil, fmt.Errorf("client: the local %s spool: %w", label, err)
	}
	return sp, func() { lc.Close() }, nil
}

// verifyInbound opens a message and checks its sender's signature.
func (a *Account) verifyInbound(ctx context.Context, m *InboundMessage, it *spool.Item) error {
	priv, err := a.DecryptionKeys()
	if err != nil {
		return err
	}
	if err := a.prefetch(ctx, &dare.Keyring{Private: priv}, [][]byte{it.Envelope}); err != nil {
		return err
	}
	msg, _, err := spool.Open(it.Envelope, &dare.Keyring{Private: priv})
	if err != nil {
		return err
	}
	if msg.Tag() != it.Type {
		return fmt.Errorf("the envelope says %s but the message is a %s", it.Type, msg.Tag())
	}
	b := msg.Base()
	m.msg, m.Sender, m.Recipient = msg, b.Sender, b.Recipient
	if !strings.EqualFold(b.Recipient, a.rec.AccountAddress) {
		return fmt.Errorf("the message is for %q", b.Recipient)
	}
	switch v := msg.(type) {
	case *spool.MessageContact:
		m.Text, m.Reply = v.Subject, v.Reply
		_, pu, err := openCard(v.AuthenticatedData, nil)
		if err != nil {
			return err
		}
		if !strings.EqualFold(pu.AccountAddress, b.Sender) {
			return fmt.Errorf("the contact card is for %s, the sender is %s", pu.AccountAddress, b.Sender)
		}
		m.sender = pu
	case *spool.RequestConfirmation:
		m.Text = v.Text
		if m.sender, err = a.recipientProfile(ctx, b.Sender); err != nil {
			return err
		}
	}
	_, sig, err := publicKeys(m.sender)
	if err != nil {
		return err
	}
	ring := &dare.Keyring{Private: priv, Trusted: []keys.PublicKey{sig}}
	if _, res, err := spool.Open(it.Envelope, ring); err != nil || !res.Signed {
		return fmt.Errorf("the signature does not verify under the CommonSignature of %s", b.Sender)
	}
	return nil
}

// findMessage returns the verified pending message with this id.
func (a *Account) findMessage(ctx context.Context, id string) (*InboundMessage, error) {
	list, err := a.pendingMessages(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range list {
		if udf.Equal(m.MessageID, id) {
			if m.Invalid != "" {
				return nil, fmt.Errorf("client: message %s cannot be answered: %s", id, m.Invalid)
			}
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w %q for %s (list them with `message pending`)", ErrNoMessage, id, a.rec.AccountAddress)
}

// closeMarker is the Inbound MessageComplete that closes a message.
func (a *Account) closeMarker(id string) ([]byte, error) {
	mc, err := spool.Complete(spool.RelationshipClosed, id)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	env, err := spool.Seal(mc, &profile.SealOptions{Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return env, nil
}
