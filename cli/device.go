package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// newDeviceCmd builds `meshman device` (cli.md §5; protocol.md §7 F4a,
// F4b, F5; docs/devices.md): connect a new device by witness or PIN,
// accept, reject, list and delete devices.
func newDeviceCmd(app *App) *cobra.Command {
	var af accountFlags
	cmd := &cobra.Command{
		Use:   "device",
		Short: "connect devices to an account, list and revoke them",
		Args:  cobra.NoArgs,
	}
	af.addPersistent(cmd)
	cmd.AddCommand(
		newDeviceRequestCmd(app, &af), newDeviceJoinCmd(app, &af), newDevicePendingCmd(app, &af),
		newDeviceAcceptCmd(app, &af), newDeviceRejectCmd(app, &af), newDeviceCompleteCmd(app, &af),
		newDeviceListCmd(app, &af), newDeviceDeleteCmd(app, &af), newDeviceAuthCmd(app, &af),
		newDevicePreconfigCmd(app, &af), newDeviceInstallCmd(app, &af),
	)
	return cmd
}

// deviceRoleFlags are the DeviceAuthOptions of cli.md §2 as GNU flags.
type deviceRoleFlags struct {
	root, admin, message, web, device, threshold bool
	auth                                         []string
}

func (f *deviceRoleFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.root, "root", false, "grant the super role (the account root key)")
	cmd.Flags().BoolVar(&f.admin, "admin", false, "grant the admin role (accept and delete devices)")
	cmd.Flags().BoolVar(&f.message, "message", false, "grant the message role (contacts, messages, account decryption)")
	cmd.Flags().BoolVar(&f.web, "web", false, "grant the web role (passwords, bookmarks, calendar, plus message)")
	cmd.Flags().BoolVar(&f.device, "device", false, "grant the device role (network and application catalogs)")
	cmd.Flags().BoolVar(&f.threshold, "threshold", false, "grant the threshold role (as web; decryption with the service's share)")
	cmd.Flags().StringArrayVar(&f.auth, "auth", nil, "grant the named role (repeatable; known: "+strings.Join(profile.Roles(), ", ")+")")
}

// roles returns the roles the flags name, checked.
func (f *deviceRoleFlags) roles() ([]string, error) {
	var out []string
	for _, r := range []struct {
		on   bool
		name string
	}{{f.root, profile.RoleSuper}, {f.admin, profile.RoleAdmin}, {f.message, profile.RoleMessage},
		{f.web, profile.RoleWeb}, {f.device, profile.RoleDevice}, {f.threshold, profile.RoleThreshold}} {
		if r.on {
			out = append(out, r.name)
		}
	}
	for _, r := range f.auth {
		dup := false
		for _, o := range out {
			dup = dup || o == r
		}
		if !dup {
			out = append(out, r)
		}
	}
	if err := profile.CheckRoles(out); err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceRequestResult is the output of `device request` and `device join`.
type DeviceRequestResult struct{ *client.RequestResult }

// Text is the draft's form (architecture §4.2).
func (r *DeviceRequestResult) Text() string {
	return fmt.Sprintf("   Device UDF = %s\n   Witness value = %s", r.DeviceUDF, r.Witness)
}

func newDeviceRequestCmd(app *App, af *accountFlags) *cobra.Command {
	var pin string
	var rf deviceRoleFlags
	cmd := &cobra.Command{
		Use:   "request ADDRESS",
		Short: "ask to connect this device to an account",
		Long: "Ask to connect this device to the account ADDRESS (or an mcu:// URI) and print this\n" +
			"device's UDF and the witness value. Check that an administration device shows the same\n" +
			"witness in `device pending`, then run `device complete` once it has accepted.\n" +
			"With --pin, an administration device accepts the request at its next sync.",
		Args: exactArgs(1, "ADDRESS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr := args[0]
			if strings.HasPrefix(strings.ToLower(addr), "mcu:") {
				a, p, err := udf.ParseConnectURI(addr)
				if err != nil {
					return app.Errorf("device request: %v", err)
				}
				addr, pin = a, p
			}
			return deviceRequest(cmd, app, af, &rf, "device request", addr, pin)
		},
	}
	cmd.Flags().StringVar(&pin, "pin", "", "the PIN an administrator made with `account pin`")
	rf.add(cmd)
	return cmd
}

func newDeviceJoinCmd(app *App, af *accountFlags) *cobra.Command {
	var rf deviceRoleFlags
	cmd := &cobra.Command{
		Use:   "join URI",
		Short: "connect this device with an mcu:// URI from `account pin --qr`",
		Args:  exactArgs(1, "URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, pin, err := udf.ParseConnectURI(args[0])
			if err != nil {
				return app.Errorf("device join: %v", err)
			}
			return deviceRequest(cmd, app, af, &rf, "device join", addr, pin)
		},
	}
	rf.add(cmd)
	return cmd
}

func deviceRequest(cmd *cobra.Command, app *App, af *accountFlags, rf *deviceRoleFlags, name, addr, pin string) error {
	roles, err := rf.roles()
	if err != nil {
		return app.Errorf("%s: %v", name, err)
	}
	c, err := af.client(app)
	if err != nil {
		return app.Errorf("%s: %v", name, err)
	}
	res, err := c.RequestConnection(cmd.Context(), addr, pin, roles)
	if err != nil {
		return app.Errorf("%s: %w", name, err)
	}
	return app.Emit(&DeviceRequestResult{res})
}

// DevicePendingResult is the output of `device pending` and `message pending`.
type DevicePendingResult struct {
	Requests []*client.PendingConnection `json:"requests"`
}

// Text lists the requests in the draft's `message pending` form
// (architecture §4.2).
func (r *DevicePendingResult) Text() string {
	if len(r.Requests) == 0 {
		return "No pending requests"
	}
	var b strings.Builder
	for _, p := range r.Requests {
		fmt.Fprintf(&b, "MessageID: %s\n        Connection Request::\n        MessageID: %s\n        To:  From:\n        Device:  %s\n        Witness: %s\n",
			p.MessageID, p.MessageID, p.DeviceUDF, p.Witness)
		if p.PinID != "" {
			fmt.Fprintf(&b, "        PIN: %s\n", p.PinID)
		}
		if p.Invalid != "" {
			fmt.Fprintf(&b, "        INVALID: %s\n", p.Invalid)
		}
	}
	return b.String()
}

func newDevicePendingCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "pending",
		Short: "list the connection requests waiting for an administrator",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return pendingRun(cmd, app, af, "device pending") },
	}
}

