package cli

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/internal/atomicfile"
	"github.com/mathmesh/mesh/keys"
)

// KeyFileResult is the output of `key create`.
type KeyFileResult struct {
	Algorithm   string `json:"algorithm"`
	Fingerprint string `json:"fingerprint"`
	Private     string `json:"private_file"`
	Public      string `json:"public_file"`
}

func (r *KeyFileResult) Text() string {
	return fmt.Sprintf("%s key %s\nPrivate key: %s\nPublic key: %s", r.Algorithm, r.Fingerprint, r.Private, r.Public)
}

func newKeyCreateCmd(app *App) *cobra.Command {
	var alg, out string
	var force bool
	cmd := &cobra.Command{
		Use:   "create --alg ALG --out FILE",
		Short: "make a key pair file for DARE recipients and signers",
		Long: "Make a fresh key pair and write the private key to FILE (mode 0600) and the public\n" +
			"key to FILE.pub. ALG is x448, ed448, x25519 or ed25519: X keys are recipients,\n" +
			"Ed keys sign and can also be recipients (Edwards key agreement).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return app.Errorf("key create: --out FILE is required")
			}
			a, err := keys.ParseAlgorithm(alg)
			if err != nil {
				return app.Errorf("key create: --alg: %v", err)
			}
			k, err := keys.Generate(a, rand.Reader)
			if err != nil {
				return app.Errorf("key create: %v", err)
			}
			priv, err := keys.MarshalPrivateKeyFile(k)
			if err != nil {
				return app.Errorf("key create: %v", err)
			}
			pub, err := keys.MarshalPublicKeyFile(k.Public())
			if err != nil {
				return app.Errorf("key create: %v", err)
			}
			pubPath := out + ".pub"
			if err := writeNewFile(out, priv, 0o600, force); err != nil {
				return app.Errorf("key create: %v", err)
			}
			if err := writeNewFile(pubPath, pub, 0o644, force); err != nil {
				return app.Errorf("key create: %v", err)
			}
			return app.Emit(&KeyFileResult{
				Algorithm: a.String(), Fingerprint: k.Public().Fingerprint(), Private: out, Public: pubPath,
			})
		},
	}
	cmd.Flags().StringVar(&alg, "alg", "x448", "key algorithm: x448, ed448, x25519 or ed25519")
	cmd.Flags().StringVar(&out, "out", "", "private key file to write (the public key goes to FILE.pub)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite existing files")
	return cmd
}

// writeNewFile writes data to path with the given mode, refusing to replace
// an existing file unless force is set. The data is written to a temporary
// file in the same directory and renamed into place, so a crash never leaves
// a partial key file.
func writeNewFile(path string, data []byte, mode fs.FileMode, force bool) error {
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s already exists (use --force to replace it)", path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return atomicfile.WriteFile(path, data, mode)
}
