package catalog

import (
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// Application entry tags (schema.md §7.3; MMM_Application).
const (
	TagApplicationSsh  = "CatalogedApplicationSsh"
	TagApplicationMail = "CatalogedApplicationMail"
	TagGroup           = "CatalogedGroup"
	TagCallsign        = "CatalogedCallsign"
)

// CatalogedApplication holds the fields of every application entry
// (schema.md §7.3): Grant and Deny are role names; EnvelopedEscrow holds the
// application's private keys enveloped to the account's EscrowEncryption
// key.
type CatalogedApplication struct {
	CatalogedEntry
	Default               bool        `json:"Default,omitempty"`
	Key                   string      `json:"Key,omitempty"`
	Grant                 []string    `json:"Grant,omitempty"`
	Deny                  []string    `json:"Deny,omitempty"`
	EnvelopedCapabilities []jsonb.Raw `json:"EnvelopedCapabilities,omitempty"`
	EnvelopedEscrow       []jsonb.Raw `json:"EnvelopedEscrow,omitempty"`
}

// DeviceAuthorized reports whether a device with roles gets the
// application: one of its roles is granted and none denied (schema.md §6,
// CatalogedApplication.DeviceAuthorized).
func (a *CatalogedApplication) DeviceAuthorized(roles []string) bool {
	granted := false
	for _, r := range roles {
		for _, d := range a.Deny {
			if r == d {
				return false
			}
		}
		for _, g := range a.Grant {
			if r == g {
				granted = true
			}
		}
	}
	return granted
}

// CatalogedApplicationSsh is an SSH client configuration: ClientKey is the
// public client key and Key its UDF (the primary key).
type CatalogedApplicationSsh struct {
	CatalogedApplication
	ClientKey *keys.KeyData `json:"ClientKey,omitempty"`
}

// Tag returns "CatalogedApplicationSsh".
func (*CatalogedApplicationSsh) Tag() string { return TagApplicationSsh }

// PrimaryKey returns Key.
func (a *CatalogedApplicationSsh) PrimaryKey() string { return a.Key }

// Validate requires a Key.
func (a *CatalogedApplicationSsh) Validate() error { return required(TagApplicationSsh, "Key", a.Key) }

// CatalogedApplicationMail is a mail account configuration; its primary key
// is "mailto:<AccountAddress>".
type CatalogedApplicationMail struct {
	CatalogedApplication
	AccountAddress  string        `json:"AccountAddress,omitempty"`
	InboundConnect  string        `json:"InboundConnect,omitempty"`
	OutboundConnect string        `json:"OutboundConnect,omitempty"`
	SmimeSign       *keys.KeyData `json:"SmimeSign,omitempty"`
	SmimeEncrypt    *keys.KeyData `json:"SmimeEncrypt,omitempty"`
	OpenpgpSign     *keys.KeyData `json:"OpenpgpSign,omitempty"`
	OpenpgpEncrypt  *keys.KeyData `json:"OpenpgpEncrypt,omitempty"`
}

// Tag returns "CatalogedApplicationMail".
func (*CatalogedApplicationMail) Tag() string { return TagApplicationMail }

// PrimaryKey returns "mailto:<AccountAddress>".
func (a *CatalogedApplicationMail) PrimaryKey() string { return "mailto:" + a.AccountAddress }

// Validate requires an AccountAddress.
func (a *CatalogedApplicationMail) Validate() error {
	return required(TagApplicationMail, "AccountAddress", a.AccountAddress)
}

// CatalogedGroup is an encryption group the account administers; Key is the
// group address and the primary key "mmm/CatalogedGroup/<address>".
type CatalogedGroup struct {
	CatalogedApplication
	EnvelopedConnectionAddress jsonb.Raw `json:"EnvelopedConnectionAddress,omitempty"`
	EnvelopedProfileGroup      jsonb.Raw `json:"EnvelopedProfileGroup,omitempty"`
	EnvelopedActivationCommon  jsonb.Raw `json:"EnvelopedActivationCommon,omitempty"`
}

// Tag returns "CatalogedGroup".
func (*CatalogedGroup) Tag() string { return TagGroup }

// PrimaryKey returns "mmm/CatalogedGroup/<Key>".
func (a *CatalogedGroup) PrimaryKey() string { return "mmm/CatalogedGroup/" + a.Key }

// Validate requires a Key (the group address).
func (a *CatalogedGroup) Validate() error { return required(TagGroup, "Key", a.Key) }

// CatalogedCallsign binds an account name (Canonical, the primary key) to a
// profile, with the signed CallsignBinding.
type CatalogedCallsign struct {
	CatalogedApplication
	Canonical                string    `json:"Canonical,omitempty"`
	ProfileUdf               string    `json:"ProfileUdf,omitempty"`
	EnvelopedCallsignBinding jsonb.Raw `json:"EnvelopedCallsignBinding,omitempty"`
}

// Tag returns "CatalogedCallsign".
func (*CatalogedCallsign) Tag() string { return TagCallsign }

// PrimaryKey returns Canonical.
func (a *CatalogedCallsign) PrimaryKey() string { return a.Canonical }

// Validate requires Canonical and ProfileUdf.
func (a *CatalogedCallsign) Validate() error {
	if err := required(TagCallsign, "Canonical", a.Canonical); err != nil {
		return err
	}
	return required(TagCallsign, "ProfileUdf", a.ProfileUdf)
}
