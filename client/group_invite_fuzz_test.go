package client

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// decodeInvitation decodes a GroupInvitation payload as openInvitation
// does after decryption.
func decodeInvitation(payload []byte) (*GroupInvitation, error) {
	tag, inner, err := jsonb.ReadTag(payload)
	if err != nil {
		return nil, err
	}
	if tag != TagGroupInvitation {
		return nil, errNotInvitation
	}
	var inv GroupInvitation
	if err := jsonb.UnmarshalLimits(inner, &inv, jsonb.Limits{MaxBytes: spool.MaxMessageSize}); err != nil {
		return nil, err
	}
	return &inv, nil
}

var errNotInvitation = errors.New("client: not a GroupInvitation")

// invitationSeed returns a well-formed GroupInvitation payload: a signed
// ProfileGroup and a CapabilityDecryptPartial.
func invitationSeed(tb testing.TB) []byte {
	tb.Helper()
	sec, err := profile.AccountFromSeed(udf.Seed(udf.MeshProfileAccount, make([]byte, 32)))
	if err != nil {
		tb.Fatal(err)
	}
	pg, err := sec.SignedProfileGroup("groupw@example.com", "", nil)
	if err != nil {
		tb.Fatal(err)
	}
	enc, err := sec.CommonEncryption()
	if err != nil {
		tb.Fatal(err)
	}
	issued := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cg := &catalog.ContactGroup{}
	cg.NetworkAddresses = []catalog.NetworkAddress{{
		Address: "groupw@example.com", EnvelopedProfileAccount: pg,
		Capabilities: []catalog.Capability{{CapabilityDecryptPartial: &catalog.CryptographicCapability{
			CapabilityBase: catalog.CapabilityBase{Id: enc.Public().Fingerprint(), Active: true, Issued: &issued},
			KeyData:        keys.NewKeyData(enc.Public()), GranteeAccount: "bob@example.net",
		}}},
	}}
	inv := &GroupInvitation{Message: spool.Message{MessageId: "NDZ4-LGXM-W7JI-6NRH-I2AS-UPUB-QUBL",
		Sender: "alice@example.com", Recipient: "bob@example.net"}, Text: "join",
		Contact: &catalog.TaggedContact{ContactGroup: cg}}
	b, err := jsonb.MarshalTagged(TagGroupInvitation, inv, jsonb.JSON)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FuzzGroupInvitation: decoding a GroupInvitation and checking its
// ContactGroup (parseGroupContact) never panics, and a decoded invitation
// re-encodes canonically.
func FuzzGroupInvitation(f *testing.F) {
	f.Add(invitationSeed(f))
	f.Add([]byte(`{"GroupInvitation":{"MessageId":"NDZ4-LGXM-W7JI-6NRH-I2AS-UPUB-QUBL","Contact":{"ContactGroup":{}}}}`))
	f.Add([]byte(`{"GroupInvitation":{"Contact":{"ContactGroup":{"NetworkAddresses":[{"Address":"g@example.com","EnvelopedProfileAccount":[{},"e30"]}]}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := decodeInvitation(data)
		if err != nil {
			return
		}
		if inv.Contact != nil && inv.Contact.ContactGroup != nil {
			gs, err := parseGroupContact(inv.Contact.ContactGroup, &dare.Keyring{})
			if err == nil && gs == nil {
				t.Fatal("parseGroupContact returned neither a share nor an error")
			}
		}
		once, err := jsonb.MarshalTagged(TagGroupInvitation, inv, jsonb.JSON)
		if err != nil {
			t.Fatalf("a decoded invitation does not encode: %v", err)
		}
		again, err := decodeInvitation(once)
		if err != nil {
			t.Fatalf("the encoding of a decoded invitation does not decode: %v\n%s", err, once)
		}
		twice, err := jsonb.MarshalTagged(TagGroupInvitation, again, jsonb.JSON)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("not canonical:\n%s\n%s", once, twice)
		}
	})
}

// TestGroupInvitationSeed: the seed decodes, and its ContactGroup is
// refused only for the missing share (the capability has no
// EnvelopedKeyShare), after the profile checks passed.
func TestGroupInvitationSeed(t *testing.T) {
	inv, err := decodeInvitation(invitationSeed(t))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Contact == nil || inv.Contact.ContactGroup == nil {
		t.Fatal("no ContactGroup")
	}
	_, err = parseGroupContact(inv.Contact.ContactGroup, &dare.Keyring{})
	if err == nil || !strings.Contains(err.Error(), "the share of group groupw@example.com") {
		t.Fatalf("got %v, want the missing share refused", err)
	}
}
