package catalog

import (
	"fmt"
	"time"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
)

// TagDevice is the tag of device catalog entries.
const TagDevice = "CatalogedDevice"

// CatalogedDevice is a device connected to the account (schema.md §7.3;
// MMM_Device), keyed by the device profile UDF:
//
//	{"CatalogedDevice": {
//	  "Udf": "<account profile UDF>",
//	  "DeviceUdf": "<device profile UDF>",           // primary key
//	  "EnvelopedProfileUser": [..],                   // the account profile
//	  "EnvelopedProfileDevice": [..],                 // the device profile
//	  "EnvelopedConnectionService": [..],             // signed by AdministratorSignature
//	  "EnvelopedConnectionDevice": [..],              // signed by AdministratorSignature
//	  "EnvelopedActivationAccount": [..],             // to the device's base key
//	  "EnvelopedActivationCommon": [..],              // to the device's overlaid key
//	  "ApplicationEntries": [{"ApplicationEntrySsh": {..}}, ..]}}
//
// Its envelope is encrypted to the MMM_Device store key and to the device's
// overlaid encryption key, so that every device can read its own record.
type CatalogedDevice struct {
	CatalogedEntry
	Updated                    *time.Time         `json:"Updated,omitempty"`
	Udf                        string             `json:"Udf,omitempty"`
	DeviceUdf                  string             `json:"DeviceUdf,omitempty"`
	SignatureUdf               string             `json:"SignatureUdf,omitempty"`
	EnvelopedProfileUser       jsonb.Raw          `json:"EnvelopedProfileUser,omitempty"`
	EnvelopedProfileDevice     jsonb.Raw          `json:"EnvelopedProfileDevice,omitempty"`
	EnvelopedConnectionService jsonb.Raw          `json:"EnvelopedConnectionService,omitempty"`
	EnvelopedConnectionDevice  jsonb.Raw          `json:"EnvelopedConnectionDevice,omitempty"`
	EnvelopedActivationAccount jsonb.Raw          `json:"EnvelopedActivationAccount,omitempty"`
	EnvelopedActivationCommon  jsonb.Raw          `json:"EnvelopedActivationCommon,omitempty"`
	ApplicationEntries         []ApplicationEntry `json:"ApplicationEntries,omitempty"`
}

// Tag returns "CatalogedDevice".
func (*CatalogedDevice) Tag() string { return TagDevice }

// PrimaryKey returns DeviceUdf.
func (c *CatalogedDevice) PrimaryKey() string { return c.DeviceUdf }

// Validate requires the device UDF and the connection envelopes.
func (c *CatalogedDevice) Validate() error {
	if err := required(TagDevice, "DeviceUdf", c.DeviceUdf); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    jsonb.Raw
	}{
		{"EnvelopedProfileDevice", c.EnvelopedProfileDevice},
		{"EnvelopedConnectionService", c.EnvelopedConnectionService},
		{"EnvelopedConnectionDevice", c.EnvelopedConnectionDevice},
		{"EnvelopedActivationAccount", c.EnvelopedActivationAccount},
		{"EnvelopedActivationCommon", c.EnvelopedActivationCommon},
	} {
		if len(f.v) == 0 {
			return fmt.Errorf("catalog: %s field %q is required", TagDevice, f.name)
		}
	}
	for i := range c.ApplicationEntries {
		if err := c.ApplicationEntries[i].validate(); err != nil {
			return fmt.Errorf("catalog: %s ApplicationEntries[%d]: %w", TagDevice, i, err)
		}
	}
	return nil
}

// Envelopes returns the four connection envelopes, for
// profile.DeviceSecrets.Accept.
func (c *CatalogedDevice) Envelopes() *profile.DeviceEnvelopes {
	return &profile.DeviceEnvelopes{
		ConnectionService: c.EnvelopedConnectionService,
		ConnectionDevice:  c.EnvelopedConnectionDevice,
		ActivationAccount: c.EnvelopedActivationAccount,
		ActivationCommon:  c.EnvelopedActivationCommon,
	}
}

// NewCatalogedDevice builds the device entry of a connection made by
// profile.AccountSecrets.ConnectDevice (protocol.md F1 step 7, F4a step 7).
// accountUDF is the account profile UDF; profileUser and profileDevice are
// the signed profile envelopes.
func NewCatalogedDevice(accountUDF string, profileUser, profileDevice []byte, conn *profile.DeviceConnection) *CatalogedDevice {
	now := time.Now().UTC().Truncate(time.Second)
	return &CatalogedDevice{
		Updated:                    &now,
		Udf:                        accountUDF,
		DeviceUdf:                  conn.DeviceUDF,
		SignatureUdf:               conn.Keys.Signature.Fingerprint(),
		EnvelopedProfileUser:       profileUser,
		EnvelopedProfileDevice:     profileDevice,
		EnvelopedConnectionService: conn.Envelopes.ConnectionService,
		EnvelopedConnectionDevice:  conn.Envelopes.ConnectionDevice,
		EnvelopedActivationAccount: conn.Envelopes.ActivationAccount,
		EnvelopedActivationCommon:  conn.Envelopes.ActivationCommon,
	}
}

// Tags of application entries (schema.md §5.4).
const (
	TagApplicationEntrySsh      = "ApplicationEntrySsh"
	TagApplicationEntryMail     = "ApplicationEntryMail"
	TagApplicationEntryGroup    = "ApplicationEntryGroup"
	TagApplicationEntryCallsign = "ApplicationEntryCallsign"
)

// ApplicationEntryBody holds the fields of every application entry:
// Identifier is the key of the application's catalog entry (for groups the
// group address), EnvelopedActivation the application's activation,
// encrypted to the device's overlaid encryption key.
type ApplicationEntryBody struct {
	Identifier          string    `json:"Identifier,omitempty"`
	EnvelopedActivation jsonb.Raw `json:"EnvelopedActivation,omitempty"`
}

// ApplicationEntry is the tagged ("TStruct") ApplicationEntry of
// CatalogedDevice.ApplicationEntries: exactly one member is set.
type ApplicationEntry struct {
	ApplicationEntrySsh      *ApplicationEntryBody `json:"ApplicationEntrySsh,omitempty"`
	ApplicationEntryMail     *ApplicationEntryBody `json:"ApplicationEntryMail,omitempty"`
	ApplicationEntryGroup    *ApplicationEntryBody `json:"ApplicationEntryGroup,omitempty"`
	ApplicationEntryCallsign *ApplicationEntryBody `json:"ApplicationEntryCallsign,omitempty"`
}

// Body returns the tag and fields of the member that is set.
func (a *ApplicationEntry) Body() (string, *ApplicationEntryBody) {
	switch {
	case a.ApplicationEntrySsh != nil:
		return TagApplicationEntrySsh, a.ApplicationEntrySsh
	case a.ApplicationEntryMail != nil:
		return TagApplicationEntryMail, a.ApplicationEntryMail
	case a.ApplicationEntryGroup != nil:
		return TagApplicationEntryGroup, a.ApplicationEntryGroup
	case a.ApplicationEntryCallsign != nil:
		return TagApplicationEntryCallsign, a.ApplicationEntryCallsign
	}
	return "", nil
}

func (a *ApplicationEntry) validate() error {
	n := 0
	for _, p := range []*ApplicationEntryBody{a.ApplicationEntrySsh, a.ApplicationEntryMail,
		a.ApplicationEntryGroup, a.ApplicationEntryCallsign} {
		if p != nil {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("a tagged ApplicationEntry must have exactly one member, has %d", n)
	}
	_, b := a.Body()
	return required("ApplicationEntry", "Identifier", b.Identifier)
}
