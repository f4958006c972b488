package cli

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/client"
)

// newAccountCmd builds `meshman account` (cli.md §4; protocol.md §7 F0, F1):
// create, hello, status, sync, list, get and delete talk to the account's
// Mesh service; recover --verify is the offline part of escrow recovery
// (architecture draft §4.5, udf.md §7.4).
func newAccountCmd(app *App) *cobra.Command {
	var af accountFlags
	cmd := &cobra.Command{
		Use:   "account",
		Short: "create, inspect and recover Mesh accounts",
		Args:  cobra.NoArgs,
	}
	af.addPersistent(cmd)
	cmd.AddCommand(
		newAccountCreateCmd(app, &af), newAccountHelloCmd(app, &af), newAccountStatusCmd(app, &af),
		newAccountSyncCmd(app, &af), newAccountListCmd(app, &af), newAccountGetCmd(app, &af),
		newAccountDeleteCmd(app, &af), newAccountRecoverCmd(app, &af), newAccountEscrowCmd(app, &af), newAccountPinCmd(app, &af),
		newAccountConnectCmd(app, &af),
	)
	return cmd
}

// accountFlags are the AccountOptions of cli.md §2 as GNU flags, shared by
// every command that acts on an account.
type accountFlags struct {
	account      string
	service      string
	insecureHTTP bool
}

func (f *accountFlags) addPersistent(cmd *cobra.Command) {
	cmd.PersistentFlags().StringVar(&f.account, "account", "",
		"account to act on: address, profile fingerprint or local name (default: this machine's default account)")
	cmd.PersistentFlags().StringVar(&f.service, "service", "",
		"Mesh service URL, overriding $MESH_SERVICE and DNS discovery")
	cmd.PersistentFlags().BoolVar(&f.insecureHTTP, "insecure-http", false,
		"allow plain http to a service that is not on a loopback address (also $MESH_INSECURE_HTTP=1)")
}

// client returns the client library for $MESH_HOME.
func (f *accountFlags) client(app *App) (*client.Client, error) {
	dir, err := client.HomeDir(app.getenv)
	if err != nil {
		return nil, err
	}
	home, err := client.OpenHome(dir)
	if err != nil {
		return nil, err
	}
	services, err := client.ParseServices(app.getenv(client.EnvServices))
	if err != nil {
		return nil, err
	}
	return client.New(client.Config{Home: home, Service: f.service, Env: app.getenv(client.EnvService), Services: services,
		InsecureHTTP: f.insecureHTTP || app.getenv(client.EnvInsecureHTTP) == "1"})
}

// open opens the account named by --account (or sel when given).
func (f *accountFlags) open(app *App, sel string) (*client.Account, error) {
	c, err := f.client(app)
	if err != nil {
		return nil, err
	}
	if sel == "" {
		sel = f.account
	}
	return c.Open(sel)
}

// AccountCreateResult is the output of `account create`.
type AccountCreateResult struct{ *client.CreateResult }

// Text is the draft's form (architecture §4.1): Account=<fingerprint>.
func (r *AccountCreateResult) Text() string { return "Account=" + r.Account }

func newAccountCreateCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "create ADDRESS",
		Short: "create an account at its Mesh service and make this device its administrator",
		Long: "Create the account ADDRESS (e.g. alice@example.com): make this machine's device\n" +
			"profile if it has none and a fresh account seed, bind the account at the Mesh\n" +
			"service of its domain (--service, $MESH_SERVICE or DNS SRV _mmm._tcp) and make\n" +
			"this device its super/admin/web device. Prints the account fingerprint.",
		Args: exactArgs(1, "ADDRESS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := af.client(app)
			if err != nil {
				return app.Errorf("account create: %v", err)
			}
			res, err := c.CreateAccount(cmd.Context(), args[0])
			if err != nil {
				return app.Errorf("account create: %w", err)
			}
			return app.Emit(&AccountCreateResult{res})
		},
	}
}

// AccountHelloResult is the output of `account hello`.
type AccountHelloResult struct{ *client.HelloResult }

func (r *AccountHelloResult) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Service: %s\nService UDF: %s", r.Service, r.ServiceUDF)
	if r.Version != "" {
		fmt.Fprintf(&b, "\nVersion: %s", r.Version)
		if len(r.Encodings) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(r.Encodings, ", "))
		}
	}
	return b.String()
}

func newAccountHelloCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "hello [ACCOUNT]",
		Short: "describe the Mesh service of an account",
		Long: "Find the Mesh service of ACCOUNT (an address, or an account of this machine;\n" +
			"default: --account or the default account) and print its description (Hello).",
		Args: rangeArgs(0, 1, "ACCOUNT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := af.client(app)
			if err != nil {
				return app.Errorf("account hello: %v", err)
			}
			sel := af.account
			if len(args) == 1 {
				sel = args[0]
			}
			res, err := c.Hello(cmd.Context(), sel)
			if err != nil {
				return app.Errorf("account hello: %w", err)
			}
			return app.Emit(&AccountHelloResult{res})
		},
	}
}

// AccountStatusResult is the output of `account status`.
type AccountStatusResult struct{ *client.StatusResult }

func (r *AccountStatusResult) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Account: %s (%s)\nService: %s", r.Address, r.Account, r.Service)
	for _, c := range r.Containers {
		fmt.Fprintf(&b, "\n  %-16s %6d entries (%d here)  %s", c.Container, c.Index, c.Local, c.Digest)
	}
	return b.String()
}

func newAccountStatusCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "show the account's containers at its service",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("account status: %w", err)
			}
			res, err := a.Status(cmd.Context())
			if err != nil {
				return app.Errorf("account status: %w", err)
			}
			return app.Emit(&AccountStatusResult{res})
		},
	}
}

// AccountSyncResult is the output of `account sync`.
type AccountSyncResult struct{ *client.SyncResult }

func (r *AccountSyncResult) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Synchronized %s: %d new entries", r.Address, r.Fetched)
	if d := r.Device; d != nil {
		fmt.Fprintf(&b, "\nThis device's roles changed from %s to %s", strings.Join(d.Before, ", "), strings.Join(d.Roles, ", "))
	}
	for _, c := range r.Containers {
		if c.After != c.Before {
			fmt.Fprintf(&b, "\n  %-16s +%d (%d entries)", c.Container, c.After-c.Before, c.After)
		}
	}
	for _, c := range r.Connections {
		if c.Error != "" {
			fmt.Fprintf(&b, "\nConnection request %s (device %s) left pending: %s", c.Witness, c.DeviceUDF, c.Error)
		} else {
			fmt.Fprintf(&b, "\nConnected device %s (witness %s) by PIN with roles %s", c.DeviceUDF, c.Witness, strings.Join(c.Roles, ", "))
		}
	}
	return b.String()
}

func newAccountSyncCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "sync",
		Short: "fetch the account's new entries from its service",
		Long: "Synchronise this device with the account's service (Status, then Download of the\n" +
			"new entries only, each container checked against the service's Merkle digest).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("account sync: %w", err)
			}
			res, err := a.Sync(cmd.Context())
			if err != nil {
				return app.Errorf("account sync: %w", err)
			}
			return app.Emit(&AccountSyncResult{res})
		},
	}
}

// AccountListResult is the output of `account list`.
type AccountListResult struct {
	Accounts []*client.AccountInfo `json:"accounts"`
}

func (r *AccountListResult) Text() string {
	if len(r.Accounts) == 0 {
		return "No accounts on this machine (create one with `meshman account create ADDRESS`)"
	}
	var lines []string
	for _, a := range r.Accounts {
		l := a.Address + " " + a.ProfileUDF
		if a.Local != "" {
			l += " [" + a.Local + "]"
		}
		if a.Default {
			l += " (default)"
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

func newAccountListCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "list the accounts on this machine",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := af.client(app)
			if err != nil {
				return app.Errorf("account list: %v", err)
			}
			list, err := c.Accounts()
			if err != nil {
				return app.Errorf("account list: %w", err)
			}
			return app.Emit(&AccountListResult{Accounts: list})
		},
	}
}

// AccountGetResult is the output of `account get`.
type AccountGetResult struct{ *client.AccountInfo }

