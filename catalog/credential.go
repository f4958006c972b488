package catalog

import (
	"fmt"
	"io"
	"time"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// Entry tags of the personal catalogs (schema.md §7.3). Frozen wire names.
const (
	TagCredential = "CatalogedCredential"
	TagNetwork    = "CatalogedNetwork"
	TagBookmark   = "CatalogedBookmark"
	TagTask       = "CatalogedTask"
	TagEngagement = "Engagement"
)

// CatalogedCredential is a username and password for a service (schema.md
// §7.3; MMM_Credential). Its primary key is "<Protocol>:<Service>":
//
//	{"CatalogedCredential": {"Service": "ftp.example.com",
//	  "Username": "alice1", "Password": "password"}}     // key ":ftp.example.com"
//
// It holds a secret: String, GoString and Format redact the password.
type CatalogedCredential struct {
	CatalogedEntry
	Protocol             string          `json:"Protocol,omitempty"`
	Service              string          `json:"Service,omitempty"`
	Username             string          `json:"Username,omitempty"`
	Password             string          `json:"Password,omitempty"`
	ClientAuthentication []*keys.KeyData `json:"ClientAuthentication,omitempty"`
	HostAuthentication   []*keys.KeyData `json:"HostAuthentication,omitempty"`
}

// Tag returns "CatalogedCredential".
func (*CatalogedCredential) Tag() string { return TagCredential }

// PrimaryKey returns "<Protocol>:<Service>".
func (c *CatalogedCredential) PrimaryKey() string { return c.Protocol + ":" + c.Service }

// Validate requires a Service.
func (c *CatalogedCredential) Validate() error { return required(TagCredential, "Service", c.Service) }

// String redacts the password.
func (c *CatalogedCredential) String() string {
	return fmt.Sprintf("CatalogedCredential(%s, user %q, password redacted)", c.PrimaryKey(), c.Username)
}

// GoString redacts the password.
func (c *CatalogedCredential) GoString() string { return c.String() }

// Format redacts the password for every verb.
func (c *CatalogedCredential) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// CatalogedNetwork is a network's settings (schema.md §7.3; MMM_Network):
// Service is e.g. a WiFi SSID. Its primary key is "<Protocol>:<Service>".
// It holds a secret and redacts the password when printed.
type CatalogedNetwork struct {
	CatalogedEntry
	Protocol string `json:"Protocol,omitempty"`
	Service  string `json:"Service,omitempty"`
	Username string `json:"Username,omitempty"`
	Password string `json:"Password,omitempty"`
}

// Tag returns "CatalogedNetwork".
func (*CatalogedNetwork) Tag() string { return TagNetwork }

// PrimaryKey returns "<Protocol>:<Service>".
func (c *CatalogedNetwork) PrimaryKey() string { return c.Protocol + ":" + c.Service }

// Validate requires a Service.
func (c *CatalogedNetwork) Validate() error { return required(TagNetwork, "Service", c.Service) }

// String redacts the password.
func (c *CatalogedNetwork) String() string {
	return fmt.Sprintf("CatalogedNetwork(%s, user %q, password redacted)", c.PrimaryKey(), c.Username)
}

// GoString redacts the password.
func (c *CatalogedNetwork) GoString() string { return c.String() }

// Format redacts the password for every verb.
func (c *CatalogedNetwork) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// CatalogedBookmark is a bookmark (schema.md §7.3; MMM_Bookmark). Its
// primary key is Uid.
type CatalogedBookmark struct {
	CatalogedEntry
	Uri      string   `json:"Uri,omitempty"`
	Title    string   `json:"Title,omitempty"`
	Comments []string `json:"Comments,omitempty"`
}

// Tag returns "CatalogedBookmark".
func (*CatalogedBookmark) Tag() string { return TagBookmark }

// PrimaryKey returns Uid.
func (c *CatalogedBookmark) PrimaryKey() string { return c.Uid }

// Validate requires a Uid and a Uri.
func (c *CatalogedBookmark) Validate() error {
	if err := required(TagBookmark, "Uid", c.Uid); err != nil {
		return err
	}
	return required(TagBookmark, "Uri", c.Uri)
}

// CatalogedTask is a calendar entry or task (schema.md §7.3; MMM_Task; the
// CLI calls it calendar). EnvelopedTask holds the Engagement. Its primary
// key is Key.
type CatalogedTask struct {
	CatalogedEntry
	EnvelopedTask jsonb.Raw `json:"EnvelopedTask,omitempty"`
	Title         string    `json:"Title,omitempty"`
	Key           string    `json:"Key,omitempty"`
}

// Tag returns "CatalogedTask".
func (*CatalogedTask) Tag() string { return TagTask }

// PrimaryKey returns the Key field.
func (c *CatalogedTask) PrimaryKey() string { return c.Key }

// Validate requires a Key.
func (c *CatalogedTask) Validate() error { return required(TagTask, "Key", c.Key) }

// Engagement is a calendar entry (schema.md §7.3), carried enveloped in
// CatalogedTask.EnvelopedTask. Trigger, Conference and Repeat are not
// modelled; readers skip them.
type Engagement struct {
	Key          string     `json:"Key,omitempty"`
	Start        *time.Time `json:"Start,omitempty"`
	Finish       *time.Time `json:"Finish,omitempty"`
	StartTravel  *time.Time `json:"StartTravel,omitempty"`
	FinishTravel *time.Time `json:"FinishTravel,omitempty"`
	TimeZone     string     `json:"TimeZone,omitempty"`
	Title        string     `json:"Title,omitempty"`
	Description  string     `json:"Description,omitempty"`
	Location     string     `json:"Location,omitempty"`
	Busy         bool       `json:"Busy,omitempty"`
}

// Tag returns "Engagement".
func (*Engagement) Tag() string { return TagEngagement }
