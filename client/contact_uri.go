package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// Contact exchange by URI or QR code (protocol.md §7 F6b; cli.md §7
// `contact static|dynamic|fetch|exchange`; schema.md §7.3
// CatalogedPublication, §9.5; udf.md §8.2). The publisher seals its self
// contact under a fresh type-32 key k, publishes it in MMM_Publication
// (Id and Authenticator derived from k, as for a preconfigured device) and
// registers k as a contact MessagePin; mcu://<address>/<k> is the URI. The
// reader claims the publication at the publisher's service with Claim,
// opens the card with k and adds it; `contact exchange` also sends its own
// card back in a MessageContact authenticated with k.

// Contact URI parameters (cli.md §7).
const (
	// contactURIBits is the size of k: DARE takes no symmetric key under
	// 128 bits (the same choice as the static QR PIN, docs/devices.md §6).
	contactURIBits = 128
	// dynamicContactLifetime is how long a dynamic URI, its publication
	// and its automatic PIN stay valid.
	dynamicContactLifetime = 24 * time.Hour
)

// ContactURIResult is the outcome of PublishContact.
type ContactURIResult struct {
	Account       string     `json:"account"`
	URI           string     `json:"uri"`
	PublicationID string     `json:"publication_id"`
	Dynamic       bool       `json:"dynamic"`
	Expires       *time.Time `json:"expires,omitempty"`
}

