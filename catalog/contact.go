package catalog

import (
	"fmt"

	"github.com/mathmesh/mesh/jsonb"
)

// TagContact is the tag of contact catalog entries.
const TagContact = "CatalogedContact"

// Contact type tags (schema.md §7.3).
const (
	TagContactPerson       = "ContactPerson"
	TagContactOrganization = "ContactOrganization"
	TagContactGroup        = "ContactGroup"
)

// CatalogedContact is a person or organisation (schema.md §7.3;
// MMM_Contact), keyed by Key (= Contact.Id, the contact's profile UDF, or a
// nonce). Self marks the owner's own entry.
type CatalogedContact struct {
	CatalogedEntry
	Key     string         `json:"Key,omitempty"`
	Self    bool           `json:"Self,omitempty"`
	Contact *TaggedContact `json:"Contact,omitempty"`
}

// Tag returns "CatalogedContact".
func (*CatalogedContact) Tag() string { return TagContact }

// PrimaryKey returns Key.
func (c *CatalogedContact) PrimaryKey() string { return c.Key }

// Validate requires a Key and, if present, a contact of exactly one type.
func (c *CatalogedContact) Validate() error {
	if err := required(TagContact, "Key", c.Key); err != nil {
		return err
	}
	if c.Contact != nil {
		if _, _, err := c.Contact.Body(); err != nil {
			return err
		}
	}
	return nil
}

// TaggedContact is the tagged ("TStruct") Contact: exactly one member set.
type TaggedContact struct {
	ContactPerson       *ContactPerson       `json:"ContactPerson,omitempty"`
	ContactOrganization *ContactOrganization `json:"ContactOrganization,omitempty"`
	ContactGroup        *ContactGroup        `json:"ContactGroup,omitempty"`
}

// Body returns the tag and common fields of the member that is set.
func (t *TaggedContact) Body() (string, *Contact, error) {
	var tag string
	var c *Contact
	n := 0
	if t.ContactPerson != nil {
		tag, c, n = TagContactPerson, &t.ContactPerson.Contact, n+1
	}
	if t.ContactOrganization != nil {
		tag, c, n = TagContactOrganization, &t.ContactOrganization.Contact, n+1
	}
	if t.ContactGroup != nil {
		tag, c, n = TagContactGroup, &t.ContactGroup.Contact, n+1
	}
	if n != 1 {
		return "", nil, fmt.Errorf("catalog: a tagged Contact must have exactly one member, has %d", n)
	}
	return tag, c, nil
}

// Contact holds the fields of every contact type (schema.md §7.3). It is an
// assertion (Names, Updated, NotaryToken). Location's Latitude and
// Longitude are not modelled; readers skip them.
type Contact struct {
	Names            []string         `json:"Names,omitempty"`
	Id               string           `json:"Id,omitempty"`
	Local            string           `json:"Local,omitempty"`
	Anchors          []Anchor         `json:"Anchors,omitempty"`
	NetworkAddresses []NetworkAddress `json:"NetworkAddresses,omitempty"`
	Locations        []Location       `json:"Locations,omitempty"`
	Roles            []Role           `json:"Roles,omitempty"`
	Bookmark         []Bookmark       `json:"Bookmark,omitempty"`
	Sources          []TaggedSource   `json:"Sources,omitempty"`
}

// ContactPerson is a person.
type ContactPerson struct {
	Contact
	CommonNames []PersonName `json:"CommonNames,omitempty"`
}

// ContactOrganization is an organisation.
type ContactOrganization struct {
	Contact
	CommonNames []OrganizationName `json:"CommonNames,omitempty"`
}

// ContactGroup is a group account's contact.
type ContactGroup struct {
	Contact
}

// Anchor is a trust anchor of a contact: a profile UDF and how it was
// validated (e.g. "Self").
type Anchor struct {
	Udf        string `json:"Udf,omitempty"`
	Validation string `json:"Validation,omitempty"`
}

// NetworkAddress is one address of a contact; EnvelopedProfileAccount
// holds the account profile whose CommonEncryption key others encrypt to.
type NetworkAddress struct {
	Inactive                bool              `json:"Inactive,omitempty"`
	Address                 string            `json:"Address,omitempty"`
	NetworkCapability       []string          `json:"NetworkCapability,omitempty"`
	EnvelopedProfileAccount jsonb.Raw         `json:"EnvelopedProfileAccount,omitempty"`
	Protocols               []NetworkProtocol `json:"Protocols,omitempty"`
	Capabilities            []Capability      `json:"Capabilities,omitempty"`
}

// NetworkProtocol names a protocol an address supports (e.g. "mmm").
type NetworkProtocol struct {
	Protocol     string       `json:"Protocol,omitempty"`
	Capabilities []Capability `json:"Capabilities,omitempty"`
}

// Role is a contact's role in an organisation.
type Role struct {
	OrganizationName string     `json:"OrganizationName,omitempty"`
	Titles           []string   `json:"Titles,omitempty"`
	Locations        []Location `json:"Locations,omitempty"`
}

// Location is a postal location ("Appartment" is the schema's spelling).
type Location struct {
	Appartment string `json:"Appartment,omitempty"`
	Street     string `json:"Street,omitempty"`
	District   string `json:"District,omitempty"`
	Locality   string `json:"Locality,omitempty"`
	County     string `json:"County,omitempty"`
	Postcode   string `json:"Postcode,omitempty"`
	Country    string `json:"Country,omitempty"`
}

// Bookmark is a contact's web link.
type Bookmark struct {
	Uri   string   `json:"Uri,omitempty"`
	Title string   `json:"Title,omitempty"`
	Role  []string `json:"Role,omitempty"`
}

// TaggedSource records where contact data came from.
type TaggedSource struct {
	LocalName       string    `json:"LocalName,omitempty"`
	Validation      string    `json:"Validation,omitempty"`
	BinarySource    []byte    `json:"BinarySource,omitempty"`
	EnvelopedSource jsonb.Raw `json:"EnvelopedSource,omitempty"`
}

// PersonName is one name of a person.
type PersonName struct {
	Inactive    bool     `json:"Inactive,omitempty"`
	FullName    string   `json:"FullName,omitempty"`
	Prefix      string   `json:"Prefix,omitempty"`
	First       string   `json:"First,omitempty"`
	Middle      []string `json:"Middle,omitempty"`
	Last        string   `json:"Last,omitempty"`
	Suffix      string   `json:"Suffix,omitempty"`
	PostNominal string   `json:"PostNominal,omitempty"`
}

// OrganizationName is one name of an organisation.
type OrganizationName struct {
	Inactive       bool   `json:"Inactive,omitempty"`
	RegisteredName string `json:"RegisteredName,omitempty"`
	DBA            string `json:"DBA,omitempty"`
}
