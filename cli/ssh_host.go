package cli

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// Known hosts (cli.md §10 `ssh host`, `ssh known`): each host is a
// CatalogedCredential with Protocol "ssh" and Service the host name, so
// its key is "ssh:<host>"; HostAuthentication holds the host's keys and
// ClientAuthentication the SSH keys to log in with there. The SSH plugin
// uses them to offer the right key to each server (docs/ssh.md).

// knownHostFile is the parsed content of a known_hosts (or host .pub) file.
type knownHostFile struct {
	hosts   map[string][]ssh.PublicKey
	skipped []string
}

// parseKnownHosts reads known_hosts lines ("host[,host] type key") or, when
// only is set, also plain public keys ("type key comment", as in
// /etc/ssh/ssh_host_ed25519_key.pub) for host only. Only Ed25519 host keys
// have a Mesh KeyData form; other types are skipped and reported.
func parseKnownHosts(name string, data []byte, only string) (*knownHostFile, error) {
	kf := &knownHostFile{hosts: map[string][]ssh.PublicKey{}}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pos := fmt.Sprintf("%s:%d", name, i+1)
		marker, hosts, pub, _, _, err := ssh.ParseKnownHosts([]byte(line))
		if err != nil {
			plain, _, _, _, perr := ssh.ParseAuthorizedKey([]byte(line))
			if perr != nil {
				return nil, fmt.Errorf("%s: not a known_hosts line or public key: %v", pos, err)
			}
			if only == "" {
				return nil, fmt.Errorf("%s: a public key without host names needs --id HOST", pos)
			}
			marker, hosts, pub = "", []string{only}, plain
		}
		if marker != "" {
			return nil, fmt.Errorf("%s: @%s lines are not supported", pos, marker)
		}
		if pub.Type() != ssh.KeyAlgoED25519 {
			kf.skipped = append(kf.skipped, fmt.Sprintf("%s: %s key", pos, pub.Type()))
			continue
		}
		for _, h := range hosts {
			if strings.HasPrefix(h, "|") || strings.ContainsAny(h, "*?!") {
				return nil, fmt.Errorf("%s: host %q is hashed or a pattern; the catalog needs plain host names (ssh-keyscan without -H)", pos, h)
			}
			if only != "" && !strings.EqualFold(h, only) {
				continue
			}
			h = strings.ToLower(h)
			kf.hosts[h] = append(kf.hosts[h], pub)
		}
	}
	if len(kf.hosts) == 0 {
		return nil, fmt.Errorf("%s: no Ed25519 host key%s", name, forHost(only))
	}
	return kf, nil
}

func forHost(h string) string {
	if h == "" {
		return ""
	}
	return " for " + h
}

// keyDataOf converts an Ed25519 SSH public key to a Mesh KeyData.
func keyDataOf(pub ssh.PublicKey) (*keys.KeyData, error) {
	cp, ok := pub.(ssh.CryptoPublicKey)
	if !ok {
		return nil, fmt.Errorf("a %s key has no Mesh form", pub.Type())
	}
	ed, ok := cp.CryptoPublicKey().(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %s key has no Mesh form (only Ed25519)", pub.Type())
	}
	k, err := keys.ParsePublicKey(keys.Ed25519, ed)
	if err != nil {
		return nil, err
	}
	return keys.NewKeyData(k), nil
}

// SSHHostResult is the output of `ssh host`.
type SSHHostResult struct {
	Hosts   []*KnownHostEntry `json:"hosts"`
	Skipped []string          `json:"skipped,omitempty"`
}

func (r *SSHHostResult) Text() string {
	var b strings.Builder
	for i, h := range r.Hosts {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "Imported %s (%d host key(s))", h.Host, len(h.HostKeys))
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "\nSkipped %s (only Ed25519 host keys are stored)", s)
	}
	return b.String()
}

func newSSHHostCmd(app *App, f *sshFlags) *cobra.Command {
	var (
		host, clientID, user string
		merge                bool
	)
	cmd := &cobra.Command{
		Use:   "host FILE",
		Short: "import known hosts: the host keys of SSH servers, and which key to use there",
		Long: "Import FILE, in known_hosts form (e.g. from ssh-keyscan -t ed25519 HOST) or a\n" +
			"host's public key file with --id HOST, as ssh:<host> entries of the credential\n" +
			"catalog. --client names the SSH key (UDF or local name) to log in with there:\n" +
			"mesh-agent then offers that key first and only to that host. --merge adds to an\n" +
			"existing entry instead of replacing it.",
		Args: exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readLimited(args[0], client.MaxImportSize)
			if err != nil {
				return app.Errorf("ssh host: %w", err)
			}
			kf, err := parseKnownHosts(args[0], data, host)
			if err != nil {
				return app.Errorf("ssh host: %w", err)
			}
			a, err := f.open(app, "")
			if err != nil {
				return app.Errorf("ssh host: %w", err)
			}
			var clientKey *keys.KeyData
			if clientID != "" {
				s, err := a.GetSSH(cmd.Context(), clientID, f.sync)
				if err != nil {
					return app.Errorf("ssh host: --client: %w", err)
				}
				clientKey = s.ClientKey
			}
			res := &SSHHostResult{Skipped: kf.skipped}
			for _, h := range sortedHosts(kf.hosts) {
				e, err := knownHostEntry(cmd, a, f, h, kf.hosts[h], clientKey, user, merge)
				if err != nil {
					return app.Errorf("ssh host: %s: %w", h, err)
				}
				if _, err := a.Put(cmd.Context(), profile.StoreCredential, e); err != nil {
					return app.Errorf("ssh host: %s: %w", h, err)
				}
				ke, err := newKnownHostEntry(e)
				if err != nil {
					return app.Errorf("ssh host: %s: %w", h, err)
				}
				res.Hosts = append(res.Hosts, ke)
			}
			return app.Emit(res)
		},
	}
	cmd.Flags().StringVar(&host, "id", "", "import only this host (required for a plain public key file)")
	cmd.Flags().StringVar(&clientID, "client", "", "the SSH key to use for these hosts")
	cmd.Flags().StringVar(&user, "user", "", "the user name to log in as")
	cmd.Flags().BoolVar(&merge, "merge", false, "add to the existing entry instead of replacing it")
	return cmd
}

