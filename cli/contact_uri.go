package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/client"
)

// `meshman contact static|dynamic|fetch|exchange` (cli.md §7; protocol.md
// §7 F6b): contact exchange by an mcu:// URI, shown as a QR code with --qr.

// ContactURIResult is the output of `contact static` and `contact dynamic`.
type ContactURIResult struct {
	*client.ContactURIResult
	// QR is the URI as a QR code in text (--qr).
	QR string `json:"qr,omitempty"`
}

func (r *ContactURIResult) Text() string {
	kind := "static, no expiry; exchanges wait for `message accept`"
	if r.Dynamic && r.Expires != nil {
		kind = "dynamic, accepted automatically until " + r.Expires.Format(time.RFC3339)
	}
	return fmt.Sprintf("Contact of %s published (%s)\n%s%s", r.Account, kind, r.QR, r.URI)
}

func newContactPublishCmd(app *App, af *accountFlags, dynamic bool) *cobra.Command {
	use, short := "static", "publish this account's contact under a URI that does not expire"
	if dynamic {
		use, short = "dynamic", "publish this account's contact under a one-day URI, exchanges accepted automatically"
	}
	var qr bool
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("contact %s: %w", use, err)
			}
			res, err := a.PublishContact(cmd.Context(), dynamic)
			if err != nil {
				return app.Errorf("contact %s: %w", use, err)
			}
			r := &ContactURIResult{ContactURIResult: res}
			if qr {
				if r.QR, err = renderQR(res.URI); err != nil {
					return app.Errorf("contact %s: %v", use, err)
				}
			}
			return app.Emit(r)
		},
	}
	cmd.Flags().BoolVar(&qr, "qr", false, "also show the URI as a QR code")
	return cmd
}

// ContactFetchResult is the output of `contact fetch` and `contact exchange`.
type ContactFetchResult struct{ *client.ContactFetchResult }

func (r *ContactFetchResult) Text() string {
	s := fmt.Sprintf("Added contact %s (%s)", r.Address, r.ProfileUDF)
	if r.Sent != nil {
		s += fmt.Sprintf("\nSent %s to %s\nMessageID: %s", r.Sent.Type, r.Sent.Recipient, r.Sent.MessageID)
	}
	return s
}

func newContactFetchCmd(app *App, af *accountFlags, exchange bool) *cobra.Command {
	use, short := "fetch URI", "add the contact published under an mcu:// URI"
	if exchange {
		use, short = "exchange URI", "add the contact published under an mcu:// URI and send this account's contact back"
	}
	name := use[:len(use)-len(" URI")]
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(1, "URI"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("contact %s: %w", name, err)
			}
			res, err := a.FetchContact(cmd.Context(), args[0], exchange)
			if err != nil {
				return app.Errorf("contact %s: %w", name, err)
			}
			return app.Emit(&ContactFetchResult{res})
		},
	}
}