func pendingRun(cmd *cobra.Command, app *App, af *accountFlags, name string) error {
	a, err := af.open(app, "")
	if err != nil {
		return app.Errorf("%s: %w", name, err)
	}
	list, err := a.PendingConnections(cmd.Context())
	if err != nil {
		return app.Errorf("%s: %w", name, err)
	}
	return app.Emit(&DevicePendingResult{Requests: list})
}

// DeviceAnswerResult is the output of `device accept` and `device reject`.
type DeviceAnswerResult struct{ *client.ConnectionAnswer }

func (r *DeviceAnswerResult) Text() string {
	if r.Result == "Accept" {
		return fmt.Sprintf("Accepted device %s (witness %s) with roles %s", r.DeviceUDF, r.Witness, strings.Join(r.Roles, ", "))
	}
	return fmt.Sprintf("Rejected device %s (witness %s)", r.DeviceUDF, r.Witness)
}

func newDeviceAcceptCmd(app *App, af *accountFlags) *cobra.Command {
	var rf deviceRoleFlags
	cmd := &cobra.Command{
		Use:   "accept WITNESS",
		Short: "accept a connection request, granting roles",
		Long: "Accept the connection request whose witness (or message id) is WITNESS, after checking\n" +
			"that the new device shows the same value, and grant it the roles named by the flags\n" +
			"(at least one). Needs the device that holds the account seed.",
		Args: exactArgs(1, "WITNESS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			roles, err := rf.roles()
			if err != nil {
				return app.Errorf("device accept: %v", err)
			}
			if len(roles) == 0 {
				return app.Errorf("device accept: name at least one role to grant (e.g. --web)")
			}
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("device accept: %w", err)
			}
			res, err := a.AcceptConnection(cmd.Context(), args[0], roles)
			if err != nil {
				return app.Errorf("device accept: %w", err)
			}
			return app.Emit(&DeviceAnswerResult{res})
		},
	}
	rf.add(cmd)
	return cmd
}

func newDeviceRejectCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "reject WITNESS",
		Short: "refuse a connection request",
		Args:  exactArgs(1, "WITNESS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("device reject: %w", err)
			}
			res, err := a.RejectConnection(cmd.Context(), args[0])
			if err != nil {
				return app.Errorf("device reject: %w", err)
			}
			return app.Emit(&DeviceAnswerResult{res})
		},
	}
}

