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
)

// Group invitations (schema.md §9.2 GroupInvitation; protocol.md F8 add
// steps 3-4). The administrator sends the member a GroupInvitation, signed
// with the administrator's CommonSignature and encrypted to the member's
// CommonEncryption key, whose Contact is a ContactGroup: the group address,
// its signed ProfileGroup, and a CapabilityDecryptPartial holding the
// member's share m of the group key, itself enveloped to the member's
// CommonEncryption key. It travels as an Outbound message of the
// administrator's account; the service delivers it to the member's
// MMM_Inbound. The member's next `account sync` stores the ContactGroup in
// MMM_Contact and closes the invitation.

// TagGroupInvitation is the message type of a group invitation.
const TagGroupInvitation = "GroupInvitation"

// GroupInvitation tells a new member about a group (schema.md §9.2).
type GroupInvitation struct {
	spool.Message
	Text    string                 `json:"Text,omitempty"`
	Contact *catalog.TaggedContact `json:"Contact,omitempty"`
}

// Tag returns "GroupInvitation".
func (*GroupInvitation) Tag() string { return TagGroupInvitation }

// GroupJoined reports one invitation handled by a sync.
type GroupJoined struct {
	Group      string `json:"group"`
	Sender     string `json:"sender,omitempty"`
	Capability string `json:"capability,omitempty"`
	// Verified is whether the invitation's signature was checked against
	// the sender's profile (the sender is a contact or an account here).
	Verified bool `json:"verified"`
	// Error says why the invitation was left pending.
	Error string `json:"error,omitempty"`
}

// groupContact is the ContactGroup a member receives (F8 add step 1): the
// group address and profile, and the CapabilityDecryptPartial with the
// member's share enveloped to the member's CommonEncryption key.
func (a *Account) groupContact(g *group, member string, mp *profile.ProfileUser, s *memberSplit) (*catalog.ContactGroup, error) {
	enc, err := mp.CommonEncryption.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: the CommonEncryption key of %s: %w", member, err)
	}
	grantee, err := mp.CommonAuthentication.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: the CommonAuthentication key of %s: %w", member, err)
	}
	share, err := sealKeyData(s.member, s.capID, enc, a.c.cfg.Rand)
	if err != nil {
		return nil, err
	}
	now := a.c.cfg.Now().UTC().Truncate(time.Second)
	cg := &catalog.ContactGroup{}
	cg.Id = g.profile.UDF()
	cg.Anchors = []catalog.Anchor{{Udf: g.profile.UDF(), Validation: "Group"}}
	cg.NetworkAddresses = []catalog.NetworkAddress{{
		Address: g.profile.AccountAddress, EnvelopedProfileAccount: g.acct.rec.EnvelopedProfileUser,
		Protocols: []catalog.NetworkProtocol{{Protocol: "mmm"}},
		Capabilities: []catalog.Capability{{CapabilityDecryptPartial: &catalog.CryptographicCapability{
			CapabilityBase: catalog.CapabilityBase{Id: s.capID, Active: true, Issued: &now},
			KeyData:        keys.NewKeyData(s.primary), GranteeAccount: member, GranteeUdf: grantee.Fingerprint(),
			EnvelopedKeyShare: share,
		}}},
	}}
	return cg, nil
}

// deliverShare gives member its share (F8 add steps 3-4): to this very
// account, the ContactGroup goes straight into MMM_Contact; to anyone
// else, in a GroupInvitation.
func (a *Account) deliverShare(ctx context.Context, g *group, member string, mp *profile.ProfileUser, s *memberSplit) error {
	cg, err := a.groupContact(g, member, mp, s)
	if err != nil {
		return err
	}
	if mp.UDF() == a.rec.ProfileUdf {
		return a.putLocked(ctx, profile.StoreContact,
			&catalog.CatalogedContact{Key: g.profile.UDF(), Contact: &catalog.TaggedContact{ContactGroup: cg}})
	}
	return a.sendInvitation(ctx, g, member, mp, cg)
}

