package cli

import (
	"crypto/rand"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// `meshman contact` (cli.md §7): people in the MMM_Contact catalog, keyed by
// Key (the contact's profile fingerprint, or a fresh nonce) and looked up
// also by address, name or local name. The exchange commands (request,
// static, dynamic, fetch, exchange) belong to the messaging issue.

var contactKind = &catalogKind{
	group: "contact", label: profile.StoreContact, noun: "contact",
	match: func(e catalog.Entry, id string) bool {
		c, ok := e.(*catalog.CatalogedContact)
		if !ok {
			return false
		}
		if c.LocalName != "" && c.LocalName == id {
			return true
		}
		addrs, names := contactFields(c)
		for _, a := range addrs {
			if strings.EqualFold(a, id) {
				return true
			}
		}
		for _, n := range names {
			if n == id {
				return true
			}
		}
		return false
	},
	text: func(e catalog.Entry) string {
		c, ok := e.(*catalog.CatalogedContact)
		if !ok {
			return e.PrimaryKey()
		}
		addrs, names := contactFields(c)
		s := c.Key
		if len(addrs) > 0 {
			s = strings.Join(addrs, ", ")
		}
		if len(names) > 0 {
			s += " = [" + names[0] + "]"
		}
		if c.Self {
			s += " (self)"
		}
		return s
	},
}

// contactFields returns a contact's addresses and full names.
func contactFields(c *catalog.CatalogedContact) (addrs, names []string) {
	if c.Contact == nil {
		return nil, nil
	}
	_, body, err := c.Contact.Body()
	if err != nil {
		return nil, nil
	}
	for _, na := range body.NetworkAddresses {
		if na.Address != "" {
			addrs = append(addrs, na.Address)
		}
	}
	if p := c.Contact.ContactPerson; p != nil {
		for _, n := range p.CommonNames {
			if n.FullName != "" {
				names = append(names, n.FullName)
			}
		}
	}
	if o := c.Contact.ContactOrganization; o != nil {
		for _, n := range o.CommonNames {
			if n.RegisteredName != "" {
				names = append(names, n.RegisteredName)
			}
		}
	}
	return addrs, names
}

func newContactCmd(app *App) *cobra.Command {
	var flags *catalogFlags
	cmd := newCatalogGroup(app, contactKind, "store contacts in the contact catalog",
		func(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
			flags = f
			return newContactAddCmd(app, f, k)
		})
	cmd.AddCommand(newContactRequestCmd(app, &flags.accountFlags),
		newContactPublishCmd(app, &flags.accountFlags, false), newContactPublishCmd(app, &flags.accountFlags, true),
		newContactFetchCmd(app, &flags.accountFlags, false), newContactFetchCmd(app, &flags.accountFlags, true))
	return cmd
}

// newContactRequestCmd is `contact request ADDRESS` (the draft's `message
// contact`; protocol.md F6a step 1). It uses the group's --account flags.
func newContactRequestCmd(app *App, af *accountFlags) *cobra.Command {
	var subject string
	cmd := &cobra.Command{
		Use:   "request ADDRESS",
		Short: "send a contact request, with this account's contact card, to ADDRESS",
		Args:  exactArgs(1, "ADDRESS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("contact request: %w", err)
			}
			sent, err := a.RequestContact(cmd.Context(), args[0], subject)
			if err != nil {
				return app.Errorf("contact request: %w", err)
			}
			return app.Emit(&SentMessageResult{sent})
		},
	}
	cmd.Flags().StringVar(&subject, "subject", "", "a line of text shown to the recipient")
	return cmd
}

func newContactAddCmd(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
	var local string
	cmd := &cobra.Command{
		Use:   "add ADDRESS NAME",
		Short: "add a person's Mesh (or mail) address and name",
		Args:  exactArgs(2, "ADDRESS", "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := client.ServiceDomain(args[0]); err != nil {
				return app.Errorf("contact add: %v", err)
			}
			key, err := udf.Nonce(rand.Reader, 128)
			if err != nil {
				return app.Errorf("contact add: %v", err)
			}
			person := &catalog.ContactPerson{CommonNames: []catalog.PersonName{{FullName: args[1]}}}
			person.Id = key
			person.NetworkAddresses = []catalog.NetworkAddress{{
				Address: args[0], Protocols: []catalog.NetworkProtocol{{Protocol: "mmm"}},
			}}
			e := &catalog.CatalogedContact{Key: key, Contact: &catalog.TaggedContact{ContactPerson: person}}
			e.LocalName = local
			return putEntry(cmd, app, f, k, e)
		},
	}
	cmd.Flags().StringVar(&local, "id", "", "local name for the entry")
	return cmd
}