func (r *AccountGetResult) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Account: %s\nProfile: %s\nService: %s (%s)\nDevice: %s",
		r.Address, r.ProfileUDF, r.Service, r.ServiceUDF, r.DeviceUDF)
	if len(r.Roles) > 0 {
		fmt.Fprintf(&b, "\nRoles: %s", strings.Join(r.Roles, ", "))
	}
	names := make([]string, 0, len(r.Keys))
	for n := range r.Keys {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "\n%s: %s", n, r.Keys[n])
	}
	if r.Synced != "" {
		fmt.Fprintf(&b, "\nLast sync: %s", r.Synced)
	}
	return b.String()
}

func newAccountGetCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "get [ACCOUNT]",
		Short: "describe an account of this machine",
		Args:  rangeArgs(0, 1, "ACCOUNT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			sel := ""
			if len(args) == 1 {
				sel = args[0]
			}
			a, err := af.open(app, sel)
			if err != nil {
				return app.Errorf("account get: %w", err)
			}
			info, err := a.Info(true)
			if err != nil {
				return app.Errorf("account get: %w", err)
			}
			return app.Emit(&AccountGetResult{info})
		},
	}
}

// AccountDeleteResult is the output of `account delete`.
type AccountDeleteResult struct {
	Deleted *client.AccountInfo `json:"deleted"`
}

func (r *AccountDeleteResult) Text() string {
	return fmt.Sprintf("Deleted account %s (%s)", r.Deleted.Address, r.Deleted.ProfileUDF)
}

func newAccountDeleteCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ACCOUNT",
		Short: "delete an account at its service and from this machine",
		Long: "Delete ACCOUNT (profile fingerprint, address or local name) at its Mesh service\n" +
			"(UnbindAccount), then remove its keys and local data from this machine. If the\n" +
			"service refuses, nothing is removed.",
		Args: exactArgs(1, "ACCOUNT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := af.client(app)
			if err != nil {
				return app.Errorf("account delete: %v", err)
			}
			info, err := c.DeleteAccount(cmd.Context(), args[0])
			if err != nil {
				return app.Errorf("account delete: %w", err)
			}
			return app.Emit(&AccountDeleteResult{Deleted: info})
		},
	}
}

// AccountPinResult is the output of `account pin`.
type AccountPinResult struct {
	*client.PinResult
	// QR is the URI as a QR code in text (--qr).
	QR  string `json:"qr,omitempty"`
	uri bool
}

func (r *AccountPinResult) Text() string {
	if r.QR != "" {
		return r.QR + r.URI
	}
	if r.uri {
		return r.URI
	}
	return fmt.Sprintf("PIN=%s (expires %s)", r.PIN, r.Expires.Format(time.RFC3339))
}

func newAccountPinCmd(app *App, af *accountFlags) *cobra.Command {
	var rf deviceRoleFlags
	var expire time.Duration
	var uri, qr bool
	cmd := &cobra.Command{
		Use:   "pin",
		Short: "make a PIN that connects one device with the roles given, without a question",
		Long: "Register a PIN (120 bits) that pre-authorises one device connection with the roles\n" +
			"named by the flags (at least one). The device runs `device request ADDRESS --pin PIN`\n" +
			"(or `device join URI` with --uri's mcu:// form) and is connected at this account's\n" +
			"next `account sync` on the device that holds the account seed. The PIN works once.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			roles, err := rf.roles()
			if err != nil {
				return app.Errorf("account pin: %v", err)
			}
			if len(roles) == 0 {
				return app.Errorf("account pin: name at least one role the PIN grants (e.g. --web)")
			}
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("account pin: %w", err)
			}
			res, err := a.CreatePin(cmd.Context(), roles, expire)
			if err != nil {
				return app.Errorf("account pin: %w", err)
			}
			out := &AccountPinResult{PinResult: res, uri: uri}
			if qr {
				if out.QR, err = renderQR(res.URI); err != nil {
					return app.Errorf("account pin: %v", err)
				}
			}
			return app.Emit(out)
		},
	}
	rf.add(cmd)
	cmd.Flags().DurationVar(&expire, "expire", client.DefaultPinExpiry, "how long the PIN stays valid (e.g. 30m, 24h)")
	cmd.Flags().BoolVar(&uri, "uri", false, "print the PIN as an mcu://ACCOUNT/PIN connect URI")
	cmd.Flags().BoolVar(&qr, "qr", false, "show the mcu:// connect URI as a QR code (dynamic QR), followed by the URI")
	return cmd
}
