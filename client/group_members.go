package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/threshold"
)

// Group membership (protocol.md F8 add and remove; threshold.md §3.4).

// ErrNoMember is returned when the group has no such member.
var ErrNoMember = errors.New("client: no such member of the group")

// ErrAlreadyMember is returned by AddMember for a current member.
var ErrAlreadyMember = errors.New("client: already a member of the group")

// ErrUnknownMember is returned by AddMember when the member's account
// profile is neither an account of this machine nor a contact.
var ErrUnknownMember = errors.New("client: the member's account profile is unknown")

// MemberInfo describes one member of a group.
type MemberInfo struct {
	Group   string `json:"group"`
	Member  string `json:"member"`
	Profile string `json:"profile,omitempty"`
	// Capability is the Id of the member's capability (the fingerprint of
	// its share of the group key).
	Capability string `json:"capability"`
	// Active is whether the service still holds the capability.
	Active bool `json:"active"`
}

// AddMember adds member to group (protocol.md F8 add): the group's
// CommonEncryption key z is split afresh, z = m + s; m goes to the member
// in a GroupInvitation (encrypted to the member's CommonEncryption key),
// s to the group's MMM_Access as a CapabilityDecryptServiced for the
// member's CommonAuthentication key, enveloped to the host's AccessEncrypt
// key, with the CatalogedMember in MMM_Member. The invitation is sent
// first: if the group update then fails, the member holds a share the
// service will never complete.
func (a *Account) AddMember(ctx context.Context, groupAddr, member string) (*MemberInfo, error) {
	if _, err := ServiceDomain(member); err != nil {
		return nil, err
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	g, err := a.openGroup(ctx, groupAddr)
	if err != nil {
		return nil, err
	}
	mp, _, err := a.memberProfile(ctx, member)
	if err != nil {
		return nil, err
	}
	if cur, err := g.members(ctx, true); err != nil {
		return nil, err
	} else if _, ok := cur[strings.ToLower(member)]; ok {
		return nil, fmt.Errorf("%w %s: %s", ErrAlreadyMember, g.profile.AccountAddress, member)
	}
	host, err := g.acct.accessEncrypt()
	if err != nil {
		return nil, err
	}
	split, err := g.split(host, a.c.cfg.Rand)
	if err != nil {
		return nil, err
	}
	grantee, err := mp.CommonAuthentication.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: the CommonAuthentication key of %s: %w", member, err)
	}
	if err := a.deliverShare(ctx, g, member, mp, split); err != nil {
		return nil, err
	}
	now := a.c.cfg.Now().UTC().Truncate(time.Second)
	capab := &catalog.CatalogedAccess{Capability: &catalog.Capability{CapabilityDecryptServiced: &catalog.CapabilityDecryptServiced{
		CryptographicCapability: catalog.CryptographicCapability{
			CapabilityBase: catalog.CapabilityBase{Id: split.capID, Active: true, Issued: &now},
			KeyData:        keys.NewKeyData(split.primary), GranteeAccount: member, GranteeUdf: grantee.Fingerprint(),
			EnvelopedKeyShare: split.service,
		},
		AuthenticationId: grantee.Fingerprint(),
	}}}
	entry := &catalog.CatalogedMember{ContactAddress: member, MemberCapabilityId: split.capID, ServiceCapabilityId: split.capID}
	if err := g.update(ctx, func(mem, acc *catalog.Catalog) ([]byte, []byte, error) {
		me, err := mem.Put(entry)
		if err != nil {
			return nil, nil, err
		}
		ae, err := acc.Put(capab)
		return me, ae, err
	}); err != nil {
		return nil, fmt.Errorf("client: %s was sent its share, but recording the membership at the group's service failed: %w", member, err)
	}
	return &MemberInfo{Group: g.profile.AccountAddress, Member: member, Profile: mp.UDF(), Capability: split.capID, Active: true}, nil
}

// RemoveMember removes member from group (protocol.md F8 remove): the
// CatalogedMember and the member's CapabilityDecryptServiced are deleted
// in one Transact, so the service refuses the member's next Operate and
// the member can no longer decrypt any file encrypted to the group, old
// or new. Nothing is re-encrypted.
func (a *Account) RemoveMember(ctx context.Context, groupAddr, member string) (*MemberInfo, error) {
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	g, err := a.openGroup(ctx, groupAddr)
	if err != nil {
		return nil, err
	}
	cur, err := g.members(ctx, true)
	if err != nil {
		return nil, err
	}
	m, ok := cur[strings.ToLower(member)]
	if !ok {
		return nil, fmt.Errorf("%w %s: %s", ErrNoMember, g.profile.AccountAddress, member)
	}
	if err := g.update(ctx, func(mem, acc *catalog.Catalog) ([]byte, []byte, error) {
		me, err := mem.Delete(m.ContactAddress)
		if err != nil {
			return nil, nil, err
		}
		if acc.Latest(m.ServiceCapabilityId) == 0 {
			return me, nil, nil
		}
		ae, err := acc.Delete(m.ServiceCapabilityId)
		return me, ae, err
	}); err != nil {
		return nil, err
	}
	return &MemberInfo{Group: g.profile.AccountAddress, Member: m.ContactAddress, Capability: m.ServiceCapabilityId}, nil
}

