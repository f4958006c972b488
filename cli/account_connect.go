package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/client"
)

// Static QR connection (protocol.md §7 F4c; architecture draft §4.2
// "Static QR"; docs/devices.md §1): `device preconfig` on the maker's
// administration device, `device install` on the new device, `account
// connect` on the owner's device that holds the account seed, then
// `device complete` on the new device.

// DevicePreconfigResult is the output of `device preconfig`.
type DevicePreconfigResult struct {
	*client.PreconfigResult
	// QR is the connect URI as a QR code in text (--qr).
	QR string `json:"qr,omitempty"`
}

func (r *DevicePreconfigResult) Text() string {
	return fmt.Sprintf("   Device UDF = %s\n   File = %s\n%s%s", r.DeviceUDF, r.File, r.QR, r.URI)
}

func newDevicePreconfigCmd(app *App, af *accountFlags) *cobra.Command {
	var out string
	var qr bool
	cmd := &cobra.Command{
		Use:   "preconfig",
		Short: "make a preconfigured device for static QR connection (maker)",
		Long: "Make a device seed and profile in the name of this (maker) account, publish the profile\n" +
			"encrypted under the device's connect PIN at the maker's service, and write the device's\n" +
			"file <PIN>.medk into --out. Prints the mcu:// connect URI to print on the device (with\n" +
			"--qr also as a QR code). Needs the maker's administration role.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("device preconfig: %w", err)
			}
			res, err := a.Preconfigure(cmd.Context(), out)
			if err != nil {
				return app.Errorf("device preconfig: %w", err)
			}
			r := &DevicePreconfigResult{PreconfigResult: res}
			if qr {
				if r.QR, err = renderQR(res.URI); err != nil {
					return app.Errorf("device preconfig: %v", err)
				}
			}
			return app.Emit(r)
		},
	}
	cmd.Flags().StringVar(&out, "out", ".", "directory to write the device's .medk file into")
	cmd.Flags().BoolVar(&qr, "qr", false, "also show the connect URI as a QR code")
	return cmd
}

// DeviceInstallResult is the output of `device install`.
type DeviceInstallResult struct{ *client.InstallResult }

func (r *DeviceInstallResult) Text() string {
	return fmt.Sprintf("Installed device %s made by %s\nIts owner connects it with `meshman account connect %s`, then run `meshman device complete`",
		r.DeviceUDF, r.Maker, r.URI)
}

func newDeviceInstallCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "install FILE",
		Short: "install a maker's .medk file on this new device",
		Args:  exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := af.client(app)
			if err != nil {
				return app.Errorf("device install: %v", err)
			}
			res, err := c.InstallPreconfig(args[0])
			if err != nil {
				return app.Errorf("device install: %w", err)
			}
			return app.Emit(&DeviceInstallResult{res})
		},
	}
}

// AccountConnectResult is the output of `account connect`.
type AccountConnectResult struct{ *client.ConnectionAnswer }

func (r *AccountConnectResult) Text() string {
	return fmt.Sprintf("Connected device %s with roles %s; it finishes with `device complete`", r.DeviceUDF, strings.Join(r.Roles, ", "))
}

func newAccountConnectCmd(app *App, af *accountFlags) *cobra.Command {
	var rf deviceRoleFlags
	cmd := &cobra.Command{
		Use:   "connect URI",
		Short: "connect a preconfigured device by the mcu:// URI (static QR) printed on it",
		Long: "Claim the device whose connect URI (mcu://MAKER/KEY, from its QR code) is URI at the\n" +
			"maker's service and connect it to this account with the roles named by the flags (at\n" +
			"least one). Needs the device that holds the account seed.",
		Args: exactArgs(1, "URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			roles, err := rf.roles()
			if err != nil {
				return app.Errorf("account connect: %v", err)
			}
			if len(roles) == 0 {
				return app.Errorf("account connect: name at least one role to grant (e.g. --web)")
			}
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("account connect: %w", err)
			}
			res, err := a.ConnectStatic(cmd.Context(), args[0], roles)
			if err != nil {
				return app.Errorf("account connect: %w", err)
			}
			return app.Emit(&AccountConnectResult{res})
		},
	}
	rf.add(cmd)
	return cmd
}
