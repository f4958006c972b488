package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/udf"
)

// `meshman account escrow` and `account recover` (architecture draft §4.5;
// protocol.md §7 F9; udf.md §7.4).

// AccountEscrowResult is the output of `account escrow`.
type AccountEscrowResult struct {
	*client.EscrowResult
	// QR holds each share as a QR code in text (--qr).
	QR []string `json:"qr,omitempty"`
}

// Text is the draft's form: one `Share: SA...` line per share, each
// followed by its QR code with --qr.
func (r *AccountEscrowResult) Text() string {
	var b strings.Builder
	for i, s := range r.Shares {
		b.WriteString("Share: " + s + "\n")
		if i < len(r.QR) {
			b.WriteString(r.QR[i])
		}
	}
	return b.String()
}

func newAccountEscrowCmd(app *App, af *accountFlags) *cobra.Command {
	var quorum, shares int
	var qr bool
	cmd := &cobra.Command{
		Use:   "escrow",
		Short: "split the account seed into recovery shares",
		Long: "Split the account seed into --shares shares, any --quorum of which rebuild the account\n" +
			"with `account recover` (on the device that holds the seed only). Each share is printed\n" +
			"as a UDF (and with --qr as a QR code). Keep them apart: a quorum of shares is the account.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("account escrow: %w", err)
			}
			res, err := a.Escrow(quorum, shares)
			if err != nil {
				return app.Errorf("account escrow: %w", err)
			}
			out := &AccountEscrowResult{EscrowResult: res}
			if qr {
				for _, s := range res.Shares {
					code, err := renderQR(s)
					if err != nil {
						return app.Errorf("account escrow: %v", err)
					}
					out.QR = append(out.QR, code)
				}
			}
			return app.Emit(out)
		},
	}
	cmd.Flags().IntVar(&quorum, "quorum", 2, "number of shares needed to recover the account")
	cmd.Flags().IntVar(&shares, "shares", 3, "number of shares to make")
	cmd.Flags().BoolVar(&qr, "qr", false, "also print each share as a QR code")
	return cmd
}

// AccountRecoverResult is the output of `account recover`.
type AccountRecoverResult struct {
	// Account is the fingerprint of the account profile key
	// (CompleteAccountProfile) that the recovered seed yields.
	Account string `json:"account"`
	// SeedType names the seed's algorithm identifier.
	SeedType string `json:"seed_type"`
	Verified bool   `json:"verified"`
	// Recovered is set when the account was rebuilt on this device.
	Recovered *client.RecoverResult `json:"recovered,omitempty"`
}

func (r *AccountRecoverResult) Text() string {
	s := "Account: " + r.Account
	if v := r.Recovered; v != nil {
		s += "\nRecovered " + v.Address + " on device " + v.Device + " with roles " + strings.Join(v.Roles, ", ")
	}
	return s
}

func newAccountRecoverCmd(app *App, af *accountFlags) *cobra.Command {
	var verify bool
	cmd := &cobra.Command{
		Use:   "recover SHARE...",
		Short: "recover an account from a quorum of escrow shares",
		Long: "Recover the account seed from a quorum of the shares printed by `account escrow`, find\n" +
			"the account at its service (--account ADDRESS, --service or $MESH_SERVICE), and make\n" +
			"this device a super/admin/web device of it. With --verify, only check the shares and\n" +
			"print the fingerprint of the account profile the seed yields, without contacting any service.",
		Args: minArgs(1, "SHARE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			shares, err := parseShares(args)
			if err != nil {
				return app.Errorf("account recover: %v", err)
			}
			secrets, err := client.RecoverSeed(shares)
			if err != nil {
				return app.Errorf("account recover: %w", err)
			}
			res := &AccountRecoverResult{Account: secrets.UDF(), SeedType: udf.MeshProfileAccount.String(), Verified: true}
			if verify {
				return app.Emit(res)
			}
			c, err := af.client(app)
			if err != nil {
				return app.Errorf("account recover: %v", err)
			}
			if res.Recovered, err = c.RecoverAccount(cmd.Context(), shares, af.account); err != nil {
				return app.Errorf("account recover: %w", err)
			}
			return app.Emit(res)
		},
	}
	cmd.Flags().BoolVar(&verify, "verify", false, "only check the shares and print the account fingerprint")
	return cmd
}
