package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Main runs meshman with the process's arguments and streams and returns the
// exit status.
func Main() int {
	return Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// Run executes one meshman command line. It returns 0 on success and 1 on
// any error, after printing a one-line message to stderr.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := &App{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	root := NewRoot(app)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		msg := strings.TrimSpace(err.Error())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		fmt.Fprintf(stderr, "meshman: %s\n", msg)
		return 1
	}
	return 0
}

// NewRoot builds the whole command tree around app.
func NewRoot(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:           "meshman",
		Short:         "meshman manages Mathematical Mesh accounts, keys and encrypted data",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
	}
	root.PersistentFlags().BoolVar(&app.JSON, "json", false, "print the result as JSON")
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%v (see 'meshman %s --help')", err, commandPath(c))
	})
	root.AddCommand(
		newHashCmd(app),
		newKeyCmd(app),
		newDareCmd(app),
		newAccountCmd(app),
		newPasswordCmd(app),
		newBookmarkCmd(app),
		newContactCmd(app),
		newCalendarCmd(app),
		newNetworkCmd(app),
		newDeviceCmd(app),
		newMessageCmd(app),
		newGroupCmd(app),
		newSSHCmd(app),
		newAgentCmd(app),
	)
	return root
}

func commandPath(c *cobra.Command) string {
	p := c.CommandPath()
	return strings.TrimPrefix(strings.TrimPrefix(p, "meshman"), " ")
}
