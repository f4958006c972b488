package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
)

// `meshman network` (cli.md §8): network settings (WiFi SSIDs and their
// passwords) in the MMM_Network catalog, keyed by "<protocol>:<ssid>".

var networkKind = &catalogKind{
	group: "network", label: profile.StoreNetwork, noun: "network",
	match: func(e catalog.Entry, id string) bool {
		n, ok := e.(*catalog.CatalogedNetwork)
		return ok && (n.Service == id || (n.LocalName != "" && n.LocalName == id))
	},
	text: func(e catalog.Entry) string {
		n, ok := e.(*catalog.CatalogedNetwork)
		if !ok {
			return e.PrimaryKey()
		}
		s := n.Service
		if n.Username != "" {
			s = n.Username + "@" + s
		}
		return s + " = [" + n.Password + "]"
	},
}

func newNetworkCmd(app *App) *cobra.Command {
	return newCatalogGroup(app, networkKind, "store network settings in the network catalog", newNetworkAddCmd)
}

func newNetworkAddCmd(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
	var local, protocol, user string
	cmd := &cobra.Command{
		Use:   "add SSID PASSWORD",
		Short: "add (or replace) a network and its password",
		Args:  exactArgs(2, "SSID", "PASSWORD"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(args[0]) == "" {
				return app.Errorf("network add: the SSID is empty")
			}
			e := &catalog.CatalogedNetwork{Protocol: protocol, Service: args[0], Username: user, Password: args[1]}
			e.LocalName = local
			return putEntry(cmd, app, f, k, e)
		},
	}
	cmd.Flags().StringVar(&local, "id", "", "local name for the entry")
	cmd.Flags().StringVar(&protocol, "protocol", "", "network protocol, e.g. wifi or vpn")
	cmd.Flags().StringVar(&user, "user", "", "username, for networks that need one")
	return cmd
}