// PublishContact publishes this account's self contact for a contact URI
// (F6b step 1): one Transact with the CatalogedPublication in
// MMM_Publication and the MessagePin(k, Contact) in MMM_Local. A dynamic
// URI expires after a day and its PIN is automatic: an exchange with it is
// accepted at the next sync of the device holding the seed. A static URI
// does not expire; an exchange with it waits for `message accept`.
func (a *Account) PublishContact(ctx context.Context, dynamic bool) (*ContactURIResult, error) {
	admin, err := a.adminKey()
	if err != nil {
		return nil, err
	}
	enc, err := a.EncryptionKey()
	if err != nil {
		return nil, err
	}
	k, err := udf.Key(a.c.cfg.Rand, contactURIBits)
	if err != nil {
		return nil, fmt.Errorf("client: drawing the contact URI key: %w", err)
	}
	now := a.c.cfg.Now()
	pub, err := a.contactPublication(k)
	if err != nil {
		return nil, err
	}
	mp, err := spool.NewMessagePin(k, a.rec.AccountAddress, spool.ActionContact, nil, now.Add(dynamicContactLifetime), dynamic)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	res := &ContactURIResult{Account: a.rec.AccountAddress, PublicationID: pub.Id, Dynamic: dynamic}
	if dynamic {
		pub.NotOnOrAfter, res.Expires = mp.Expires, mp.Expires
	} else {
		mp.Expires = nil
	}
	pinEnv, err := spool.Seal(mp, &profile.SealOptions{Signers: []keys.Signer{admin}, Recipients: []keys.PublicKey{enc},
		Rand: a.c.cfg.Rand, Created: now})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if res.URI, err = udf.FormatConnectURI(a.rec.AccountAddress, k); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	err = a.transactMulti(ctx, []string{profile.StorePublication}, func(copies map[string]*localContainer) (*multiUpdate, error) {
		// MMM_Publication is not encrypted: the card is encrypted under k,
		// and the service reads Id and Authenticator (protocol.md §4.10).
		cat, err := catalog.Open(copies[profile.StorePublication], profile.StorePublication,
			catalog.Keys{Ring: &dare.Keyring{}, Rand: a.c.cfg.Rand})
		if err != nil {
			return nil, fmt.Errorf("client: the local copy of %s: %w", profile.StorePublication, err)
		}
		env, err := cat.New(pub)
		if err != nil {
			return nil, fmt.Errorf("client: the publication entry: %w", err)
		}
		return &multiUpdate{Updates: map[string][][]byte{profile.StorePublication: {env}}, Local: [][]byte{pinEnv}}, nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// contactPublication seals the self contact (signed with CommonSignature)
// under k and returns its CatalogedPublication.
func (a *Account) contactPublication(k string) (*catalog.CatalogedPublication, error) {
	_, card, err := a.selfCard()
	if err != nil {
		return nil, err
	}
	sk, err := dare.ParseSymmetricKey(k)
	if err != nil {
		return nil, fmt.Errorf("client: the contact URI key: %w", err)
	}
	sealed, err := dare.Seal(card, &dare.EncodeOptions{Symmetric: []*dare.SymmetricKey{sk}, Rand: a.c.cfg.Rand,
		ContentMeta: &dare.ContentMeta{ContentType: profile.ContentTypeObject, MessageType: catalog.TagContact}})
	if err != nil {
		return nil, fmt.Errorf("client: sealing the published contact: %w", err)
	}
	pub := &catalog.CatalogedPublication{EnvelopedData: sealed}
	if pub.Id, err = udf.PublicationID(k); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if pub.Authenticator, err = udf.ServiceAuthenticator(k); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return pub, nil
}

// ContactFetchResult is the outcome of FetchContact.
type ContactFetchResult struct {
	Address    string `json:"address"`
	ProfileUDF string `json:"profile_udf"`
	// Sent is this account's card sent back (ExchangeContact only).
	Sent *SentMessage `json:"sent,omitempty"`
}

// FetchContact claims the contact published under uri and adds it to
// MMM_Contact, with its address on the inbound allow-list (F6b step 2).
// With exchange set it also sends this account's card back (step 3): a
// MessageContact authenticated with the URI's key, asking for a reply with
// a fresh PIN of this account, as a contact request does.
func (a *Account) FetchContact(ctx context.Context, uri string, exchange bool) (*ContactFetchResult, error) {
	owner, k, err := contactURI(uri)
	if err != nil {
		return nil, err
	}
	if err := a.checkRecipient(owner); err != nil {
		return nil, err
	}
	unlock, err := a.lockedSync(ctx, profile.StoreContact)
	if err != nil {
		return nil, err
	}
	defer unlock()
	card, pu, err := a.claimContact(ctx, owner, k)
	if err != nil {
		return nil, err
	}
	res := &ContactFetchResult{Address: pu.AccountAddress, ProfileUDF: pu.UDF()}
	o := &outgoing{recipient: owner, contacts: []catalog.Entry{card},
		access: []*catalog.CatalogedAccess{catalog.NewInboundContact(owner, true)}}
	if !exchange {
		return res, a.transactWith(ctx, o, nil)
	}
	if err := a.exchangeMessage(o, pu, k); err != nil {
		return nil, err
	}
	if res.Sent, err = a.send(ctx, o); err != nil {
		return nil, err
	}
	return res, nil
}

// contactURI parses a contact URI: the publisher's address and k, a
// type-32 key (udf.md §8.2).
func contactURI(uri string) (owner, k string, err error) {
	owner, k, err = udf.ParseConnectURI(uri)
	if err != nil {
		return "", "", fmt.Errorf("client: %w", err)
	}
	t, _, err := udf.Parse(k)
	if err != nil {
		return "", "", fmt.Errorf("client: %w", err)
	}
	if t != udf.EncryptionKey {
		return "", "", fmt.Errorf("client: %s carries a device connection PIN (UDF type %d), not a contact key; use it with `device join`", uri, byte(t))
	}
	return owner, k, nil
}

// claimContact sends a MessageClaim for the publication of k to the
// owner's service and returns the verified card it publishes: the card
// must decrypt with k, carry the owner's self-signed profile and be signed
// by its CommonSignature.
func (a *Account) claimContact(ctx context.Context, owner, k string) (*catalog.CatalogedContact, *profile.ProfileUser, error) {
	sig, err := a.commonSigner()
	if err != nil {
		return nil, nil, err
	}
	claim := &spool.MessageClaim{Message: spool.Message{Sender: a.rec.AccountAddress, Recipient: owner}}
	if claim.PublicationId, err = udf.PublicationID(k); err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	if claim.ServiceAuthenticate, claim.DeviceAuthenticate, err = udf.ClaimAuthenticators(a.rec.AccountAddress, k); err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	claimEnv, err := spool.Seal(claim, &profile.SealOptions{Signers: []keys.Signer{sig}, Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()})
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	pc, _, err := a.c.connect(ctx, owner, "", "")
	if err != nil {
		return nil, nil, err
	}
	resp, err := pc.Claim(ctx, nil, &protocol.ClaimRequest{EnvelopedMessageClaim: claimEnv})
	if errors.Is(err, protocol.ErrNotFound) {
		return nil, nil, fmt.Errorf("client: %s publishes no contact under this URI at %s (expired or never published): %w", owner, pc.Endpoint(), err)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("client: claiming the contact of %s at %s: %w", owner, pc.Endpoint(), err)
	}
	var pub catalog.CatalogedPublication
	if err := jsonb.Unmarshal(resp.CatalogedPublication, &pub); err != nil {
		return nil, nil, fmt.Errorf("client: the publication %s returned: %w", owner, err)
	}
	if pub.Id != claim.PublicationId {
		return nil, nil, fmt.Errorf("client: %s returned publication %q, not %q", owner, pub.Id, claim.PublicationId)
	}
	return openPublishedCard(pub.EnvelopedData, owner, k)
}

// openPublishedCard decrypts a published contact with k and verifies it
// is the self contact of owner.
func openPublishedCard(env []byte, owner, k string) (*catalog.CatalogedContact, *profile.ProfileUser, error) {
	if len(env) > MaxContactCardSize {
		return nil, nil, fmt.Errorf("client: the published contact of %s is %d bytes, more than %d", owner, len(env), MaxContactCardSize)
	}
	sk, err := dare.ParseSymmetricKey(k)
	if err != nil {
		return nil, nil, fmt.Errorf("client: the contact URI key: %w", err)
	}
	inner, _, err := dare.Open(env, &dare.Keyring{Symmetric: []*dare.SymmetricKey{sk}})
	if err != nil {
		return nil, nil, fmt.Errorf("client: the contact %s published does not decrypt with the URI's key: %w", owner, err)
	}
	card, pu, err := openCard(inner, nil)
	if err != nil {
		return nil, nil, err
	}
	if !strings.EqualFold(pu.AccountAddress, owner) {
		return nil, nil, fmt.Errorf("client: the contact published by %s is the card of %s", owner, pu.AccountAddress)
	}
	return card, pu, nil
}

// exchangeMessage fills o with this account's card in a MessageContact to
// the owner of k, authenticated with k (F6b step 3) and asking for a reply
// with a fresh automatic PIN, registered in MMM_Local (as F6a step 1).
func (a *Account) exchangeMessage(o *outgoing, pu *profile.ProfileUser, k string) error {
	admin, err := a.adminKey()
	if err != nil {
		return err
	}
	own, err := a.EncryptionKey()
	if err != nil {
		return err
	}
	pin, err := udf.AuthenticationKey(a.c.cfg.Rand, contactPinBits)
	if err != nil {
		return fmt.Errorf("client: drawing a PIN: %w", err)
	}
	now := a.c.cfg.Now()
	mp, err := spool.NewMessagePin(pin, a.rec.AccountAddress, spool.ActionContact, nil, now.Add(contactPinLifetime), true)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	pinEnv, err := spool.Seal(mp, &profile.SealOptions{Signers: []keys.Signer{admin}, Recipients: []keys.PublicKey{own},
		Rand: a.c.cfg.Rand, Created: now})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	_, card, err := a.selfCard()
	if err != nil {
		return err
	}
	msg := &spool.MessageContact{Reply: true, PIN: pin, Subject: "exchange"}
	msg.AuthenticatedData = card
	if err := spool.AuthenticateWithPin(&msg.MessagePinValidated, k, spool.ActionContact, pu.AccountAddress, a.c.cfg.Rand); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	to, _, err := publicKeys(pu)
	if err != nil {
		return err
	}
	o.msg, o.to, o.local = msg, to, [][]byte{pinEnv}
	return nil
}
