package client

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// Confirmation (protocol.md F7; [ARCH] 4.3.2): the requester sends a
// RequestConfirmation to a contact; the responder's device answers with a
// ResponseConfirmation signed with its own key; `message status` on the
// requester verifies the answer and shows it as an auditable record.

// RequestConfirmation sends text to the contact address for confirmation.
func (a *Account) RequestConfirmation(ctx context.Context, address, text string) (*SentMessage, error) {
	if err := a.checkRecipient(address); err != nil {
		return nil, err
	}
	if text == "" || len(text) > MaxConfirmationText {
		return nil, fmt.Errorf("client: the confirmation text must be 1 to %d bytes, got %d", MaxConfirmationText, len(text))
	}
	unlock, err := a.lockedSync(ctx, profile.StoreContact)
	if err != nil {
		return nil, err
	}
	defer unlock()
	pu, err := a.recipientProfile(ctx, address)
	if err != nil {
		return nil, err
	}
	enc, _, err := publicKeys(pu)
	if err != nil {
		return nil, err
	}
	return a.send(ctx, &outgoing{msg: &spool.RequestConfirmation{Text: text}, recipient: address, to: enc})
}

// MessageStatus is what `message status` shows for a message this account
// sent.
type MessageStatus struct {
	MessageID string `json:"message_id"`
	Type      string `json:"type"`
	Recipient string `json:"recipient"`
	Body      string `json:"text,omitempty"`
	// Delivery is the Outbound state (schema.md §8): Sent, Refused, or
	// Initial while the recipient's service has not taken it.
	Delivery string `json:"delivery"`
	// Response is the verified answer to a confirmation request.
	Response *ConfirmationRecord `json:"response,omitempty"`
}

// ConfirmationRecord is the auditable record of a confirmation answer: who
// answered, on which device, what and when, all verified.
type ConfirmationRecord struct {
	ResponseID string `json:"response_id"`
	Responder  string `json:"responder"`
	Action     string `json:"action"` // Accept or Reject
	// Device is the responding device's profile UDF and DeviceKey the UDF
	// of its signature key, stated by a ConnectionDevice that the
	// responder's AdministratorSignature signed.
	Device    string    `json:"device"`
	DeviceKey string    `json:"device_key"`
	Time      time.Time `json:"time"`
	Verified  bool      `json:"verified"`
}

// MessageStatus syncs and reports a sent message: its delivery and, for a
// confirmation request, the verified response.
func (a *Account) MessageStatus(ctx context.Context, id string) (*MessageStatus, error) {
	unlock, err := a.lockedSync(ctx, profile.StoreInbound, profile.StoreOutbound, profile.StoreContact)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out, doneOut, err := a.openSpool(profile.StoreOutbound)
	if err != nil {
		return nil, err
	}
	defer doneOut()
	it := out.ByMessageID(id)
	if it == nil || it.Type == spool.TagMessageComplete {
		return nil, fmt.Errorf("%w %q in the messages %s sent", ErrNoMessage, id, a.rec.AccountAddress)
	}
	st := &MessageStatus{MessageID: it.MessageID, Type: it.Type, Delivery: out.Status(it.MessageID)}
	if st.Delivery == "" {
		st.Delivery = "Initial"
	}
	msg, _, err := out.Open(it)
	if err != nil {
		return nil, err
	}
	st.Recipient = msg.Base().Recipient
	req, ok := msg.(*spool.RequestConfirmation)
	if !ok {
		return st, nil
	}
	st.Body = req.Text
	if st.Response, err = a.confirmationRecord(ctx, it, st.Recipient); err != nil {
		return nil, err
	}
	return st, nil
}

// confirmationRecord finds the response to the request in MMM_Inbound (its
// MessageId is the request's ResponseId) and verifies it: signed by the
// responder's CommonSignature and by the device key that a ConnectionDevice
// signed by the responder's AdministratorSignature states, naming our
// request. It returns nil while there is no response.
func (a *Account) confirmationRecord(ctx context.Context, req *spool.Item, responder string) (*ConfirmationRecord, error) {
	rid, err := udf.ResponseID(req.MessageID)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	in, done, err := a.openSpool(profile.StoreInbound)
	if err != nil {
		return nil, err
	}
	defer done()
	it := in.ByMessageID(rid)
	if it == nil {
		return nil, nil
	}
	pu, err := a.recipientProfile(ctx, responder)
	if err != nil {
		return nil, err
	}
	_, common, err := publicKeys(pu)
	if err != nil {
		return nil, err
	}
	priv, err := a.DecryptionKeys()
	if err != nil {
		return nil, err
	}
	msg, res, err := spool.Open(it.Envelope, &dare.Keyring{Private: priv, Trusted: []keys.PublicKey{common}})
	if err != nil {
		return nil, fmt.Errorf("client: the response %s: %w", rid, err)
	}
	resp, ok := msg.(*spool.ResponseConfirmation)
	switch {
	case !ok:
		return nil, fmt.Errorf("client: message %s answers the request but is a %s", rid, msg.Tag())
	case !res.Signed:
		return nil, fmt.Errorf("client: the response %s is not signed by the CommonSignature of %s", rid, responder)
	case !strings.EqualFold(resp.Sender, responder):
		return nil, fmt.Errorf("client: the response %s comes from %q, the request went to %s", rid, resp.Sender, responder)
	case !sameEnvelope(resp.Request, req.Envelope):
		return nil, fmt.Errorf("client: the response %s answers another request", rid)
	}
	admin, err := pu.AdministratorSignature.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: AdministratorSignature of %s: %w", responder, err)
	}
	var cd profile.ConnectionDevice
	if err := profile.OpenSigned(resp.EnvelopedConnectionDevice, nil, admin, profile.TagConnectionDevice, &cd); err != nil {
		return nil, fmt.Errorf("client: the response %s: its ConnectionDevice: %w", rid, err)
	}
	if cd.ProfileUdf != pu.UDF() || cd.Signature == nil {
		return nil, fmt.Errorf("client: the response %s: the ConnectionDevice is not a device of %s", rid, responder)
	}
	dev, err := cd.Signature.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: the response %s: device key: %w", rid, err)
	}
	if _, res2, err := spool.Open(it.Envelope, &dare.Keyring{Private: priv, Trusted: []keys.PublicKey{dev}}); err != nil || !res2.Signed {
		return nil, fmt.Errorf("client: the response %s is not signed by the device key its ConnectionDevice states", rid)
	}
	rec := &ConfirmationRecord{ResponseID: rid, Responder: responder, Action: ActionReject,
		Device: cd.Subject, DeviceKey: dev.Fingerprint(), Verified: true}
	if resp.Accept {
		rec.Action = ActionAccept
	}
	if res.ContentMeta != nil && res.ContentMeta.Created != nil {
		rec.Time = res.ContentMeta.Created.UTC()
	}
	return rec, nil
}

// sameEnvelope compares two envelopes in their compact JSON form.
func sameEnvelope(a, b []byte) bool {
	ca, err1 := jsonb.Marshal(jsonb.Raw(a))
	cb, err2 := jsonb.Marshal(jsonb.Raw(b))
	return err1 == nil && err2 == nil && bytes.Equal(ca, cb)
}
