package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/profile"
)

// Catalog command groups (cli.md §7, §8; protocol.md §7 F3): password,
// bookmark, contact, calendar and network share get, list, delete and
// import; each group adds its own `add`.

// catalogKind describes one catalog command group.
type catalogKind struct {
	group string // command name, e.g. "password"
	label string // catalog label, e.g. "MMM_Credential"
	noun  string // what an entry is called in help texts
	// match reports whether e is the entry the user named with id (besides
	// its primary key): its site, URI, SSID, address or local name.
	match func(e catalog.Entry, id string) bool
	// text is an entry's one-line text form.
	text func(e catalog.Entry) string
}

// catalogFlags are the options of every catalog command.
type catalogFlags struct {
	accountFlags
	sync bool
}

// newCatalogGroup builds the command group of kind with its add command.
func newCatalogGroup(app *App, k *catalogKind, short string, add func(*App, *catalogFlags, *catalogKind) *cobra.Command) *cobra.Command {
	var f catalogFlags
	cmd := &cobra.Command{Use: k.group, Short: short, Args: cobra.NoArgs}
	f.addPersistent(cmd)
	cmd.PersistentFlags().BoolVar(&f.sync, "sync", true,
		"synchronise with the service first (--sync=false reads the local copy offline)")
	cmd.AddCommand(add(app, &f, k), newCatalogGetCmd(app, &f, k), newCatalogListCmd(app, &f, k),
		newCatalogDeleteCmd(app, &f, k), newCatalogImportCmd(app, &f, k))
	return cmd
}

// CatalogEntryResult is the output of catalog add, get, delete and import.
type CatalogEntryResult struct {
	Catalog string        `json:"catalog"`
	Key     string        `json:"key"`
	Action  string        `json:"action,omitempty"` // "added", "updated", "deleted"
	Entry   catalog.Entry `json:"entry"`
	text    string
}

func (r *CatalogEntryResult) Text() string {
	if r.Action == "deleted" {
		return "Deleted " + r.text
	}
	return r.text
}

func newEntryResult(k *catalogKind, e catalog.Entry, action string) *CatalogEntryResult {
	return &CatalogEntryResult{Catalog: k.label, Key: e.PrimaryKey(), Action: action, Entry: e, text: k.text(e)}
}

// CatalogListResult is the output of catalog list.
type CatalogListResult struct {
	Catalog string                `json:"catalog"`
	Entries []*CatalogEntryResult `json:"entries"`
}

func (r *CatalogListResult) Text() string {
	lines := make([]string, len(r.Entries))
	for i, e := range r.Entries {
		lines[i] = e.text
	}
	return strings.Join(lines, "\n")
}

// putEntry stores e and emits it.
func putEntry(cmd *cobra.Command, app *App, f *catalogFlags, k *catalogKind, e catalog.Entry) error {
	name := k.group + " " + cmd.Name()
	a, err := f.open(app, "")
	if err != nil {
		return app.Errorf("%s: %w", name, err)
	}
	replaced, err := a.Put(cmd.Context(), k.label, e)
	if err != nil {
		return app.Errorf("%s: %w", name, err)
	}
	action := "added"
	if replaced {
		action = "updated"
	}
	return app.Emit(newEntryResult(k, e, action))
}

func newCatalogGetCmd(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
	return &cobra.Command{
		Use:   "get ID",
		Short: "show one " + k.noun,
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := k.group + " get"
			v, err := openCatalog(cmd, app, f, k)
			if err != nil {
				return app.Errorf("%s: %w", name, err)
			}
			defer v.Close()
			e, err := client.Lookup(v.Catalog, args[0], func(e catalog.Entry) bool { return k.match(e, args[0]) })
			if err != nil {
				return app.Errorf("%s: %w", name, err)
			}
			return app.Emit(newEntryResult(k, e, ""))
		},
	}
}

func newCatalogListCmd(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "list every " + k.noun,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			name := k.group + " list"
			v, err := openCatalog(cmd, app, f, k)
			if err != nil {
				return app.Errorf("%s: %w", name, err)
			}
			defer v.Close()
			list, err := v.List()
			if err != nil {
				return app.Errorf("%s: %w", name, err)
			}
			res := &CatalogListResult{Catalog: k.label, Entries: []*CatalogEntryResult{}}
			for _, e := range list {
				res.Entries = append(res.Entries, newEntryResult(k, e, ""))
			}
			return app.Emit(res)
		},
	}
}

func newCatalogDeleteCmd(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "delete one " + k.noun,
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := k.group + " delete"
			a, err := f.open(app, "")
			if err != nil {
				return app.Errorf("%s: %w", name, err)
			}
			e, err := a.Remove(cmd.Context(), k.label, args[0], func(e catalog.Entry) bool { return k.match(e, args[0]) })
			if err != nil {
				return app.Errorf("%s: %w", name, err)
			}
			return app.Emit(newEntryResult(k, e, "deleted"))
		},
	}
}

func newCatalogImportCmd(app *App, f *catalogFlags, k *catalogKind) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "add a " + k.noun + " from a file holding a tagged JSON catalog entry",
		Long: "Add the entry in FILE, a tagged JSON object such as {\"" + catalogTagHint(k) + "\": {...}}\n" +
			"(the reference's only import format), replacing an entry with the same key.",
		Args: exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := k.group + " import"
			data, err := readImportFile(args[0])
			if err != nil {
				return app.Errorf("%s: %v", name, err)
			}
			e, err := catalog.DecodeEntry(k.label, data)
			if err != nil {
				return app.Errorf("%s: %s: %w", name, args[0], err)
			}
			return putEntry(cmd, app, f, k, e)
		},
	}
}

func catalogTagHint(k *catalogKind) string {
	switch k.label {
	case profile.StoreCredential:
		return catalog.TagCredential
	case profile.StoreBookmark:
		return catalog.TagBookmark
	case profile.StoreTask:
		return catalog.TagTask
	case profile.StoreNetwork:
		return catalog.TagNetwork
	}
	return catalog.TagContact
}

// readImportFile reads an entry file, refusing one over the import limit.
func readImportFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, client.MaxImportSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > client.MaxImportSize {
		return nil, fmt.Errorf("%s is larger than the %d-byte limit for an entry file", path, client.MaxImportSize)
	}
	return b, nil
}

func openCatalog(cmd *cobra.Command, app *App, f *catalogFlags, k *catalogKind) (*client.CatalogView, error) {
	a, err := f.open(app, "")
	if err != nil {
		return nil, err
	}
	return a.Catalog(cmd.Context(), k.label, f.sync)
}
