package cli

import "github.com/spf13/cobra"

// newDareCmd builds `meshman dare`: DARE envelopes (encode, decode, verify,
// earl) and DARE sequences (cli.md §11).
func newDareCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dare",
		Short: "encrypt, sign and verify files as DARE envelopes and sequences",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newDareEnvelopeCmds(app)...)
	cmd.AddCommand(newDareSequenceCmds(app)...)
	return cmd
}
