package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/threshold"
)

// A member's side of a group (protocol.md F8 add step 5; threshold.md
// §3.4): the member's share m of the group's CommonEncryption key z, from
// the ContactGroup its invitation left in MMM_Contact, and the service's
// share s, which the group's service multiplies with the envelope's
// ephemeral key (Operate on the group account) only while the member's
// capability is there. The member's seed device authenticates that
// Operate with the account key credential (CommonAuthentication, the key
// the capability's GranteeUdf names); the member's other devices, which
// open m with their share of CommonEncryption, with their connected-device
// credential, which the group's service accepts for a member account bound
// to it (docs/groups.md §4).

// groupShare is a member's share of one group's key.
type groupShare struct {
	address    string
	profileUDF string
	serviceUDF string
	capID      string
	primary    keys.PublicKey
	share      *threshold.PrivateKey
}

// parseGroupContact checks a ContactGroup received in an invitation and
// decrypts the member's share with ring: one network address carrying
// the group's signed ProfileGroup for that address, and a
// CapabilityDecryptPartial whose KeyData is the group's CommonEncryption
// key and whose share is named by the capability Id.
func parseGroupContact(cg *catalog.ContactGroup, ring *dare.Keyring) (*groupShare, error) {
	if len(cg.NetworkAddresses) != 1 {
		return nil, fmt.Errorf("client: a group contact must have one network address, has %d", len(cg.NetworkAddresses))
	}
	na := cg.NetworkAddresses[0]
	pg, err := profile.VerifyProfileGroup(na.EnvelopedProfileAccount)
	if err != nil {
		return nil, fmt.Errorf("client: the group contact %s: %w", na.Address, err)
	}
	if !strings.EqualFold(pg.AccountAddress, na.Address) {
		return nil, fmt.Errorf("client: the group contact %s carries the profile of %s", na.Address, pg.AccountAddress)
	}
	if pg.CommonEncryption == nil {
		return nil, fmt.Errorf("client: the profile of group %s has no CommonEncryption key", na.Address)
	}
	primary, err := pg.CommonEncryption.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: CommonEncryption of group %s: %w", na.Address, err)
	}
	var partial *catalog.CryptographicCapability
	for i := range na.Capabilities {
		if c := na.Capabilities[i].CapabilityDecryptPartial; c != nil {
			partial = c
		}
	}
	if partial == nil || partial.Id == "" {
		return nil, fmt.Errorf("client: the group contact %s carries no CapabilityDecryptPartial", na.Address)
	}
	if partial.KeyData == nil || partial.KeyData.Udf != primary.Fingerprint() {
		return nil, fmt.Errorf("client: the capability %s is not for the CommonEncryption key of group %s", partial.Id, na.Address)
	}
	share, err := openMemberShare(partial.EnvelopedKeyShare, partial.Id, primary, ring)
	if err != nil {
		return nil, fmt.Errorf("client: the share of group %s: %w", na.Address, err)
	}
	return &groupShare{address: pg.AccountAddress, profileUDF: pg.UDF(), serviceUDF: pg.ServiceUdf, capID: partial.Id,
		primary: primary, share: share}, nil
}

// openMemberShare decrypts an enveloped {"KeyData": ...} share: a raw
// scalar ("X448z") whose public key's fingerprint is capID and whose
// PublicParameters are the whole key.
func openMemberShare(env []byte, capID string, primary keys.PublicKey, ring *dare.Keyring) (*threshold.PrivateKey, error) {
	payload, _, err := dare.Open(env, ring)
	if err != nil {
		return nil, err
	}
	defer clear(payload)
	tag, inner, err := jsonb.ReadTag(payload)
	if err != nil || tag != profile.TagKeyData {
		return nil, fmt.Errorf("the share is not a %s (tag %q): %v", profile.TagKeyData, tag, err)
	}
	var kd keys.KeyData
	if err := jsonb.Unmarshal(inner, &kd); err != nil {
		return nil, err
	}
	if kd.PrivateParameters == nil || kd.PrivateParameters.PrivateKeyECDH == nil {
		return nil, errors.New("the share has no PrivateKeyECDH")
	}
	pj := kd.PrivateParameters.PrivateKeyECDH
	if pj.Curve != primary.Algorithm().String()+"z" {
		return nil, fmt.Errorf("the share's curve is %q, want %sz", pj.Curve, primary.Algorithm())
	}
	m, err := pj.PrivateKey()
	if err != nil {
		return nil, err
	}
	if pj.Kid != capID || m.Public().Fingerprint() != capID {
		return nil, fmt.Errorf("the share is not the one capability %s names", capID)
	}
	c, err := thresholdCurve(primary.Algorithm())
	if err != nil {
		return nil, err
	}
	return c.NewPrivateKey(pj.Private)
}