func sortedHosts(m map[string][]ssh.PublicKey) []string {
	out := make([]string, 0, len(m))
	for h := range m {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// knownHostEntry builds the ssh:<host> entry, merged with the current one
// when asked.
func knownHostEntry(cmd *cobra.Command, a *client.Account, f *sshFlags, host string, pubs []ssh.PublicKey,
	clientKey *keys.KeyData, user string, merge bool) (*catalog.CatalogedCredential, error) {
	e := &catalog.CatalogedCredential{Protocol: "ssh", Service: host, Username: user}
	if merge {
		old, err := findKnownHost(cmd, a, f, host)
		if err != nil {
			return nil, err
		}
		if old != nil {
			e.HostAuthentication, e.ClientAuthentication, e.LocalName = old.HostAuthentication, old.ClientAuthentication, old.LocalName
			if user == "" {
				e.Username = old.Username
			}
		}
	}
	for _, p := range pubs {
		kd, err := keyDataOf(p)
		if err != nil {
			return nil, err
		}
		e.HostAuthentication = appendKeyData(e.HostAuthentication, kd)
	}
	if clientKey != nil {
		e.ClientAuthentication = appendKeyData(e.ClientAuthentication, clientKey)
	}
	return e, nil
}

func appendKeyData(list []*keys.KeyData, kd *keys.KeyData) []*keys.KeyData {
	for _, k := range list {
		if k.Udf == kd.Udf {
			return list
		}
	}
	return append(list, kd)
}

// findKnownHost returns the ssh:<host> entry, or nil.
func findKnownHost(cmd *cobra.Command, a *client.Account, f *sshFlags, host string) (*catalog.CatalogedCredential, error) {
	v, err := a.Catalog(cmd.Context(), profile.StoreCredential, f.sync)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	key := "ssh:" + host
	if v.Latest(key) == 0 {
		return nil, nil
	}
	e, err := v.Get(key)
	if err != nil {
		return nil, err
	}
	c, _ := e.(*catalog.CatalogedCredential)
	return c, nil
}

// KnownHostEntry is one known host in command output.
type KnownHostEntry struct {
	Host       string   `json:"host"`
	User       string   `json:"user,omitempty"`
	HostKeys   []string `json:"host_keys"`
	ClientKeys []string `json:"client_keys,omitempty"`
}

func newKnownHostEntry(c *catalog.CatalogedCredential) (*KnownHostEntry, error) {
	e := &KnownHostEntry{Host: c.Service, User: c.Username}
	for _, kd := range c.HostAuthentication {
		pub, err := sshPublic(kd)
		if err != nil {
			return nil, fmt.Errorf("host key %s: %w", kd.Udf, err)
		}
		e.HostKeys = append(e.HostKeys, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))))
	}
	for _, kd := range c.ClientAuthentication {
		e.ClientKeys = append(e.ClientKeys, kd.Udf)
	}
	return e, nil
}

// SSHKnownResult is the output of `ssh known`.
type SSHKnownResult struct {
	Hosts []*KnownHostEntry `json:"hosts"`
}

// Text prints known_hosts lines, each followed by the client keys for it.
func (r *SSHKnownResult) Text() string {
	if len(r.Hosts) == 0 {
		return "No known hosts (import some with `meshman ssh host FILE`)"
	}
	var lines []string
	for _, h := range r.Hosts {
		for _, k := range h.HostKeys {
			lines = append(lines, h.Host+" "+k)
		}
		for _, c := range h.ClientKeys {
			lines = append(lines, "# "+h.Host+" client key "+c)
		}
	}
	return strings.Join(lines, "\n")
}

func newSSHKnownCmd(app *App, f *sshFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "known [HOST]",
		Short: "list the known hosts (all, or the one named HOST)",
		Args:  rangeArgs(0, 1, "HOST"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := f.open(app, "")
			if err != nil {
				return app.Errorf("ssh known: %w", err)
			}
			v, err := a.Catalog(cmd.Context(), profile.StoreCredential, f.sync)
			if err != nil {
				return app.Errorf("ssh known: %w", err)
			}
			defer v.Close()
			list, err := v.List()
			if err != nil {
				return app.Errorf("ssh known: %w", err)
			}
			res := &SSHKnownResult{Hosts: []*KnownHostEntry{}}
			for _, e := range list {
				c, ok := e.(*catalog.CatalogedCredential)
				if !ok || c.Protocol != "ssh" || len(c.HostAuthentication) == 0 {
					continue
				}
				if len(args) == 1 && !strings.EqualFold(c.Service, args[0]) {
					continue
				}
				ke, err := newKnownHostEntry(c)
				if err != nil {
					return app.Errorf("ssh known: %s: %w", c.PrimaryKey(), err)
				}
				res.Hosts = append(res.Hosts, ke)
			}
			if len(args) == 1 && len(res.Hosts) == 0 {
				return app.Errorf("ssh known: %w %q", client.ErrNoEntry, "ssh:"+args[0])
			}
			return app.Emit(res)
		},
	}
}

// readLimited reads a file of at most limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	n, err := io.Copy(&b, io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return b.Bytes(), nil
}
