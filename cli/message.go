package cli

import "github.com/spf13/cobra"

// newMessageCmd builds `meshman message` (cli.md §6). For now it lists the
// pending connection requests (architecture draft §4.2 `message pending`);
// the other message types come with the messaging issue.
func newMessageCmd(app *App) *cobra.Command {
	var af accountFlags
	cmd := &cobra.Command{
		Use:   "message",
		Short: "messages waiting in the account's inbound spool",
		Args:  cobra.NoArgs,
	}
	af.addPersistent(cmd)
	cmd.AddCommand(&cobra.Command{
		Use:   "pending",
		Short: "list the requests waiting for an answer (connection requests)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return pendingRun(cmd, app, &af, "message pending") },
	})
	return cmd
}
