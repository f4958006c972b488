package profile

import (
	"github.com/mathmesh/mesh/keys"
)

// Type tags of connections and related assertions (schema.md §4).
const (
	TagConnectionService     = "ConnectionService"
	TagConnectionDevice      = "ConnectionDevice"
	TagCallsignBinding       = "CallsignBinding"
	TagAccountHostAssignment = "AccountHostAssignment"
)

// Connection holds the fields of every connection (schema.md §4): Subject
// is the UDF of the principal connected, Authority the UDF of the one that
// connects it, Authentication the subject's key.
type Connection struct {
	Assertion
	Subject        string        `json:"Subject,omitempty"`
	Authority      string        `json:"Authority,omitempty"`
	Authentication *keys.KeyData `json:"Authentication,omitempty"`
}

// ConnectionService is the slim credential a device presents to the service
// (schema.md §4), signed with the account's AdministratorSignature key:
//
//	{"ConnectionService": {
//	  "Subject": "<device profile UDF>",
//	  "Authority": "<account profile UDF>",
//	  "Authentication": KeyData,      // the device's overlaid authentication key
//	  "ProfileUdf": "<account profile UDF>"}}
//
// For a host, ProfileUdf is the host profile UDF and the signer is the
// service's profile key. The reference's Callsign member (a
// CatalogedCallsign) is not modelled; readers skip it.
type ConnectionService struct {
	Connection
	ProfileUdf string `json:"ProfileUdf,omitempty"`
}

// Tag returns "ConnectionService".
func (*ConnectionService) Tag() string { return TagConnectionService }

// ConnectionDevice states a device's three account keys and its roles
// (schema.md §4), signed with AdministratorSignature. Authentication,
// Signature and Encryption are the overlaid keys B + A of schema.md §5.2.
type ConnectionDevice struct {
	ConnectionService
	Roles      []string      `json:"Roles,omitempty"`
	Signature  *keys.KeyData `json:"Signature,omitempty"`
	Encryption *keys.KeyData `json:"Encryption,omitempty"`
}

// Tag returns "ConnectionDevice".
func (*ConnectionDevice) Tag() string { return TagConnectionDevice }

// NamedService is one service entry of a callsign binding (schema.md §4).
type NamedService struct {
	Prefix   string   `json:"Prefix,omitempty"`
	Mapping  string   `json:"Mapping,omitempty"`
	Endpoint []string `json:"Endpoint,omitempty"`
}

// CallsignBinding binds an account name to a profile (schema.md §4). It is
// signed with AdministratorSignature and sent in BindAccount (F1 step 5).
type CallsignBinding struct {
	Assertion
	Canonical  string         `json:"Canonical,omitempty"`
	Display    string         `json:"Display,omitempty"`
	ProfileUdf string         `json:"ProfileUdf,omitempty"`
	Services   []NamedService `json:"Services,omitempty"`
}

// Tag returns "CallsignBinding".
func (*CallsignBinding) Tag() string { return TagCallsignBinding }

// AccountHostAssignment tells an account which host serves it and which key
// to encrypt service-readable data (the Access catalog) to (schema.md §4).
// The wire name "AccountAddess" is misspelt in the schema and kept so.
type AccountHostAssignment struct {
	Assertion
	AccountAddress string        `json:"AccountAddess,omitempty"`
	HostAddresses  []string      `json:"HostAddresses,omitempty"`
	AccessEncrypt  *keys.KeyData `json:"AccessEncrypt,omitempty"`
}

// Tag returns "AccountHostAssignment".
func (*AccountHostAssignment) Tag() string { return TagAccountHostAssignment }
