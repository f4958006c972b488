package sshplugin

import (
	"context"
	"crypto"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Backend is what the ssh-agent logic needs from mesh-agent (plugins.md
// §2.3, §3): keys with purpose ssh-auth, known hosts, the key channel and
// the volatile keys of ssh-add. Every method may be called concurrently.
type Backend interface {
	// Keys returns the keys this plugin may offer (Keys.List, purpose
	// ssh-auth): Mesh SSH keys and volatile keys, with their certificates.
	Keys(ctx context.Context) ([]Key, error)
	// KnownHosts returns the account's known-host records (ssh:<host>
	// entries of MMM_Credential with HostAuthentication).
	KnownHosts(ctx context.Context) ([]KnownHost, error)
	// Open opens the key channel of one client connection (Keys.Open).
	Open(ctx context.Context, peer Peer, cc ClientContext) (Channel, error)
	// ImportVolatile hands a key typed into ssh-add to mesh-agent, which
	// keeps it in memory only and enforces its constraints
	// (Keys.ImportVolatile). The caller clears its copy afterwards.
	ImportVolatile(ctx context.Context, k agent.AddedKey) (Key, error)
	// RemoveVolatile forgets one volatile key (ssh-add -d); it fails with
	// an error wrapping ErrNotVolatile for a Mesh key.
	RemoveVolatile(ctx context.Context, handle string) error
	// RemoveAllVolatile forgets every volatile key (ssh-add -D).
	RemoveAllVolatile(ctx context.Context) error
}

// Channel is the key channel of one client connection (plugins.md §2.4).
type Channel interface {
	// Signer returns a signer for handle bound to this channel's context.
	// Its Public method returns the key's public key.
	Signer(handle string) crypto.Signer
	// Update sends new client context (a session-bind arriving later).
	Update(ctx context.Context, cc ClientContext) error
	// Close ends the channel.
	Close() error
}

// Key is one key the plugin may offer: the plugin's projection of the
// contract's KeyInfo.
type Key struct {
	// Handle names the key in the key channel; it is a capability, not a
	// fingerprint, and never shown to clients.
	Handle string
	// Public is the public key.
	Public ssh.PublicKey
	// Certificate, when set, is an SSH certificate for Public; the plugin
	// lists it beside the plain key.
	Certificate *ssh.Certificate
	// Comment is shown by ssh-add -l (the entry's name or the comment
	// given to ssh-add).
	Comment string
	// HostHints are host name patterns (path.Match syntax, as ssh_config
	// Host patterns with * and ?) this key is meant for.
	HostHints []string
	// Volatile is true for keys added with ssh-add.
	Volatile bool
	// NotAfter, when not zero, is when the key stops being offered (ssh-add
	// -t, policy max_lifetime); mesh-agent enforces it too.
	NotAfter time.Time
}

// KnownHost is one known-host record: the host names of an ssh:<host>
// credential entry, the host's keys, and the client keys to use there.
type KnownHost struct {
	Names      []string
	HostKeys   []ssh.PublicKey
	ClientKeys []ssh.PublicKey
}

// Peer is the client process at the other end of a connection, from
// SO_PEERCRED and /proc (plugins.md §1).
type Peer struct {
	PID        int32
	UID        uint32
	Executable string
}

// ClientContext is what the plugin knows about the destination of a
// connection, sent to mesh-agent for prompts, policy and audit
// (plugins.md §2.4 ClientContext).
type ClientContext struct {
	// Host is the first known name of the bound host key, or empty.
	Host string
	// HostKey is the wire form of the bound host key.
	HostKey []byte
	// SessionID is the SSH session identifier of the binding.
	SessionID []byte
	// Forwarded is true when the connection reached us through agent
	// forwarding (a session-bind with is_forwarding set).
	Forwarded bool
}
