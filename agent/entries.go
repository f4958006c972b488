package agent

import (
	"fmt"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/sdk"
)

// Plugins see catalog entries only as public views (plugins.md section 2.2,
// Entry.public_json: "the entry with every private field removed"). The
// agent serves the entry types it knows how to redact and nothing else:
// an SSH application without its escrowed private key and capabilities, and
// a credential without its password.

// publicSSH is the public view of an SSH application entry.
func publicSSH(app *catalog.CatalogedApplicationSsh, generation uint64) (sdk.Entry, error) {
	v := *app
	v.EnvelopedEscrow, v.EnvelopedCapabilities = nil, nil
	return publicEntry(profile.StoreApplication, &v, generation)
}

// publicCredential is the public view of a credential entry.
func publicCredential(c *catalog.CatalogedCredential, generation uint64) (sdk.Entry, error) {
	v := *c
	v.Password = ""
	return publicEntry(profile.StoreCredential, &v, generation)
}

func publicEntry(label string, e catalog.Entry, generation uint64) (sdk.Entry, error) {
	js, err := jsonb.MarshalTagged(e.Tag(), e, jsonb.JSON)
	if err != nil {
		return sdk.Entry{}, fmt.Errorf("agent: encoding the public view of %s %s: %w", label, e.PrimaryKey(), err)
	}
	if len(js) > sdk.MaxEntryJSONBytes {
		return sdk.Entry{}, fmt.Errorf("agent: the public view of %s %s is %d bytes, limit %d", label, e.PrimaryKey(), len(js), sdk.MaxEntryJSONBytes)
	}
	return sdk.Entry{Catalog: label, Type: e.Tag(), Key: e.PrimaryKey(), Generation: generation, PublicJSON: js}, nil
}

// readable reports whether plugin description d declared read access to
// entries of typ in label (plugins.md section 2.3: every call is checked
// against the plugin's declared scopes).
func readable(d sdk.Description, label, typ string) bool {
	for _, s := range d.Scopes {
		if s.Catalog != label || !hasAccess(s.Access, sdk.AccessRead) {
			continue
		}
		if len(s.EntryTypes) == 0 {
			return true
		}
		for _, t := range s.EntryTypes {
			if t == typ {
				return true
			}
		}
	}
	return false
}

func hasAccess(as []sdk.Access, a sdk.Access) bool {
	for _, x := range as {
		if x == a {
			return true
		}
	}
	return false
}
