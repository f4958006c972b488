package cli

import (
	"crypto/ed25519"
	"encoding/pem"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/internal/atomicfile"
	"github.com/mathmesh/mesh/keys"
)

// `meshman ssh` (cli.md §10; schema.md §5.4, §7.3; docs/ssh.md): SSH client
// keys as CatalogedApplicationSsh entries in MMM_Application, given to the
// devices whose roles the application grants; known hosts as ssh:<host>
// CatalogedCredential entries with HostAuthentication. mesh-agent's SSH
// plugin serves the keys on SSH_AUTH_SOCK.

type sshFlags struct {
	catalogFlags
}

func newSSHCmd(app *App) *cobra.Command {
	var f sshFlags
	cmd := &cobra.Command{
		Use:   "ssh",
		Short: "SSH client keys and known hosts in the account's catalogs",
		Args:  cobra.NoArgs,
	}
	f.addPersistent(cmd)
	cmd.PersistentFlags().BoolVar(&f.sync, "sync", true,
		"synchronise with the service first (--sync=false reads the local copy offline)")
	cmd.AddCommand(newSSHCreateCmd(app, &f), newSSHListCmd(app, &f), newSSHGetCmd(app, &f),
		newSSHDeleteCmd(app, &f), newSSHHostCmd(app, &f), newSSHKnownCmd(app, &f))
	return cmd
}

// SSHEntry is one SSH application in command output.
type SSHEntry struct {
	Key         string   `json:"key"`
	Name        string   `json:"name,omitempty"`
	Grant       []string `json:"grant,omitempty"`
	PublicKey   string   `json:"public_key"`
	Fingerprint string   `json:"fingerprint"`
}

func newSSHEntry(app *catalog.CatalogedApplicationSsh) (*SSHEntry, error) {
	pub, err := sshPublic(app.ClientKey)
	if err != nil {
		return nil, fmt.Errorf("SSH application %s: %w", app.Key, err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	if app.LocalName != "" {
		line += " " + app.LocalName
	}
	return &SSHEntry{Key: app.Key, Name: app.LocalName, Grant: app.Grant, PublicKey: line, Fingerprint: ssh.FingerprintSHA256(pub)}, nil
}

func (e *SSHEntry) line() string {
	s := e.Key + " " + e.Fingerprint
	if e.Name != "" {
		s += " [" + e.Name + "]"
	}
	return s
}

// SSHCreateResult is the output of `ssh create`.
type SSHCreateResult struct {
	*SSHEntry
	Action string `json:"action"`
}

// Text is the new key in authorized_keys form, ready for a server.
func (r *SSHCreateResult) Text() string { return r.PublicKey }

// roleFlags are the role options of DeviceAuthOptions (cli.md §2).
type roleFlags struct {
	auth                                         []string
	root, admin, message, web, device, threshold bool
}

func (r *roleFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringSliceVar(&r.auth, "auth", nil, "grant the key to devices with this role (repeatable)")
	cmd.Flags().BoolVar(&r.root, "root", false, "grant to devices with the super role")
	cmd.Flags().BoolVar(&r.admin, "admin", false, "grant to devices with the admin role")
	cmd.Flags().BoolVar(&r.message, "message", false, "grant to devices with the message role")
	cmd.Flags().BoolVar(&r.web, "web", false, "grant to devices with the web role")
	cmd.Flags().BoolVar(&r.device, "device", false, "grant to devices with the device role")
	cmd.Flags().BoolVar(&r.threshold, "threshold", false, "grant to devices with the threshold role")
}

func (r *roleFlags) roles() []string {
	out := append([]string(nil), r.auth...)
	for _, f := range []struct {
		on   bool
		role string
	}{{r.root, "super"}, {r.admin, "admin"}, {r.message, "message"}, {r.web, "web"}, {r.device, "device"}, {r.threshold, "threshold"}} {
		if f.on {
			out = append(out, f.role)
		}
	}
	return out
}

func newSSHCreateCmd(app *App, f *sshFlags) *cobra.Command {
	var (
		name  string
		roles roleFlags
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "make an Ed25519 SSH client key for the devices with the given roles",
		Long: "Make an Ed25519 SSH client key, store it as an SSH application of the account\n" +
			"and give its private key to every device with one of the roles (at least one\n" +
			"role is required, e.g. --admin or --auth device). Prints the public key in\n" +
			"authorized_keys form.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := f.open(app, "")
			if err != nil {
				return app.Errorf("ssh create: %w", err)
			}
			rs := roles.roles()
			if len(rs) == 0 {
				return app.Errorf("ssh create: name at least one role for the devices that get the key (--admin, --device, --auth ROLE ...)")
			}
			created, err := a.CreateSSH(cmd.Context(), name, rs)
			if err != nil {
				return app.Errorf("ssh create: %w", err)
			}
			e, err := newSSHEntry(created)
			if err != nil {
				return app.Errorf("ssh create: %w", err)
			}
			return app.Emit(&SSHCreateResult{SSHEntry: e, Action: "created"})
		},
	}
	cmd.Flags().StringVar(&name, "id", "", "local name of the key (shown by ssh-add -l)")
	roles.add(cmd)
	return cmd
}

// SSHListResult is the output of `ssh list`.
type SSHListResult struct {
	Keys []*SSHEntry `json:"keys"`
}

func (r *SSHListResult) Text() string {
	if len(r.Keys) == 0 {
		return "No SSH keys (create one with `meshman ssh create --admin`)"
	}
	lines := make([]string, len(r.Keys))
	for i, e := range r.Keys {
		lines[i] = e.line()
	}
	return strings.Join(lines, "\n")
}

func newSSHListCmd(app *App, f *sshFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "list the account's SSH keys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := f.open(app, "")
			if err != nil {
				return app.Errorf("ssh list: %w", err)
			}
			list, err := a.ListSSH(cmd.Context(), f.sync)
			if err != nil {
				return app.Errorf("ssh list: %w", err)
			}
			res := &SSHListResult{Keys: []*SSHEntry{}}
			for _, s := range list {
				e, err := newSSHEntry(s)
				if err != nil {
					return app.Errorf("ssh list: %w", err)
				}
				res.Keys = append(res.Keys, e)
			}
			return app.Emit(res)
		},
	}
}

