package cli

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/shamir"
	"github.com/mathmesh/mesh/udf"
)

// newKeyCmd builds `meshman key`: random UDF keys and nonces, EARL keys,
// Shamir sharing and recovery (cli.md §12, udf.md §5, §7, §8), and key files
// for DARE recipients and signers.
func newKeyCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "make keys, nonces and secret shares",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(
		newKeyNonceCmd(app),
		newKeySecretCmd(app),
		newKeyEarlCmd(app),
		newKeyShareCmd(app),
		newKeyRecoverCmd(app),
		newKeyCreateCmd(app),
	)
	return cmd
}

// KeyResult is the output of `key nonce` and `key secret`.
type KeyResult struct {
	Key string `json:"key"`
}

func (r *KeyResult) Text() string { return r.Key }

// checkShareBits checks the size of a random secret for `key share`.
func checkShareBits(bits int) error {
	if bits < 8 || bits > 8*shamir.MaxSecretLength || bits%8 != 0 {
		return fmt.Errorf("--bits %d must be a multiple of 8 from 8 to %d", bits, 8*shamir.MaxSecretLength)
	}
	return nil
}

func newKeyNonceCmd(app *App) *cobra.Command {
	var bits int
	cmd := &cobra.Command{
		Use:   "nonce",
		Short: "print a random nonce UDF",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := udf.Nonce(rand.Reader, bits)
			if err != nil {
				return app.Errorf("key nonce: %v", err)
			}
			return app.Emit(&KeyResult{Key: k})
		},
	}
	cmd.Flags().IntVar(&bits, "bits", 128, "random bits (a multiple of 8)")
	return cmd
}

func newKeySecretCmd(app *App) *cobra.Command {
	var bits int
	cmd := &cobra.Command{
		Use:   "secret",
		Short: "print a random symmetric key UDF",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := udf.Key(rand.Reader, bits)
			if err != nil {
				return app.Errorf("key secret: %v", err)
			}
			return app.Emit(&KeyResult{Key: k})
		},
	}
	cmd.Flags().IntVar(&bits, "bits", 128, "key size in bits (a multiple of 8)")
	return cmd
}

// EarlResult is the output of `key earl`.
type EarlResult struct {
	Key       string `json:"key"`
	ContentID string `json:"content_id"`
}

func (r *EarlResult) Text() string {
	return "Key: " + r.Key + "\nLocator: " + r.ContentID
}

func newKeyEarlCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "earl",
		Short: "print a fresh EARL key and the content identifier it locates",
		Long: "Print a fresh encryption key for an Encrypted Authenticated Resource Locator and\n" +
			"the content identifier under which the encrypted resource is stored (udf.md §8.1).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := udf.EARLKey(rand.Reader)
			if err != nil {
				return app.Errorf("key earl: %v", err)
			}
			id, err := udf.EARLContentID(key)
			if err != nil {
				return app.Errorf("key earl: %v", err)
			}
			return app.Emit(&EarlResult{Key: key, ContentID: id})
		},
	}
	return cmd
}

// ShareResult is the output of `key share` and `account escrow`.
type ShareResult struct {
	Key    string   `json:"key"`
	Quorum int      `json:"quorum"`
	Shares []string `json:"shares"`
}

func (r *ShareResult) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Key: %s\n", r.Key)
	for _, s := range r.Shares {
		fmt.Fprintf(&b, "Share: %s\n", s)
	}
	return b.String()
}

func newKeyShareCmd(app *App) *cobra.Command {
	var quorum, shares, bits int
	cmd := &cobra.Command{
		Use:   "share [SECRET]",
		Short: "split a secret into Shamir shares",
		Long: "Split SECRET (any UDF, all of whose bytes are shared, e.g. a ZAAQ-... seed) into\n" +
			"--shares share UDFs, any --quorum of which recover it (udf.md §7). Without SECRET a\n" +
			"random secret of --bits bits is made and printed as raw Base32.",
		Args: rangeArgs(0, 1, "[SECRET]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var secret []byte
			if len(args) == 1 {
				b, err := udf.Decode(args[0])
				if err != nil {
					return app.Errorf("key share: SECRET: %v", err)
				}
				secret = b
			} else {
				if err := checkShareBits(bits); err != nil {
					return app.Errorf("key share: %v", err)
				}
				secret = make([]byte, bits/8)
				if _, err := rand.Read(secret); err != nil {
					return app.Errorf("key share: %v", err)
				}
			}
			res, err := shareSecret(secret, quorum, shares)
			if err != nil {
				return app.Errorf("key share: %v", err)
			}
			return app.Emit(res)
		},
	}
	cmd.Flags().IntVar(&quorum, "quorum", 2, "number of shares needed to recover the secret")
	cmd.Flags().IntVar(&shares, "shares", 3, "number of shares to make (at most 15)")
	cmd.Flags().IntVar(&bits, "bits", 128, "size of a random secret in bits")
	return cmd
}

func shareSecret(secret []byte, quorum, n int) (*ShareResult, error) {
	ss, err := shamir.Split(secret, quorum, n, rand.Reader)
	if err != nil {
		return nil, err
	}
	res := &ShareResult{Key: udf.Present(secret, 8*len(secret)), Quorum: quorum}
	for _, s := range ss {
		res.Shares = append(res.Shares, s.UDF())
	}
	return res, nil
}

// RecoverResult is the output of `key recover`.
type RecoverResult struct {
	Key string `json:"key"`
}

func (r *RecoverResult) Text() string { return r.Key }

func newKeyRecoverCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "recover SHARE...",
		Short: "recover a secret from a quorum of Shamir shares",
		Args:  minArgs(1, "SHARE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			shares, err := parseShares(args)
			if err != nil {
				return app.Errorf("key recover: %v", err)
			}
			secret, err := shamir.Recover(shares)
			if err != nil {
				return app.Errorf("key recover: %v", err)
			}
			return app.Emit(&RecoverResult{Key: udf.Present(secret, 8*len(secret))})
		},
	}
	return cmd
}

func parseShares(args []string) ([]shamir.Share, error) {
	shares := make([]shamir.Share, 0, len(args))
	for i, a := range args {
		s, err := shamir.ParseShare(a)
		if err != nil {
			return nil, fmt.Errorf("share %d: %w", i+1, err)
		}
		shares = append(shares, s)
	}
	return shares, nil
}
