package profile

import (
	"fmt"
	"io"

	"github.com/mathmesh/mesh/keys"
)

// Type tags of activations (schema.md §5).
const (
	TagActivationAccount        = "ActivationAccount"
	TagActivationHost           = "ActivationHost"
	TagActivationCommon         = "ActivationCommon"
	TagActivationApplicationSsh = "ActivationApplicationSsh"
)

// ActivationEntry grants the private key of one resource, in practice a
// store label such as MMM_Contact (schema.md §5.1).
type ActivationEntry struct {
	Resource       string        `json:"Resource,omitempty"`
	Key            *keys.KeyData `json:"Key,omitempty"`
	ServiceId      string        `json:"ServiceId,omitempty"`
	ServiceAddress string        `json:"ServiceAddress,omitempty"`
}

// Activation holds the fields of every activation (schema.md §5.1).
// ActivationKey is a secret seed; activations always travel encrypted.
type Activation struct {
	Assertion
	ActivationKey string            `json:"ActivationKey,omitempty"`
	Entries       []ActivationEntry `json:"Entries,omitempty"`
}

// ActivationAccount is the per-device overlay record (schema.md §5.2; 2020
// name ActivationDevice): ActivationKey is a MeshActivationAccount seed from
// which the contributions ActivationDevice{Encrypt,Sign,Authenticate} are
// derived. AccountUdf holds the device profile UDF, as the reference fills
// it. It is enveloped signed with AdministratorSignature and encrypted to
// the device's base Encryption key.
type ActivationAccount struct {
	Activation
	AccountUdf string `json:"AccountUdf,omitempty"`
}

// Tag returns "ActivationAccount".
func (*ActivationAccount) Tag() string { return TagActivationAccount }

// ActivationHost activates a host inside a service (schema.md §5.5): an
// ActivationAccount whose contributions are named with actor Host.
type ActivationHost struct {
	ActivationAccount
}

// Tag returns "ActivationHost".
func (*ActivationHost) Tag() string { return TagActivationHost }

// ActivationCommon grants account-wide keys and store keys to a device
// (schema.md §5.3; 2020 name ActivationAccount). Each KeyData is present
// only when the device's roles grant it, and then holds the private key
// (degree Direct). It is enveloped signed with AdministratorSignature and
// encrypted to the device's overlaid encryption key.
type ActivationCommon struct {
	Activation
	ProfileSignature       *keys.KeyData `json:"ProfileSignature,omitempty"`
	AdministratorSignature *keys.KeyData `json:"AdministratorSignature,omitempty"`
	Encryption             *keys.KeyData `json:"Encryption,omitempty"`
	Authentication         *keys.KeyData `json:"Authentication,omitempty"`
	Signature              *keys.KeyData `json:"Signature,omitempty"`
}

// Tag returns "ActivationCommon".
func (*ActivationCommon) Tag() string { return TagActivationCommon }

// ActivationApplicationSsh carries the SSH client private key shared by the
// devices authorised for an SSH application (schema.md §5.4).
type ActivationApplicationSsh struct {
	Activation
	ClientKey *keys.KeyData `json:"ClientKey,omitempty"`
}

// Tag returns "ActivationApplicationSsh".
func (*ActivationApplicationSsh) Tag() string { return TagActivationApplicationSsh }

// The activation types hold secrets: they print their tag only.

// String redacts the activation.
func (a *Activation) String() string { return "Activation(secrets redacted)" }

// GoString redacts the activation.
func (a *Activation) GoString() string { return a.String() }

// Format redacts the activation for every verb.
func (a *Activation) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

// String redacts the activation.
func (a *ActivationAccount) String() string { return "ActivationAccount(secrets redacted)" }

// GoString redacts the activation.
func (a *ActivationAccount) GoString() string { return a.String() }

// Format redacts the activation for every verb.
func (a *ActivationAccount) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

// String redacts the activation.
func (a *ActivationCommon) String() string { return "ActivationCommon(secrets redacted)" }

// GoString redacts the activation.
func (a *ActivationCommon) GoString() string { return a.String() }

// Format redacts the activation for every verb.
func (a *ActivationCommon) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

// String redacts the activation.
func (a *ActivationApplicationSsh) String() string {
	return "ActivationApplicationSsh(secrets redacted)"
}

// GoString redacts the activation.
func (a *ActivationApplicationSsh) GoString() string { return a.String() }

// Format redacts the activation for every verb.
func (a *ActivationApplicationSsh) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, a.String())
}