// Members lists the members of group with the state of their capability.
func (a *Account) Members(ctx context.Context, groupAddr string) ([]*MemberInfo, error) {
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	g, err := a.openGroup(ctx, groupAddr)
	if err != nil {
		return nil, err
	}
	cur, err := g.members(ctx, true)
	if err != nil {
		return nil, err
	}
	active, err := g.activeCapabilities()
	if err != nil {
		return nil, err
	}
	out := []*MemberInfo{}
	for _, m := range cur {
		out = append(out, &MemberInfo{Group: g.profile.AccountAddress, Member: m.ContactAddress,
			Capability: m.ServiceCapabilityId, Active: active[m.ServiceCapabilityId]})
	}
	sortMembers(out)
	return out, nil
}

// Member returns one member of group.
func (a *Account) Member(ctx context.Context, groupAddr, member string) (*MemberInfo, error) {
	list, err := a.Members(ctx, groupAddr)
	if err != nil {
		return nil, err
	}
	for _, m := range list {
		if strings.EqualFold(m.Member, member) {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w %s: %s", ErrNoMember, groupAddr, member)
}

// members syncs (if asked) and reads the group's MMM_Member catalog, keyed
// by lower-cased member address.
func (g *group) members(ctx context.Context, sync bool) (map[string]*catalog.CatalogedMember, error) {
	if sync {
		if _, err := g.acct.sync(ctx, []string{profile.StoreMember, profile.StoreAccess}); err != nil {
			return nil, err
		}
	}
	cat, lc, err := g.acct.openLocal(profile.StoreMember)
	if err != nil {
		return nil, err
	}
	defer lc.Close()
	list, err := cat.List()
	if err != nil {
		return nil, err
	}
	out := map[string]*catalog.CatalogedMember{}
	for _, e := range list {
		if m, ok := e.(*catalog.CatalogedMember); ok {
			out[strings.ToLower(m.ContactAddress)] = m
		}
	}
	return out, nil
}

// activeCapabilities returns the Ids of the active service capabilities
// in the group's local MMM_Access copy.
func (g *group) activeCapabilities() (map[string]bool, error) {
	cat, lc, err := g.acct.openLocal(profile.StoreAccess)
	if err != nil {
		return nil, err
	}
	defer lc.Close()
	list, err := cat.List()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, e := range list {
		if ca, ok := e.(*catalog.CatalogedAccess); ok && ca.Capability.CapabilityDecryptServiced != nil {
			c := ca.Capability.CapabilityDecryptServiced
			out[c.Id] = c.Active
		}
	}
	return out, nil
}

// update writes MMM_Member and MMM_Access of the group in one conditional
// Transact as the group (the administrator's group key credential).
func (g *group) update(ctx context.Context, build func(mem, acc *catalog.Catalog) ([]byte, []byte, error)) error {
	containers := []string{profile.StoreMember, profile.StoreAccess}
	mk, err := g.acct.storeKeys(profile.StoreMember)
	if err != nil {
		return err
	}
	ak, err := g.acct.storeKeys(profile.StoreAccess)
	if err != nil {
		return err
	}
	return g.acct.transactMulti(ctx, containers, func(copies map[string]*localContainer) (*multiUpdate, error) {
		mem, err := catalog.Open(copies[profile.StoreMember], profile.StoreMember, mk)
		if err != nil {
			return nil, fmt.Errorf("client: the local copy of %s: %w", profile.StoreMember, err)
		}
		acc, err := catalog.Open(copies[profile.StoreAccess], profile.StoreAccess, ak)
		if err != nil {
			return nil, fmt.Errorf("client: the local copy of %s: %w", profile.StoreAccess, err)
		}
		me, ae, err := build(mem, acc)
		if err != nil {
			return nil, err
		}
		u := &multiUpdate{Updates: map[string][][]byte{profile.StoreMember: {me}}}
		if ae != nil {
			u.Updates[profile.StoreAccess] = [][]byte{ae}
		}
		return u, nil
	})
}

// openLocal opens the local copy of catalog label for reading.
func (a *Account) openLocal(label string) (*catalog.Catalog, *localContainer, error) {
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
	return cat, lc, nil
}

func sortMembers(list []*MemberInfo) {
	sort.Slice(list, func(i, j int) bool { return strings.ToLower(list[i].Member) < strings.ToLower(list[j].Member) })
}

// memberSplit is one fresh split z = m + s of the group's CommonEncryption
// key (threshold.md §3.4): member is m as a KeyData share (the form of
// docs/devices.md §3), service is s enveloped to the host key, and capID
// the fingerprint of m's public key, which names both halves.
type memberSplit struct {
	primary keys.PublicKey
	capID   string
	member  *keys.KeyData
	service []byte
}

// split draws a fresh split of the group's CommonEncryption key for one
// member; the service's half is enveloped to host alone.
func (g *group) split(host keys.PublicKey, rand io.Reader) (*memberSplit, error) {
	z, err := g.acct.secrets.CommonEncryption()
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	whole, err := thresholdKey(z)
	if err != nil {
		return nil, err
	}
	parts, err := whole.Split(2, rand)
	if err != nil {
		return nil, fmt.Errorf("client: splitting the group key: %w", err)
	}
	raw := z.Algorithm().String() + "z"
	m, err := (&keys.PrivateKeyECDH{Curve: raw, Private: parts[0].Bytes()}).PrivateKey()
	if err != nil {
		return nil, fmt.Errorf("client: the member share: %w", err)
	}
	capID := m.Public().Fingerprint()
	mj := &keys.PrivateKeyECDH{Kid: capID, Curve: raw, Public: m.Public().Bytes(), Private: parts[0].Bytes()}
	member := keys.NewKeyData(z.Public())
	member.PrivateParameters = &keys.Key{PrivateKeyECDH: mj}
	sk := keys.NewKeyData(z.Public())
	sk.PrivateParameters = &keys.Key{PrivateKeyECDH: &keys.PrivateKeyECDH{Kid: capID, Curve: raw, Private: parts[1].Bytes()}}
	env, err := sealKeyData(sk, capID, host, rand)
	if err != nil {
		return nil, err
	}
	return &memberSplit{primary: z.Public(), capID: capID, member: member, service: env}, nil
}

// sealKeyData envelopes a KeyData holding a share ({"KeyData": ...}, the
// payload the service's Operate opens) to one recipient.
func sealKeyData(kd *keys.KeyData, id string, to keys.PublicKey, rand io.Reader) ([]byte, error) {
	payload, err := jsonb.MarshalTagged(profile.TagKeyData, kd, jsonb.JSON)
	if err != nil {
		return nil, fmt.Errorf("client: encoding a key share: %w", err)
	}
	defer clear(payload)
	env, err := dare.Seal(payload, &dare.EncodeOptions{Recipients: []keys.PublicKey{to}, Rand: rand,
		ContentMeta: &dare.ContentMeta{ContentType: profile.ContentTypeObject, MessageType: profile.TagKeyData, UniqueID: id}})
	if err != nil {
		return nil, fmt.Errorf("client: enveloping a key share: %w", err)
	}
	return env, nil
}

// thresholdKey loads an X448 or X25519 private key's scalar as a
// threshold key.
func thresholdKey(k keys.PrivateKey) (*threshold.PrivateKey, error) {
	sk, ok := k.(interface{ ScalarBytes() []byte })
	if !ok {
		return nil, fmt.Errorf("client: a %s private key has no scalar to split", k.Algorithm())
	}
	c, err := thresholdCurve(k.Algorithm())
	if err != nil {
		return nil, err
	}
	s := sk.ScalarBytes()
	defer clear(s)
	return c.NewPrivateKey(s)
}

func thresholdCurve(alg keys.Algorithm) (*threshold.Curve, error) {
	switch alg {
	case keys.X448:
		return threshold.X448, nil
	case keys.X25519:
		return threshold.X25519, nil
	}
	return nil, fmt.Errorf("client: group keys must be X448 or X25519, not %s", alg)
}

// memberProfile finds the account profile of member: an account of this
// machine, else a contact of this account whose network address carries
// the enveloped profile (protocol.md F8 add: the member must be a contact).
func (a *Account) memberProfile(ctx context.Context, member string) (*profile.ProfileUser, []byte, error) {
	if other, err := a.c.Open(member); err == nil {
		p, err := other.Profile()
		return p, other.rec.EnvelopedProfileUser, err
	} else if !errors.Is(err, ErrNoAccount) {
		return nil, nil, err
	}
	if _, err := a.sync(ctx, []string{profile.StoreContact}); err != nil {
		return nil, nil, err
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
		if !ok || cc.Contact == nil {
			continue
		}
		_, body, err := cc.Contact.Body()
		if err != nil {
			continue
		}
		for _, na := range body.NetworkAddresses {
			if !strings.EqualFold(na.Address, member) || len(na.EnvelopedProfileAccount) == 0 {
				continue
			}
			p, err := profile.VerifyProfileUser(na.EnvelopedProfileAccount)
			if err != nil {
				return nil, nil, fmt.Errorf("client: the profile in the contact %s: %w", member, err)
			}
			if !strings.EqualFold(p.AccountAddress, member) {
				return nil, nil, fmt.Errorf("client: the contact %s carries the profile of %s", member, p.AccountAddress)
			}
			if p.CommonEncryption == nil || p.CommonAuthentication == nil {
				return nil, nil, fmt.Errorf("client: the profile of %s lacks CommonEncryption or CommonAuthentication", member)
			}
			return p, na.EnvelopedProfileAccount, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: %s is neither an account of this machine nor a contact of %s with its profile (exchange contacts first)",
		ErrUnknownMember, member, a.rec.AccountAddress)
}
