package catalog

import (
	"fmt"
	"time"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// TagAccess is the tag of access catalog entries.
const TagAccess = "CatalogedAccess"

// CatalogedAccess is an entry of the access ("threshold") catalog
// (schema.md §7.4; MMM_Access), keyed by its capability's Id. The service
// reads this catalog: its envelopes are encrypted to the host's
// AccessEncrypt key as well as the store key.
type CatalogedAccess struct {
	CatalogedEntry
	Capability *Capability `json:"Capability,omitempty"`
}

// Tag returns "CatalogedAccess".
func (*CatalogedAccess) Tag() string { return TagAccess }

// PrimaryKey returns the capability's Id.
func (c *CatalogedAccess) PrimaryKey() string {
	if c.Capability == nil {
		return ""
	}
	if b, err := c.Capability.Base(); err == nil {
		return b.Id
	}
	return ""
}

// Validate requires a capability of exactly one type with an Id.
func (c *CatalogedAccess) Validate() error {
	if c.Capability == nil {
		return fmt.Errorf("catalog: %s field \"Capability\" is required", TagAccess)
	}
	b, err := c.Capability.Base()
	if err != nil {
		return err
	}
	return required(TagAccess, "Capability.Id", b.Id)
}

// CapabilityBase holds the fields of every capability (schema.md §7.4).
// Active false revokes it.
type CapabilityBase struct {
	Id      string     `json:"Id,omitempty"`
	Active  bool       `json:"Active,omitempty"`
	Issued  *time.Time `json:"Issued,omitempty"`
	Mode    string     `json:"Mode,omitempty"`
	Udf     string     `json:"Udf,omitempty"`
	Witness string     `json:"Witness,omitempty"`
}

// AccessCapability is the service's access-control entry for a device
// (schema.md §7.4): Id is the device's overlaid authentication key UDF
// (ConnectionService.Authentication), Rights its role names, and
// EnvelopedCatalogedDevice the device's record, which the service returns
// in Status when CatalogedDeviceDigest changes.
type AccessCapability struct {
	CapabilityBase
	Rights                   []string  `json:"Rights,omitempty"`
	EnvelopedCatalogedDevice jsonb.Raw `json:"EnvelopedCatalogedDevice,omitempty"`
	CatalogedDeviceDigest    string    `json:"CatalogedDeviceDigest,omitempty"`
}

// NullCapability replaces a revoked capability (Active false).
type NullCapability struct {
	CapabilityBase
}

// CryptographicCapability holds the fields of the key capabilities:
// EnvelopedKeyShare is the key (share) enveloped to its holder.
type CryptographicCapability struct {
	CapabilityBase
	KeyData           *keys.KeyData `json:"KeyData,omitempty"`
	GranteeAccount    string        `json:"GranteeAccount,omitempty"`
	GranteeUdf        string        `json:"GranteeUdf,omitempty"`
	EnvelopedKeyShare jsonb.Raw     `json:"EnvelopedKeyShare,omitempty"`
}

// CapabilityDecryptServiced is the service's share of a threshold
// decryption key, used by Operate (schema.md §5.3, §7.4).
type CapabilityDecryptServiced struct {
	CryptographicCapability
	AuthenticationId string `json:"AuthenticationId,omitempty"`
}

// Capability is the tagged ("TStruct") Capability: exactly one member set.
// PublicationCapability and CapabilityFairExchange (declared only in the
// reference) are not modelled.
type Capability struct {
	AccessCapability          *AccessCapability          `json:"AccessCapability,omitempty"`
	NullCapability            *NullCapability            `json:"NullCapability,omitempty"`
	CapabilityDecrypt         *CryptographicCapability   `json:"CapabilityDecrypt,omitempty"`
	CapabilityDecryptPartial  *CryptographicCapability   `json:"CapabilityDecryptPartial,omitempty"`
	CapabilityDecryptServiced *CapabilityDecryptServiced `json:"CapabilityDecryptServiced,omitempty"`
	CapabilitySign            *CryptographicCapability   `json:"CapabilitySign,omitempty"`
	CapabilityKeyGenerate     *CryptographicCapability   `json:"CapabilityKeyGenerate,omitempty"`
	CapabilityInboundContact  *CapabilityInboundContact  `json:"CapabilityInboundContact,omitempty"`
}

// Base returns the common fields of the member that is set.
func (c *Capability) Base() (*CapabilityBase, error) {
	var out []*CapabilityBase
	if c.AccessCapability != nil {
		out = append(out, &c.AccessCapability.CapabilityBase)
	}
	if c.NullCapability != nil {
		out = append(out, &c.NullCapability.CapabilityBase)
	}
	if c.CapabilityDecryptServiced != nil {
		out = append(out, &c.CapabilityDecryptServiced.CapabilityBase)
	}
	if c.CapabilityInboundContact != nil {
		out = append(out, &c.CapabilityInboundContact.CapabilityBase)
	}
	for _, k := range []*CryptographicCapability{c.CapabilityDecrypt, c.CapabilityDecryptPartial,
		c.CapabilitySign, c.CapabilityKeyGenerate} {
		if k != nil {
			out = append(out, &k.CapabilityBase)
		}
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("catalog: a tagged Capability must have exactly one member, has %d", len(out))
	}
	return out[0], nil
}

// NewAccessCapability returns the access entry of a connected device (F1
// step 7, F4a step 7): Id = its authentication key UDF, Active, its roles,
// and its enveloped CatalogedDevice with that envelope's digest.
func NewAccessCapability(authenticationUDF string, roles []string, envelopedDevice []byte, digest string) *CatalogedAccess {
	now := time.Now().UTC().Truncate(time.Second)
	return &CatalogedAccess{Capability: &Capability{AccessCapability: &AccessCapability{
		CapabilityBase:           CapabilityBase{Id: authenticationUDF, Active: true, Issued: &now},
		Rights:                   append([]string(nil), roles...),
		EnvelopedCatalogedDevice: envelopedDevice,
		CatalogedDeviceDigest:    digest,
	}}}
}

// Revoked returns the entry that revokes a device's access (F5 step 1): the
// same Id with Active false.
func Revoked(id string) *CatalogedAccess {
	now := time.Now().UTC().Truncate(time.Second)
	return &CatalogedAccess{Capability: &Capability{AccessCapability: &AccessCapability{
		CapabilityBase: CapabilityBase{Id: id, Active: false, Issued: &now}}}}
}
