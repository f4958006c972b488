package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// Remote contact exchange (protocol.md F6a): the requester registers a
// one-time contact PIN, sends its card with Reply set and the PIN, and
// allows the recipient's messages; the recipient accepts (AnswerMessage)
// and replies with its card authenticated by the PIN; the requester's next
// sync validates the PIN and adds the card without asking (step 4).

// contactPinBits is the size of a contact reply PIN (schema.md §9.3).
const contactPinBits = 128

// RequestContact sends a contact request to address (F6a step 1).
func (a *Account) RequestContact(ctx context.Context, address, subject string) (*SentMessage, error) {
	if err := a.checkRecipient(address); err != nil {
		return nil, err
	}
	admin, err := a.adminKey()
	if err != nil {
		return nil, err
	}
	enc, err := a.EncryptionKey()
	if err != nil {
		return nil, err
	}
	unlock, err := a.lockedSync(ctx, profile.StoreContact)
	if err != nil {
		return nil, err
	}
	defer unlock()
	pin, err := udf.AuthenticationKey(a.c.cfg.Rand, contactPinBits)
	if err != nil {
		return nil, fmt.Errorf("client: drawing a PIN: %w", err)
	}
	now := a.c.cfg.Now()
	mp, err := spool.NewMessagePin(pin, a.rec.AccountAddress, spool.ActionContact, nil, now.Add(contactPinLifetime), true)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	pinEnv, err := spool.Seal(mp, &profile.SealOptions{Signers: []keys.Signer{admin}, Recipients: []keys.PublicKey{enc},
		Rand: a.c.cfg.Rand, Created: now})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	_, card, err := a.selfCard()
	if err != nil {
		return nil, err
	}
	msg := &spool.MessageContact{Reply: true, PIN: pin, Subject: subject}
	msg.AuthenticatedData = card
	o := &outgoing{msg: msg, recipient: address, local: [][]byte{pinEnv},
		access: []*catalog.CatalogedAccess{catalog.NewInboundContact(address, true)}}
	// Encrypted if the recipient is already a contact; a first request
	// goes in the clear (docs/messaging.md §5).
	if pu, err := a.recipientProfile(ctx, address); err == nil {
		if o.to, _, err = publicKeys(pu); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, ErrNotContact) {
		return nil, err
	}
	return a.send(ctx, o)
}

// ContactOutcome is a contact reply handled at sync (F6a step 4).
type ContactOutcome struct {
	MessageID string `json:"message_id"`
	Sender    string `json:"sender"`
	Result    string `json:"result"`
	Error     string `json:"error,omitempty"`
}

// processContactReplies adds the cards of the pending MessageContact
// replies that prove knowledge of a contact PIN this account registered
// with Automatic set, closing the PIN and the message (F6a step 4, F6b
// step 3). Only the device holding the seed validates PINs.
func (a *Account) processContactReplies(ctx context.Context) ([]ContactOutcome, error) {
	if a.secrets == nil {
		return nil, nil
	}
	list, err := a.pendingMessages(ctx)
	if err != nil {
		return nil, err
	}
	var out []ContactOutcome
	for _, m := range list {
		mc, ok := m.msg.(*spool.MessageContact)
		if !ok || mc.PinId == "" || m.Invalid != "" {
			continue
		}
		o := ContactOutcome{MessageID: m.MessageID, Sender: m.Sender, Result: spool.ResultPending}
		if err := a.acceptByPin(ctx, m, mc); err != nil {
			o.Error = err.Error()
		} else {
			o.Result = spool.ResultAccept
		}
		out = append(out, o)
	}
	return out, nil
}

// acceptByPin validates the PIN of a contact message and, if the PIN is
// automatic, stores the card and closes the PIN and the message. A
// request that also asks for a reply is answered by `message accept`.
func (a *Account) acceptByPin(ctx context.Context, m *InboundMessage, mc *spool.MessageContact) error {
	mp, err := a.validateContactPin(mc)
	if err != nil {
		return err
	}
	if !mp.Automatic {
		return fmt.Errorf("client: the PIN of %s is not automatic: answer with `message accept %s`", m.MessageID, m.MessageID)
	}
	closePin, err := a.closePin(mp)
	if err != nil {
		return err
	}
	closeMsg, err := a.closeMarker(m.MessageID)
	if err != nil {
		return err
	}
	o := &outgoing{recipient: m.Sender, local: [][]byte{closePin}, inbound: [][]byte{closeMsg}}
	if err := a.acceptContact(o, m, mc); err != nil {
		return err
	}
	if o.msg == nil {
		return a.transactWith(ctx, o, nil)
	}
	_, err = a.send(ctx, o)
	return err
}

// validateContactPin finds and checks the contact PIN a message names.
func (a *Account) validateContactPin(mc *spool.MessageContact) (*spool.MessagePin, error) {
	ring, err := a.pinKeyring()
	if err != nil {
		return nil, err
	}
	lc, err := a.c.cfg.Home.openContainer(a.rec.ProfileUdf, profile.StoreLocal, true)
	if err != nil {
		return nil, err
	}
	defer lc.Close()
	sp, err := spool.OpenSpool(lc, profile.StoreLocal, ring)
	if err != nil {
		return nil, fmt.Errorf("client: the local Local spool: %w", err)
	}
	mp := signedPin(sp, mc.PinId)
	if mp != nil && mp.Action != spool.ActionContact {
		return nil, fmt.Errorf("%w: the PIN was issued for %q, not a contact", spool.ErrPinInvalid, mp.Action)
	}
	closed := mp != nil && pinClosed(sp, mp.MessageId)
	if err := spool.ValidatePin(mp, closed, &mc.MessagePinValidated, a.rec.AccountAddress, a.c.cfg.Now()); err != nil {
		return nil, err
	}
	return mp, nil
}
