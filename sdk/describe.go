package sdk

import (
	"fmt"
	"regexp"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
)

// Access bits of a catalog scope.
type Access = pluginv1.Access

// Accesses.
const (
	AccessRead   = pluginv1.Access_ACCESS_READ
	AccessWrite  = pluginv1.Access_ACCESS_WRITE
	AccessReveal = pluginv1.Access_ACCESS_REVEAL
)

// AttributeType is the type of a config attribute.
type AttributeType = pluginv1.AttributeType

// Attribute types.
const (
	AttributeString     = pluginv1.AttributeType_ATTRIBUTE_TYPE_STRING
	AttributeNumber     = pluginv1.AttributeType_ATTRIBUTE_TYPE_NUMBER
	AttributeBool       = pluginv1.AttributeType_ATTRIBUTE_TYPE_BOOL
	AttributeStringList = pluginv1.AttributeType_ATTRIBUTE_TYPE_STRING_LIST
	AttributeAny        = pluginv1.AttributeType_ATTRIBUTE_TYPE_ANY
)

// Scope is one catalog a plugin needs.
type Scope struct {
	Catalog    string   // "MMM_Credential"
	EntryTypes []string // "CatalogedCredential"
	Access     []Access
}

// ConfigAttribute is one attribute of the plugin's `config` block in
// plugins.hcl. The agent decodes the block against these (unknown attributes
// are errors with file positions) and passes the result as JSON to Configure.
type ConfigAttribute struct {
	Name        string
	Type        AttributeType
	Required    bool
	Description string
}

// Description is what Describe returns (plugins.md section 2.2).
type Description struct {
	Name           string // "ssh"; equals the plugin's name in plugins.hcl
	Version        string // the plugin's own version
	ContractMinor  uint32 // optional RPCs of major 1 this plugin has
	EntryTypes     []string
	Scopes         []Scope
	Endpoints      []string // "ssh-agent", "assuan-scd", "p11-kit", "native-messaging"
	ConfigSchema   []ConfigAttribute
	PolicySections []string // "ssh", "openpgp", ...
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
var identRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.:-]*$`)

func checkName(what, s string, re *regexp.Regexp) error {
	if len(s) == 0 || len(s) > MaxNameBytes || !re.MatchString(s) {
		return fmt.Errorf("sdk: description: invalid %s %q: %w", what, s, ErrInvalid)
	}
	return nil
}

// Validate checks the description: names are short lowercase words, entry
// types and catalogs are identifiers, config attributes are unique and typed.
func (d Description) Validate() error {
	if err := checkName("plugin name", d.Name, nameRE); err != nil {
		return err
	}
	if d.Version == "" || len(d.Version) > MaxNameBytes {
		return fmt.Errorf("sdk: description: invalid version %q: %w", d.Version, ErrInvalid)
	}
	for _, t := range d.EntryTypes {
		if err := checkName("entry type", t, identRE); err != nil {
			return err
		}
	}
	for _, s := range d.Scopes {
		if err := checkName("scope catalog", s.Catalog, identRE); err != nil {
			return err
		}
		for _, t := range s.EntryTypes {
			if err := checkName("scope entry type", t, identRE); err != nil {
				return err
			}
		}
		if len(s.Access) == 0 {
			return fmt.Errorf("sdk: description: scope %s has no access: %w", s.Catalog, ErrInvalid)
		}
	}
	if err := uniqueNames("endpoint", d.Endpoints); err != nil {
		return err
	}
	seen := make(map[string]bool)
	for _, a := range d.ConfigSchema {
		if err := checkName("config attribute", a.Name, regexp.MustCompile(`^[a-z][a-z0-9_]*$`)); err != nil {
			return err
		}
		if seen[a.Name] {
			return fmt.Errorf("sdk: description: config attribute %q repeated: %w", a.Name, ErrInvalid)
		}
		seen[a.Name] = true
		if a.Type == pluginv1.AttributeType_ATTRIBUTE_TYPE_UNSPECIFIED {
			return fmt.Errorf("sdk: description: config attribute %q has no type: %w", a.Name, ErrInvalid)
		}
	}
	for _, s := range d.PolicySections {
		if err := checkName("policy section", s, nameRE); err != nil {
			return err
		}
	}
	return nil
}

func uniqueNames(what string, names []string) error {
	seen := make(map[string]bool)
	for _, n := range names {
		if err := checkName(what, n, nameRE); err != nil {
			return err
		}
		if seen[n] {
			return fmt.Errorf("sdk: description: %s %q repeated: %w", what, n, ErrInvalid)
		}
		seen[n] = true
	}
	return nil
}