// SSHGetResult is the output of `ssh get`.
type SSHGetResult struct {
	*SSHEntry
	// File is where the key was written, if --file was given.
	File string `json:"file,omitempty"`
	// text is what is printed: the public key, or the private key's PEM.
	text string
}

func (r *SSHGetResult) Text() string {
	if r.File != "" {
		return "Wrote " + r.File
	}
	return r.text
}

func newSSHGetCmd(app *App, f *sshFlags) *cobra.Command {
	var (
		private bool
		file    string
	)
	cmd := &cobra.Command{
		Use:   "get ID",
		Short: "print an SSH key: the public key, or with --private this device's private key",
		Long: "Print the SSH key ID (its UDF or local name) in authorized_keys form. With\n" +
			"--private, write this device's copy of the private key in OpenSSH format;\n" +
			"it is written only to a new --file (mode 0600), never to the terminal.",
		Args: exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := f.open(app, "")
			if err != nil {
				return app.Errorf("ssh get: %w", err)
			}
			s, err := a.GetSSH(cmd.Context(), args[0], f.sync)
			if err != nil {
				return app.Errorf("ssh get: %w", err)
			}
			e, err := newSSHEntry(s)
			if err != nil {
				return app.Errorf("ssh get: %w", err)
			}
			res := &SSHGetResult{SSHEntry: e, text: e.PublicKey}
			if !private {
				if file != "" {
					if err := atomicfile.WriteFile(file, []byte(e.PublicKey+"\n"), 0o644); err != nil {
						return app.Errorf("ssh get: %w", err)
					}
					res.File = file
				}
				return app.Emit(res)
			}
			if file == "" {
				return app.Errorf("ssh get: --private needs --file: a private key is never printed")
			}
			if err := writeSSHPrivate(cmd, a, s, file); err != nil {
				return app.Errorf("ssh get: %w", err)
			}
			res.File = file
			return app.Emit(res)
		},
	}
	cmd.Flags().BoolVar(&private, "private", false, "export this device's private key (OpenSSH format)")
	cmd.Flags().StringVar(&file, "file", "", "write the key to this file instead of standard output")
	return cmd
}

// writeSSHPrivate writes this device's private key of s to a new file.
func writeSSHPrivate(cmd *cobra.Command, a *client.Account, s *catalog.CatalogedApplicationSsh, file string) error {
	held, err := a.SSHKeys(cmd.Context(), false)
	if err != nil {
		return err
	}
	for _, k := range held {
		if k.Entry.Key != s.Key {
			continue
		}
		priv := k.PrivateKey()
		defer clear(priv)
		block, err := ssh.MarshalPrivateKey(priv, s.LocalName)
		if err != nil {
			return fmt.Errorf("encoding the private key: %w", err)
		}
		out, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("writing the private key: %w", err)
		}
		if err := pem.Encode(out, block); err != nil {
			out.Close()
			os.Remove(file)
			return fmt.Errorf("writing the private key: %w", err)
		}
		return out.Close()
	}
	return fmt.Errorf("this device holds no private key for SSH key %s (its roles are not granted)", s.Key)
}

// SSHDeleteResult is the output of `ssh delete`.
type SSHDeleteResult struct {
	*SSHEntry
	Action string `json:"action"`
}

func (r *SSHDeleteResult) Text() string { return "Deleted " + r.line() }

func newSSHDeleteCmd(app *App, f *sshFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "delete an SSH key from the account and from every device",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := f.open(app, "")
			if err != nil {
				return app.Errorf("ssh delete: %w", err)
			}
			s, err := a.DeleteSSH(cmd.Context(), args[0])
			if err != nil {
				return app.Errorf("ssh delete: %w", err)
			}
			e, err := newSSHEntry(s)
			if err != nil {
				return app.Errorf("ssh delete: %w", err)
			}
			return app.Emit(&SSHDeleteResult{SSHEntry: e, Action: "deleted"})
		},
	}
}

// sshPublic converts a Mesh KeyData to an SSH public key (Ed25519 only:
// KeyData holds CFRG curve keys, schema.md §2.1).
func sshPublic(kd *keys.KeyData) (ssh.PublicKey, error) {
	pub, err := kd.PublicKey()
	if err != nil {
		return nil, err
	}
	if pub.Algorithm() != keys.Ed25519 {
		return nil, fmt.Errorf("a %v key has no SSH form (only Ed25519)", pub.Algorithm())
	}
	return ssh.NewPublicKey(ed25519.PublicKey(pub.Bytes()))
}