// groupKey is a member's decryption key for a group: a keys.Agreer whose
// public key is the group's CommonEncryption key and whose Agree adds
// m·E to the s·E the group's service returns. It never prints its share.
type groupKey struct {
	a  *Account
	gs *groupShare
	pc *protocol.Client
}

// Algorithm returns the group key's algorithm.
func (k *groupKey) Algorithm() keys.Algorithm { return k.gs.primary.Algorithm() }

// Public returns the group's CommonEncryption key.
func (k *groupKey) Public() keys.PublicKey { return k.gs.primary }

// String names the key without its share.
func (k *groupKey) String() string {
	return "groupKey(" + k.gs.address + " " + k.gs.capID + ", share redacted)"
}

// GoString names the key without its share.
func (k *groupKey) GoString() string { return k.String() }

// Format names the key without its share, for every verb.
func (k *groupKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// Agree returns the agreement of the group key with peer.
func (k *groupKey) Agree(peer keys.PublicKey) ([]byte, error) {
	if peer == nil || peer.Algorithm() != k.Algorithm() {
		return nil, fmt.Errorf("client: %s key agreement with a mismatched peer key", k.Algorithm())
	}
	partial, err := k.operate(context.Background(), peer)
	if err != nil {
		return nil, err
	}
	ikm, err := k.gs.share.Decrypt(peer.Bytes(), partial)
	if err != nil {
		return nil, fmt.Errorf("client: combining the partial of group %s: %w", k.gs.address, err)
	}
	return ikm, nil
}

// operate asks the group's service for s·peer (Operate on the group
// account, docs/groups.md §4), authenticated with the member's account key
// credential on the device holding the seed, and with this device's
// connected-device credential on any other device of the member.
func (k *groupKey) operate(ctx context.Context, peer keys.PublicKey) ([]byte, error) {
	a := k.a
	cred, err := a.groupCredential()
	if err != nil {
		return nil, err
	}
	if k.pc == nil {
		stored := ""
		if sameDomain(k.gs.address, a.rec.AccountAddress) {
			stored = a.rec.Service
		}
		if k.pc, _, err = a.c.connect(ctx, k.gs.address, stored, k.gs.serviceUDF); err != nil {
			return nil, err
		}
	}
	resp, err := k.pc.Operate(ctx, cred, &protocol.OperateRequest{
		MeshRequestUser: protocol.MeshRequestUser{Account: a.rec.ProfileUdf}, AccountAddress: k.gs.address,
		Operations: []protocol.CryptographicOperation{{KeyAgreement: &protocol.CryptographicOperationKeyAgreement{
			KeyId: k.gs.capID, PublicKey: &keys.Key{PublicKeyECDH: keys.NewPublicKeyECDH(peer)}}}},
	})
	if err != nil {
		return nil, fmt.Errorf("%w with the share of group %s: %w", ErrDecryptRefused, k.gs.address, err)
	}
	if len(resp.Results) != 1 {
		return nil, fmt.Errorf("client: Operate answered %d results for 1 operation", len(resp.Results))
	}
	r := resp.Results[0]
	switch {
	case r.Error != nil:
		return nil, fmt.Errorf("%w with the share of group %s: %s", ErrDecryptRefused, k.gs.address, r.Error.Error)
	case r.KeyAgreement == nil || r.KeyAgreement.KeyAgreement == nil || r.KeyAgreement.KeyAgreement.PublicKeyECDH == nil:
		return nil, errors.New("client: the Operate result carries no key agreement")
	}
	return r.KeyAgreement.KeyAgreement.PublicKeyECDH.Public, nil
}

// groupCredential returns the credential a member presents to a group's
// service (docs/groups.md §4): the account key credential where this
// device holds the seed (it works at any service), else the
// connected-device credential, which the group's service accepts only
// when the member account is bound to that same service.
func (a *Account) groupCredential() (*protocol.Credential, error) {
	if a.secrets == nil {
		return a.credential()
	}
	ca, err := a.secrets.CommonAuthentication()
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return protocol.NewAccountCredential(a.rec.ProfileUdf, ca)
}

// GroupDecryptionKeys returns a decryption key for each group this
// account is a member of (a ContactGroup in the local MMM_Contact copy).
// Any device of the member whose roles grant MMM_Contact and the
// CommonEncryption key (whole or as a share) has them: the member's share
// is enveloped to CommonEncryption, and the group's service is asked with
// the credential of groupCredential. Contacts whose share this device
// cannot open are skipped.
func (a *Account) GroupDecryptionKeys() ([]keys.PrivateKey, error) {
	if a.secrets == nil && !a.connected() {
		return nil, nil
	}
	ring, err := a.memberRing()
	if err != nil || ring == nil {
		return nil, err
	}
	cat, lc, err := a.openLocal(profile.StoreContact)
	if errors.Is(err, ErrNoKey) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer lc.Close()
	list, err := cat.List()
	if err != nil {
		return nil, err
	}
	var out []keys.PrivateKey
	for _, e := range list {
		cc, ok := e.(*catalog.CatalogedContact)
		if !ok || cc.Contact == nil || cc.Contact.ContactGroup == nil {
			continue
		}
		gs, err := parseGroupContact(cc.Contact.ContactGroup, ring)
		if err != nil {
			continue
		}
		out = append(out, &groupKey{a: a, gs: gs})
	}
	return out, nil
}

// GroupEncryptionKey returns the CommonEncryption key of the group
// address, from the groups this account administers (MMM_Application) or
// belongs to (MMM_Contact), as held locally; nil if it knows no such group.
func (a *Account) GroupEncryptionKey(address string) (keys.PublicKey, error) {
	var envs [][]byte
	if cat, lc, err := a.openLocal(profile.StoreApplication); err == nil {
		e, ferr := cat.Find(func(e catalog.Entry) bool {
			g, ok := e.(*catalog.CatalogedGroup)
			return ok && strings.EqualFold(g.Key, address)
		})
		lc.Close()
		if ferr == nil {
			envs = append(envs, e.(*catalog.CatalogedGroup).EnvelopedProfileGroup)
		}
	} else if !errors.Is(err, ErrNoKey) {
		return nil, err
	}
	if cat, lc, err := a.openLocal(profile.StoreContact); err == nil {
		e, ferr := cat.Find(func(e catalog.Entry) bool {
			c, ok := e.(*catalog.CatalogedContact)
			if !ok || c.Contact == nil || c.Contact.ContactGroup == nil {
				return false
			}
			for _, na := range c.Contact.ContactGroup.NetworkAddresses {
				if strings.EqualFold(na.Address, address) {
					return true
				}
			}
			return false
		})
		lc.Close()
		if ferr == nil {
			for _, na := range e.(*catalog.CatalogedContact).Contact.ContactGroup.NetworkAddresses {
				envs = append(envs, na.EnvelopedProfileAccount)
			}
		}
	} else if !errors.Is(err, ErrNoKey) {
		return nil, err
	}
	for _, env := range envs {
		pg, err := profile.VerifyProfileGroup(env)
		if err != nil {
			return nil, fmt.Errorf("client: the profile of group %s: %w", address, err)
		}
		if !strings.EqualFold(pg.AccountAddress, address) || pg.CommonEncryption == nil {
			continue
		}
		return pg.CommonEncryption.PublicKey()
	}
	return nil, nil
}
