package cli

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// `meshman calendar` (cli.md §8): tasks and appointments in the MMM_Task
// catalog, keyed by Key (a fresh nonce) and looked up also by title or
// local name. The entry carries the Engagement as EnvelopedTask
// (schema.md §7.3); the catalog envelope around it is what is encrypted.

var calendarKind = &catalogKind{
	group: "calendar", label: profile.StoreTask, noun: "calendar entry",
	match: func(e catalog.Entry, id string) bool {
		t, ok := e.(*catalog.CatalogedTask)
		return ok && (t.Title == id || (t.LocalName != "" && t.LocalName == id))
	},
	text: func(e catalog.Entry) string {
		t, ok := e.(*catalog.CatalogedTask)
		if !ok {
			return e.PrimaryKey()
		}
		return t.Key + " = [" + t.Title + "]"
	},
}

func newCalendarCmd(app *App) *cobra.Command {
	return newCatalogGroup(app, calendarKind, "store tasks and appointments in the calendar catalog", newCalendarAddCmd)
}

func newCalendarAddCmd(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
	var local, start, finish, description string
	cmd := &cobra.Command{
		Use:   "add TITLE",
		Short: "add a task or appointment",
		Long: "Add a calendar entry titled TITLE. --start and --finish take RFC 3339 times\n" +
			"(2026-05-01T09:00:00Z).",
		Args: exactArgs(1, "TITLE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := udf.Nonce(rand.Reader, 128)
			if err != nil {
				return app.Errorf("calendar add: %v", err)
			}
			g := &catalog.Engagement{Key: key, Title: args[0], Description: description}
			if g.Start, err = parseTimeFlag("--start", start); err != nil {
				return app.Errorf("calendar add: %v", err)
			}
			if g.Finish, err = parseTimeFlag("--finish", finish); err != nil {
				return app.Errorf("calendar add: %v", err)
			}
			env, err := profile.Seal(g, &profile.SealOptions{UniqueID: key})
			if err != nil {
				return app.Errorf("calendar add: %v", err)
			}
			e := &catalog.CatalogedTask{Key: key, Title: args[0], EnvelopedTask: env}
			e.LocalName = local
			return putEntry(cmd, app, f, k, e)
		},
	}
	cmd.Flags().StringVar(&local, "id", "", "local name for the entry")
	cmd.Flags().StringVar(&start, "start", "", "start time (RFC 3339)")
	cmd.Flags().StringVar(&finish, "finish", "", "finish time (RFC 3339)")
	cmd.Flags().StringVar(&description, "description", "", "description")
	return cmd
}

// parseTimeFlag parses an optional RFC 3339 time.
func parseTimeFlag(name, v string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not an RFC 3339 time (e.g. 2026-05-01T09:00:00Z)", name, v)
	}
	t = t.UTC()
	return &t, nil
}
