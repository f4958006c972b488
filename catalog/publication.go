package catalog

import (
	"time"

	"github.com/mathmesh/mesh/jsonb"
)

// Tags of the publication and member catalogs (schema.md §7.3).
const (
	TagPublication = "CatalogedPublication"
	TagMember      = "CatalogedMember"
)

// CatalogedPublication is an item published for claim by EARL or QR code
// (schema.md §7.3; MMM_Publication), keyed by Id = udf.PublicationID(pin).
// Authenticator = udf.ServiceAuthenticator(pin) lets the service check a
// claim; EnvelopedData is encrypted under a PIN-derived key, so the catalog
// itself is not encrypted.
type CatalogedPublication struct {
	CatalogedEntry
	Id            string     `json:"Id,omitempty"`
	Authenticator string     `json:"Authenticator,omitempty"`
	EnvelopedData jsonb.Raw  `json:"EnvelopedData,omitempty"`
	NotOnOrAfter  *time.Time `json:"NotOnOrAfter,omitempty"`
}

// Tag returns "CatalogedPublication".
func (*CatalogedPublication) Tag() string { return TagPublication }

// PrimaryKey returns Id.
func (c *CatalogedPublication) PrimaryKey() string { return c.Id }

// Validate requires Id and Authenticator.
func (c *CatalogedPublication) Validate() error {
	if err := required(TagPublication, "Id", c.Id); err != nil {
		return err
	}
	return required(TagPublication, "Authenticator", c.Authenticator)
}

// CatalogedMember is a member of a group account (schema.md §7.3;
// MMM_Member), keyed by ContactAddress.
type CatalogedMember struct {
	CatalogedEntry
	ContactAddress      string `json:"ContactAddress,omitempty"`
	MemberCapabilityId  string `json:"MemberCapabilityId,omitempty"`
	ServiceCapabilityId string `json:"ServiceCapabilityId,omitempty"`
}

// Tag returns "CatalogedMember".
func (*CatalogedMember) Tag() string { return TagMember }

// PrimaryKey returns ContactAddress.
func (c *CatalogedMember) PrimaryKey() string { return c.ContactAddress }

// Validate requires ContactAddress.
func (c *CatalogedMember) Validate() error {
	return required(TagMember, "ContactAddress", c.ContactAddress)
}