// sendInvitation sends member the group contact in a GroupInvitation
// signed with this account's CommonSignature and encrypted to the
// member's CommonEncryption key, as an Outbound message (F8 add step 3).
func (a *Account) sendInvitation(ctx context.Context, g *group, member string, mp *profile.ProfileUser, cg *catalog.ContactGroup) error {
	enc, err := mp.CommonEncryption.PublicKey()
	if err != nil {
		return fmt.Errorf("client: the CommonEncryption key of %s: %w", member, err)
	}
	inv := &GroupInvitation{Message: spool.Message{Sender: a.rec.AccountAddress, Recipient: member},
		Text:    fmt.Sprintf("%s adds you to the group %s", a.rec.AccountAddress, g.profile.AccountAddress),
		Contact: &catalog.TaggedContact{ContactGroup: cg}}
	signer, err := a.secrets.CommonSignature()
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	env, err := spool.Seal(inv, &profile.SealOptions{Signers: []keys.Signer{signer}, Recipients: []keys.PublicKey{enc},
		Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()})
	if err != nil {
		return fmt.Errorf("client: the invitation to %s: %w", member, err)
	}
	cred, err := a.credential()
	if err != nil {
		return err
	}
	pc, err := a.service(ctx)
	if err != nil {
		return err
	}
	if _, err := pc.Transact(ctx, cred, &protocol.TransactRequest{
		MeshRequestUser: protocol.MeshRequestUser{Account: a.rec.ProfileUdf},
		Outbound:        []jsonb.Raw{env}, Accounts: []string{member},
	}); err != nil {
		return fmt.Errorf("client: sending the group invitation to %s: %w", member, err)
	}
	return nil
}

// processGroupInvitations handles the GroupInvitations of the local
// Inbound copy not yet closed (F8 add step 4): each valid one becomes a
// ContactGroup in MMM_Contact (replacing an older one for the same group)
// and is closed in the same Transact. An invitation this device cannot
// open or that fails a check is reported and left pending. The data
// directory must be locked and the spools synced.
func (a *Account) processGroupInvitations(ctx context.Context) ([]GroupJoined, error) {
	ring, err := a.memberRing()
	if err != nil || ring == nil {
		return nil, err
	}
	lc, err := a.c.cfg.Home.openContainer(a.rec.ProfileUdf, profile.StoreInbound, true)
	if err != nil {
		return nil, err
	}
	sp, err := spool.OpenSpool(lc, profile.StoreInbound, nil)
	if err != nil {
		lc.Close()
		return nil, fmt.Errorf("client: the local Inbound spool: %w", err)
	}
	var items []*spool.Item
	for _, it := range sp.Items(func(it *spool.Item) bool { return it.Type == TagGroupInvitation }) {
		if sp.Status(it.MessageID) != spool.RelationshipClosed {
			items = append(items, it)
		}
	}
	lc.Close()
	var out []GroupJoined
	for _, it := range items {
		j, cc, err := a.openInvitation(ctx, it.Envelope, ring)
		if err != nil {
			j.Error = err.Error()
			out = append(out, j)
			continue
		}
		if err := a.acceptInvitation(ctx, cc, it.MessageID); err != nil {
			return out, err
		}
		out = append(out, j)
	}
	return out, nil
}

// memberRing is the keyring that opens what is encrypted to this
// account's CommonEncryption key, or nil if this device holds none.
func (a *Account) memberRing() (*dare.Keyring, error) {
	ks, err := a.DecryptionKeys()
	if err != nil || len(ks) == 0 {
		return nil, err
	}
	return &dare.Keyring{Private: ks}, nil
}

