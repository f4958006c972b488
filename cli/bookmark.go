package cli

import (
	"crypto/rand"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// `meshman bookmark` (cli.md §8): web bookmarks in the MMM_Bookmark catalog,
// keyed by Uid (a fresh nonce unless --uid is given) and looked up also by
// URI or local name.

var bookmarkKind = &catalogKind{
	group: "bookmark", label: profile.StoreBookmark, noun: "bookmark",
	match: func(e catalog.Entry, id string) bool {
		b, ok := e.(*catalog.CatalogedBookmark)
		return ok && (b.Uri == id || (b.LocalName != "" && b.LocalName == id))
	},
	text: func(e catalog.Entry) string {
		b, ok := e.(*catalog.CatalogedBookmark)
		if !ok {
			return e.PrimaryKey()
		}
		return b.Uri + " = [" + b.Title + "]"
	},
}

func newBookmarkCmd(app *App) *cobra.Command {
	return newCatalogGroup(app, bookmarkKind, "store web bookmarks in the bookmark catalog", newBookmarkAddCmd)
}

func newBookmarkAddCmd(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
	var local, uid string
	var comments []string
	cmd := &cobra.Command{
		Use:   "add URI TITLE",
		Short: "add a bookmark",
		Args:  exactArgs(2, "URI", "TITLE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := url.Parse(args[0])
			if err != nil || u.Scheme == "" {
				return app.Errorf("bookmark add: %q is not an absolute URI", args[0])
			}
			if uid == "" {
				if uid, err = udf.Nonce(rand.Reader, 128); err != nil {
					return app.Errorf("bookmark add: %v", err)
				}
			}
			e := &catalog.CatalogedBookmark{Uri: args[0], Title: args[1], Comments: comments}
			e.Uid, e.LocalName = uid, local
			return putEntry(cmd, app, f, k, e)
		},
	}
	cmd.Flags().StringVar(&local, "id", "", "local name for the entry")
	cmd.Flags().StringVar(&uid, "uid", "", "unique id of the entry (default: a fresh nonce)")
	cmd.Flags().StringArrayVar(&comments, "comment", nil, "a comment (repeatable)")
	return cmd
}
