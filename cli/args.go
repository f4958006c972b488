package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// exactArgs requires exactly n positional arguments and names them in the
// error message.
func exactArgs(n int, names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		return argCountError(cmd, args, fmt.Sprintf("exactly %d", n), names)
	}
}

// rangeArgs requires between lo and hi positional arguments.
func rangeArgs(lo, hi int, names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) >= lo && len(args) <= hi {
			return nil
		}
		return argCountError(cmd, args, fmt.Sprintf("%d to %d", lo, hi), names)
	}
}

// minArgs requires at least n positional arguments.
func minArgs(n int, names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) >= n {
			return nil
		}
		return argCountError(cmd, args, fmt.Sprintf("at least %d", n), names)
	}
}

func argCountError(cmd *cobra.Command, args []string, want string, names []string) error {
	return fmt.Errorf("%s: takes %s argument(s) (%s), got %d (usage: meshman %s)",
		commandPath(cmd), want, strings.Join(names, " "), len(args), strings.TrimPrefix(cmd.UseLine(), "meshman "))
}