// openInvitation opens and checks one invitation and returns the contact
// entry to store.
func (a *Account) openInvitation(ctx context.Context, env []byte, ring *dare.Keyring) (GroupJoined, *catalog.CatalogedContact, error) {
	var j GroupJoined
	o, err := profile.Open(env, ring)
	if err != nil {
		return j, nil, fmt.Errorf("client: opening a group invitation: %w", err)
	}
	var inv GroupInvitation
	if err := o.Decode(TagGroupInvitation, &inv); err != nil {
		return j, nil, fmt.Errorf("client: a group invitation: %w", err)
	}
	j.Sender = inv.Sender
	if inv.Contact == nil || inv.Contact.ContactGroup == nil {
		return j, nil, errors.New("client: the group invitation carries no ContactGroup")
	}
	gs, err := parseGroupContact(inv.Contact.ContactGroup, ring)
	if err != nil {
		return j, nil, err
	}
	j.Group, j.Capability = gs.address, gs.capID
	// protocol.md F8: the administrator must be a contact. An invitation
	// whose signature cannot be checked is left open: anyone can make a
	// self-signed ProfileGroup for any address, and storing it would let a
	// stranger on the allow-list stand in for a group this account encrypts to.
	signer := a.knownSigner(ctx, inv.Sender)
	if signer == nil {
		return j, nil, fmt.Errorf("client: the group invitation claims to come from %q, which is neither a contact nor an account of this machine, so its signature cannot be checked; add the sender as a contact and sync again", inv.Sender)
	}
	var again GroupInvitation
	if err := profile.OpenSigned(env, ring, signer, TagGroupInvitation, &again); err != nil {
		return j, nil, fmt.Errorf("client: the group invitation claims to come from %s but is not signed by its CommonSignature key: %w", inv.Sender, err)
	}
	j.Verified = true
	cc := &catalog.CatalogedContact{Key: gs.profileUDF, Contact: &catalog.TaggedContact{ContactGroup: inv.Contact.ContactGroup}}
	return j, cc, nil
}

// knownSigner returns the CommonSignature key of sender if sender is an
// account of this machine or a contact of this account with its profile.
func (a *Account) knownSigner(ctx context.Context, sender string) keys.PublicKey {
	if sender == "" {
		return nil
	}
	p, _, err := a.memberProfileLocal(ctx, sender)
	if err != nil || p == nil || p.CommonSignature == nil {
		return nil
	}
	k, err := p.CommonSignature.PublicKey()
	if err != nil {
		return nil
	}
	return k
}

// memberProfileLocal is memberProfile without a sync of the contacts.
func (a *Account) memberProfileLocal(ctx context.Context, address string) (*profile.ProfileUser, []byte, error) {
	if other, err := a.c.Open(address); err == nil {
		p, err := other.Profile()
		return p, other.rec.EnvelopedProfileUser, err
	}
	cat, lc, err := a.openLocal(profile.StoreContact)
	if err != nil {
		return nil, nil, err
	}
	defer lc.Close()
	list, err := cat.List()
	if err != nil {
		return nil, nil, err
	}
	for _, e := range list {
		cc, ok := e.(*catalog.CatalogedContact)
		if !ok || cc.Contact == nil || cc.Contact.ContactGroup != nil {
			continue
		}
		_, body, err := cc.Contact.Body()
		if err != nil {
			continue
		}
		for _, na := range body.NetworkAddresses {
			if strings.EqualFold(na.Address, address) && len(na.EnvelopedProfileAccount) > 0 {
				p, err := profile.VerifyProfileUser(na.EnvelopedProfileAccount)
				if err == nil && strings.EqualFold(p.AccountAddress, address) {
					return p, na.EnvelopedProfileAccount, nil
				}
			}
		}
	}
	return nil, nil, nil
}

// acceptInvitation stores the group contact and closes the invitation.
func (a *Account) acceptInvitation(ctx context.Context, cc *catalog.CatalogedContact, messageID string) error {
	ck, err := a.storeKeys(profile.StoreContact)
	if err != nil {
		return err
	}
	mc, err := spool.Complete(spool.RelationshipClosed, messageID)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	closing, err := spool.Seal(mc, &profile.SealOptions{Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return a.transactMulti(ctx, []string{profile.StoreContact}, func(copies map[string]*localContainer) (*multiUpdate, error) {
		cat, err := catalog.Open(copies[profile.StoreContact], profile.StoreContact, ck)
		if err != nil {
			return nil, fmt.Errorf("client: the local copy of %s: %w", profile.StoreContact, err)
		}
		env, err := cat.Put(cc)
		if err != nil {
			return nil, fmt.Errorf("client: the group contact: %w", err)
		}
		return &multiUpdate{Updates: map[string][][]byte{profile.StoreContact: {env}}, Inbound: [][]byte{closing}}, nil
	})
}
