package profile

import (
	"time"

	"github.com/mathmesh/mesh/keys"
)

// Type tags of the profile objects (schema.md §3). They are frozen wire
// names: never rename them.
const (
	TagProfileDevice  = "ProfileDevice"
	TagProfileUser    = "ProfileUser"
	TagProfileGroup   = "ProfileGroup"
	TagProfileService = "ProfileService"
	TagProfileHost    = "ProfileHost"
)

// Assertion holds the fields every assertion carries (schema.md §3.1).
// Conditions (a TStruct list with no defined members) is not modelled; a
// reader skips it.
type Assertion struct {
	Names       []string   `json:"Names,omitempty"`
	Updated     *time.Time `json:"Updated,omitempty"`
	NotaryToken string     `json:"NotaryToken,omitempty"`
}

// Profile holds the fields of every profile (schema.md §3.2). The UDF of
// ProfileSignature is the profile's identifier.
type Profile struct {
	Assertion
	Description      string        `json:"Description,omitempty"`
	ProfileSignature *keys.KeyData `json:"ProfileSignature,omitempty"`
}

// UDF returns the profile's identifier: the fingerprint of its
// ProfileSignature key (schema.md §3.2).
func (p *Profile) UDF() string {
	if p == nil || p.ProfileSignature == nil {
		return ""
	}
	return p.ProfileSignature.Udf
}

// ProfileDevice describes a device's base keys (schema.md §3.3). Field order
// is the reference order; fields are frozen, new ones must be optional.
//
//	{"ProfileDevice": {
//	  "Description": "...",          // optional free text
//	  "ProfileSignature": KeyData,   // BaseDeviceProfile, Ed448: the device UDF
//	  "Encryption": KeyData,         // BaseDeviceEncrypt, X448
//	  "Signature": KeyData,          // BaseDeviceSign, Ed448
//	  "Authentication": KeyData}}    // BaseDeviceAuthenticate, X448
type ProfileDevice struct {
	Profile
	Encryption     *keys.KeyData `json:"Encryption,omitempty"`
	Signature      *keys.KeyData `json:"Signature,omitempty"`
	Authentication *keys.KeyData `json:"Authentication,omitempty"`
}

// Tag returns "ProfileDevice".
func (*ProfileDevice) Tag() string { return TagProfileDevice }

// ProfileHost describes a host of a Mesh service: a device attached to a
// service rather than an account (schema.md §3.6). Same fields as
// ProfileDevice; the keys are derived with actor Host.
type ProfileHost struct {
	ProfileDevice
}

// Tag returns "ProfileHost".
func (*ProfileHost) Tag() string { return TagProfileHost }

// ProfileAccount holds the fields of user and group account profiles
// (schema.md §3.4).
type ProfileAccount struct {
	Profile
	AccountAddress         string        `json:"AccountAddress,omitempty"`
	ServiceUdf             string        `json:"ServiceUdf,omitempty"`
	EscrowEncryption       *keys.KeyData `json:"EscrowEncryption,omitempty"`
	AdministratorSignature *keys.KeyData `json:"AdministratorSignature,omitempty"`
	CommonEncryption       *keys.KeyData `json:"CommonEncryption,omitempty"`
	CommonAuthentication   *keys.KeyData `json:"CommonAuthentication,omitempty"`
}

// ProfileUser is a personal account profile (schema.md §3.4; ARCH calls it
// ProfileAccount):
//
//	{"ProfileUser": {
//	  "ProfileSignature": KeyData,        // CompleteAccountProfile: the account UDF
//	  "AccountAddress": "alice@example.com",
//	  "ServiceUdf": "MB..",               // UDF of the service's ProfileService
//	  "EscrowEncryption": KeyData,        // CompleteAccountEscrow
//	  "AdministratorSignature": KeyData,  // CompleteAccountAdminSign
//	  "CommonEncryption": KeyData,        // CompleteAccountEncrypt
//	  "CommonAuthentication": KeyData,    // CompleteAccountAuthenticate
//	  "CommonSignature": KeyData}}        // CompleteAccountSign
type ProfileUser struct {
	ProfileAccount
	CommonSignature *keys.KeyData `json:"CommonSignature,omitempty"`
}

// Tag returns "ProfileUser".
func (*ProfileUser) Tag() string { return TagProfileUser }

// ProfileGroup is a group account profile (schema.md §3.4): the fields of
// ProfileAccount and nothing else.
type ProfileGroup struct {
	ProfileAccount
}

// Tag returns "ProfileGroup".
func (*ProfileGroup) Tag() string { return TagProfileGroup }

// ProfileService describes a Mesh service (schema.md §3.5). Hello returns
// it, signed; clients pin ServiceAuthentication.
type ProfileService struct {
	Profile
	ServiceAuthentication *keys.KeyData `json:"ServiceAuthentication,omitempty"`
	ServiceEncryption     *keys.KeyData `json:"ServiceEncryption,omitempty"`
	ServiceSignature      *keys.KeyData `json:"ServiceSignature,omitempty"`
}

// Tag returns "ProfileService".
func (*ProfileService) Tag() string { return TagProfileService }

// namedKey is one published key of a profile, for validation.
type namedKey struct {
	name string
	kd   *keys.KeyData
	sign bool // the key must be a signature key
}

// Any is implemented by every profile type.
type Any interface {
	Object
	base() *Profile
	published() []namedKey
}

func (p *ProfileDevice) base() *Profile  { return &p.Profile }
func (p *ProfileUser) base() *Profile    { return &p.Profile }
func (p *ProfileGroup) base() *Profile   { return &p.Profile }
func (p *ProfileService) base() *Profile { return &p.Profile }

func (p *ProfileDevice) published() []namedKey {
	return []namedKey{
		{"ProfileSignature", p.ProfileSignature, true},
		{"Encryption", p.Encryption, false},
		{"Signature", p.Signature, true},
		{"Authentication", p.Authentication, false},
	}
}

func (a *ProfileAccount) publishedAccount() []namedKey {
	return []namedKey{
		{"ProfileSignature", a.ProfileSignature, true},
		{"EscrowEncryption", a.EscrowEncryption, false},
		{"AdministratorSignature", a.AdministratorSignature, true},
		{"CommonEncryption", a.CommonEncryption, false},
		{"CommonAuthentication", a.CommonAuthentication, false},
	}
}

func (p *ProfileUser) published() []namedKey {
	return append(p.publishedAccount(), namedKey{"CommonSignature", p.CommonSignature, true})
}

func (p *ProfileGroup) published() []namedKey { return p.publishedAccount() }

func (p *ProfileService) published() []namedKey {
	return []namedKey{
		{"ProfileSignature", p.ProfileSignature, true},
		{"ServiceAuthentication", p.ServiceAuthentication, false},
		{"ServiceEncryption", p.ServiceEncryption, false},
		{"ServiceSignature", p.ServiceSignature, true},
	}
}