// DeviceCompleteResult is the output of `device complete`.
type DeviceCompleteResult struct{ *client.CompleteResult }

func (r *DeviceCompleteResult) Text() string {
	return fmt.Sprintf("Device %s connected to %s (%s) with roles %s\nSynchronized %s: %d new entries",
		r.DeviceUDF, r.Address, r.ProfileUDF, strings.Join(r.Roles, ", "), r.Address, r.Fetched)
}

func newDeviceCompleteCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "complete",
		Short: "finish this device's connection once an administrator accepted it",
		Long: "Ask the service for the administrator's answer to this device's pending request\n" +
			"(--account names the account if there are several) and, if it was accepted,\n" +
			"activate the connection and synchronise the account.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := af.client(app)
			if err != nil {
				return app.Errorf("device complete: %v", err)
			}
			res, err := c.CompleteConnection(cmd.Context(), af.account)
			if err != nil {
				return app.Errorf("device complete: %w", err)
			}
			return app.Emit(&DeviceCompleteResult{res})
		},
	}
}

// DeviceListResult is the output of `device list`.
type DeviceListResult struct {
	Devices []*client.DeviceInfo `json:"devices"`
}

func (r *DeviceListResult) Text() string {
	var lines []string
	for _, d := range r.Devices {
		l := d.DeviceUDF + " " + strings.Join(d.Roles, ",")
		if d.This {
			l += " (this device)"
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

func newDeviceListCmd(app *App, af *accountFlags) *cobra.Command {
	var sync bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "list the devices connected to the account",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("device list: %w", err)
			}
			list, err := a.Devices(cmd.Context(), sync)
			if err != nil {
				return app.Errorf("device list: %w", err)
			}
			return app.Emit(&DeviceListResult{Devices: list})
		},
	}
	cmd.Flags().BoolVar(&sync, "sync", true, "synchronise the device catalog first")
	return cmd
}

// DeviceDeleteResult is the output of `device delete`.
type DeviceDeleteResult struct {
	Deleted *client.DeviceInfo `json:"deleted"`
}

func (r *DeviceDeleteResult) Text() string {
	return "Deleted device " + r.Deleted.DeviceUDF + ": its access and key shares are revoked"
}

func newDeviceDeleteCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "revoke a device: the service refuses it and its decryption from now on",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("device delete: %w", err)
			}
			d, err := a.DeleteDevice(cmd.Context(), args[0])
			if errors.Is(err, client.ErrNoDeviceEntry) {
				return app.Errorf("device delete: %w (list them with `device list`)", err)
			}
			if err != nil {
				return app.Errorf("device delete: %w", err)
			}
			return app.Emit(&DeviceDeleteResult{Deleted: d})
		},
	}
}

// DeviceAuthResult is the output of `device auth`.
type DeviceAuthResult struct {
	Device *client.DeviceInfo `json:"device"`
}

func (r *DeviceAuthResult) Text() string {
	return fmt.Sprintf("Device %s now has roles %s (it takes them up at its next sync)", r.Device.DeviceUDF, strings.Join(r.Device.Roles, ", "))
}

func newDeviceAuthCmd(app *App, af *accountFlags) *cobra.Command {
	var rf deviceRoleFlags
	cmd := &cobra.Command{
		Use:   "auth ID",
		Short: "change the roles of a connected device",
		Long: "Give the device ID (its device UDF, or an unambiguous prefix) exactly the roles named\n" +
			"by the flags (at least one). The service enforces them at once; the device takes up its\n" +
			"new keys at its next `account sync`. Needs the device that holds the account seed.",
		Args: exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			roles, err := rf.roles()
			if err != nil {
				return app.Errorf("device auth: %v", err)
			}
			if len(roles) == 0 {
				return app.Errorf("device auth: name at least one role (e.g. --web); to remove every role, use `device delete`")
			}
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("device auth: %w", err)
			}
			d, err := a.AuthorizeDevice(cmd.Context(), args[0], roles)
			if errors.Is(err, client.ErrNoDeviceEntry) {
				return app.Errorf("device auth: %w (list them with `device list`)", err)
			}
			if err != nil {
				return app.Errorf("device auth: %w", err)
			}
			return app.Emit(&DeviceAuthResult{Device: d})
		},
	}
	rf.add(cmd)
	return cmd
}
