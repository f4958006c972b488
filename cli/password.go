package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
)

// `meshman password` (cli.md §8; architecture draft §4.1.2; protocol.md §7
// F3): usernames and passwords in the MMM_Credential catalog, keyed by
// "<protocol>:<site>" and looked up by site.

var passwordKind = &catalogKind{
	group: "password", label: profile.StoreCredential, noun: "password",
	match: func(e catalog.Entry, id string) bool {
		c, ok := e.(*catalog.CatalogedCredential)
		return ok && (strings.EqualFold(c.Service, id) || (c.LocalName != "" && c.LocalName == id))
	},
	// The draft's form: alice1@ftp.example.com = [password].
	text: func(e catalog.Entry) string {
		c, ok := e.(*catalog.CatalogedCredential)
		if !ok {
			return e.PrimaryKey()
		}
		return c.Username + "@" + c.Service + " = [" + c.Password + "]"
	},
}

func newPasswordCmd(app *App) *cobra.Command {
	return newCatalogGroup(app, passwordKind, "store usernames and passwords in the credential catalog", newPasswordAddCmd)
}

func newPasswordAddCmd(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
	var local string
	cmd := &cobra.Command{
		Use:   "add SITE USER PASSWORD",
		Short: "add (or replace) the username and password for a site",
		Args:  exactArgs(3, "SITE", "USER", "PASSWORD"),
		RunE: func(cmd *cobra.Command, args []string) error {
			e := &catalog.CatalogedCredential{Service: args[0], Username: args[1], Password: args[2]}
			e.LocalName = local
			return putEntry(cmd, app, f, k, e)
		},
	}
	cmd.Flags().StringVar(&local, "id", "", "local name for the entry")
	return cmd
}
