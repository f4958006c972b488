package client

import (
	"context"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/spool"
)

// Sending messages to other accounts (protocol.md §4.8, §6; docs/messaging.md
// §2): the device signs each message with CommonSignature (a confirmation
// response also with its own device key), encrypts it to the recipient's
// CommonEncryption key when it knows it, and hands it to its own service
// with Transact Outbound; the service delivers it.

// resultPending is the TransactResponse result of a delivery the
// recipient's service could not take yet; the sender's service retries it.
const resultPending = "Pending"

// SentMessage describes a message handed to the service.
type SentMessage struct {
	MessageID string `json:"message_id"`
	Type      string `json:"type"`
	Recipient string `json:"recipient"`
	// Encrypted is false for a first contact request, whose recipient's key
	// is not known yet (docs/messaging.md §5).
	Encrypted bool `json:"encrypted"`
}

// outgoing is a message being sent, with what goes with it in the same
// Transact.
type outgoing struct {
	msg       spool.Any
	recipient string
	to        keys.PublicKey // nil: in the clear
	signers   []keys.Signer
	local     [][]byte
	inbound   [][]byte
	contacts  []catalog.Entry            // MMM_Contact updates
	access    []*catalog.CatalogedAccess // MMM_Access updates (allow-list)
}

// sealFor signs and (if o.to is set) encrypts o.msg.
func (a *Account) sealFor(o *outgoing) ([]byte, error) {
	b := o.msg.Base()
	b.Sender, b.Recipient = a.rec.AccountAddress, o.recipient
	opts := &profile.SealOptions{Signers: o.signers, Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()}
	if o.to != nil {
		// The account's own key too, so its devices can read MMM_Outbound.
		own, err := a.EncryptionKey()
		if err != nil {
			return nil, err
		}
		opts.Recipients = []keys.PublicKey{o.to, own}
	}
	env, err := spool.Seal(o.msg, opts)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return env, nil
}

// send makes one Transact with the message in Outbound and the catalog and
// spool updates that go with it. The data directory must be locked.
func (a *Account) send(ctx context.Context, o *outgoing) (*SentMessage, error) {
	if len(o.signers) == 0 {
		sig, err := a.commonSigner()
		if err != nil {
			return nil, err
		}
		o.signers = []keys.Signer{sig}
	}
	env, err := a.sealFor(o)
	if err != nil {
		return nil, err
	}
	if err := a.transactWith(ctx, o, [][]byte{env}); err != nil {
		return nil, err
	}
	return &SentMessage{MessageID: o.msg.Base().MessageId, Type: o.msg.Tag(), Recipient: o.recipient, Encrypted: o.to != nil}, nil
}

// transactWith commits o's catalog and spool updates with outbound (which
// may be empty) in one Transact.
func (a *Account) transactWith(ctx context.Context, o *outgoing, outbound [][]byte) error {
	var containers []string
	if len(o.contacts) > 0 {
		containers = append(containers, profile.StoreContact)
	}
	if len(o.access) > 0 {
		containers = append(containers, profile.StoreAccess)
	}
	keysOf := map[string]catalog.Keys{}
	for _, label := range containers {
		ck, err := a.storeKeys(label)
		if err != nil {
			return err
		}
		keysOf[label] = ck
	}
	return a.transactMulti(ctx, containers, func(copies map[string]*localContainer) (*multiUpdate, error) {
		u := &multiUpdate{Updates: map[string][][]byte{}, Local: o.local, Inbound: o.inbound}
		if len(outbound) > 0 {
			u.Outbound, u.Accounts = outbound, []string{o.recipient}
		}
		for label, entries := range map[string][]catalog.Entry{profile.StoreContact: o.contacts, profile.StoreAccess: accessEntries(o.access)} {
			if len(entries) == 0 {
				continue
			}
			cat, err := catalog.Open(copies[label], label, keysOf[label])
			if err != nil {
				return nil, fmt.Errorf("client: the local copy of %s: %w", label, err)
			}
			for _, e := range entries {
				env, err := cat.Put(e)
				if err != nil {
					return nil, err
				}
				u.Updates[label] = append(u.Updates[label], env)
			}
		}
		return u, nil
	})
}

func accessEntries(list []*catalog.CatalogedAccess) []catalog.Entry {
	out := make([]catalog.Entry, 0, len(list))
	for _, e := range list {
		out = append(out, e)
	}
	return out
}

// openCatalog opens the local copy of a catalog (no lock, no sync), with
// the service's partial decryptions fetched when the key is a share.
func (a *Account) openCatalog(ctx context.Context, label string) (*catalog.Catalog, func(), error) {
	ck, err := a.storeKeys(label)
	if err != nil {
		return nil, nil, err
	}
	lc, err := a.c.cfg.Home.openContainer(a.rec.ProfileUdf, label, true)
	if err != nil {
		return nil, nil, err
	}
	cat, err := catalog.Open(lc, label, ck)
	if err != nil {
		lc.Close()
		return nil, nil, fmt.Errorf("client: the local copy of %s: %w", label, err)
	}
	if err := a.prefetchCatalog(ctx, cat, lc, ck); err != nil {
		lc.Close()
		return nil, nil, err
	}
	return cat, func() { lc.Close() }, nil
}

// recipientProfile returns the verified profile of a contact.
func (a *Account) recipientProfile(ctx context.Context, address string) (*profile.ProfileUser, error) {
	cat, done, err := a.openCatalog(ctx, profile.StoreContact)
	if err != nil {
		return nil, err
	}
	defer done()
	return contactProfile(cat, address)
}

// checkRecipient validates a recipient address.
func (a *Account) checkRecipient(address string) error {
	if _, err := ServiceDomain(address); err != nil {
		return err
	}
	if strings.EqualFold(address, a.rec.AccountAddress) {
		return fmt.Errorf("client: %s is this account", address)
	}
	return nil
}

// lockedSync locks the data directory and syncs the containers; the
// returned function unlocks.
func (a *Account) lockedSync(ctx context.Context, containers ...string) (func(), error) {
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	if _, err := a.sync(ctx, containers); err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}
