package sdk

import (
	"context"
	"crypto"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
)

// Host is the agent as a plugin sees it: the three services the agent offers
// back through the go-plugin broker (plugins.md section 2.3). A plugin gets it
// in Configure and may keep it until the next Configure.
type Host interface {
	Keys() Keys
	Catalog() Catalog
	Confirm(ctx context.Context, p Prompt) (Decision, error)
	Audit(ctx context.Context, ev AuditEvent) error
}

// Keys is the agent's key service. Plugins never get private keys: they use
// handles, and sign, decrypt and agree through a Channel.
type Keys interface {
	List(ctx context.Context, q KeyQuery) ([]KeyInfo, error)
	// Open opens a key channel, one per client connection (plugins.md section 2.4).
	Open(ctx context.Context, o ChannelOpen) (Channel, error)
	Generate(ctx context.Context, r GenerateRequest) (KeyInfo, error)
	AttachCertificate(ctx context.Context, r AttachRequest) (KeyInfo, error)
	Enroll(ctx context.Context, r EnrollRequest) (EnrollResult, error)
	ImportVolatile(ctx context.Context, r VolatileKey) (KeyInfo, error)
	Export(ctx context.Context, r ExportRequest) ([]byte, error)
}

// Channel is a key channel: one bidirectional stream to the agent per client
// connection. The agent checks every operation against the key's purposes,
// constraints and the policy, and prompts when a rule says so. A Channel is
// safe for concurrent use.
type Channel interface {
	// Signer returns a crypto.Signer for key that signs through the agent with
	// purpose, bound to the channel's context (crypto.Signer.Sign has none).
	Signer(key KeyInfo, purpose string) (crypto.Signer, error)
	// Decrypter returns a crypto.Decrypter for an RSA key.
	Decrypter(key KeyInfo, purpose string) (crypto.Decrypter, error)
	Sign(ctx context.Context, r SignRequest) ([]byte, error)
	Decrypt(ctx context.Context, r DecryptRequest) ([]byte, error)
	Agree(ctx context.Context, r AgreeRequest) ([]byte, error)
	// Update sends new client context (session-bind@openssh.com mid-connection).
	Update(ctx context.Context, c ClientContext) error
	Close() error
}

// VolatileRemover is implemented by the Keys of a Host whose agent can
// forget keys given with ImportVolatile (contract minor 1): an empty handle
// means every volatile key of the plugin.
type VolatileRemover interface {
	RemoveVolatile(ctx context.Context, handle string) error
}

// Catalog is the agent's catalog service, limited to the plugin's scopes.
type Catalog interface {
	Get(ctx context.Context, q EntryQuery) ([]Entry, error)
	Reveal(ctx context.Context, r RevealRequest) ([]byte, error)
	Put(ctx context.Context, r PutRequest) (uint64, error)
	Watch(ctx context.Context, w WatchRequest) (Watcher, error)
}

// Watcher receives catalog events until its context ends or Close is called.
type Watcher interface {
	Next() (Event, error)
	Close() error
}

// KeyQuery filters Keys.List.
type KeyQuery struct {
	Purpose  string // empty: any
	EntryKey string // empty: any
}

// ChannelOpen is the first message of a key channel.
type ChannelOpen struct {
	Peer     Peer
	Endpoint string
	Context  ClientContext
}

// InputKind says whether Sign gets the message or its digest.
type InputKind = pluginv1.InputKind

// Input kinds.
const (
	InputMessage = pluginv1.InputKind_INPUT_KIND_MESSAGE
	InputDigest  = pluginv1.InputKind_INPUT_KIND_DIGEST
)

// Scheme of a signature.
type Scheme = pluginv1.Scheme

// Schemes.
const (
	SchemeEd25519     = pluginv1.Scheme_SCHEME_ED25519
	SchemeECDSA       = pluginv1.Scheme_SCHEME_ECDSA
	SchemeRSAPKCS1v15 = pluginv1.Scheme_SCHEME_RSA_PKCS1V15
	SchemeRSAPSS      = pluginv1.Scheme_SCHEME_RSA_PSS
)

// Padding of an RSA decryption.
type Padding = pluginv1.Padding

// Paddings.
const (
	PaddingPKCS1v15   = pluginv1.Padding_PADDING_PKCS1V15
	PaddingOAEPSHA1   = pluginv1.Padding_PADDING_OAEP_SHA1
	PaddingOAEPSHA256 = pluginv1.Padding_PADDING_OAEP_SHA256
)

// SignRequest is one signature through the key channel.
type SignRequest struct {
	Handle    string
	Input     []byte
	InputKind InputKind
	Hash      crypto.Hash // for InputDigest: SHA256, SHA384 or SHA512
	Scheme    Scheme
	Purpose   string
}

// DecryptRequest is one RSA decryption through the key channel.
type DecryptRequest struct {
	Handle     string
	Ciphertext []byte
	Padding    Padding
	Purpose    string
}

// AgreeRequest is one key agreement through the key channel.
type AgreeRequest struct {
	Handle     string
	PeerPublic []byte // X25519 u-coordinate or SEC1 point
	Purpose    string
}

// GenerateRequest asks the agent for a new key.
type GenerateRequest struct {
	Purpose   string // "acme-account"
	Algorithm string
	EntryKey  string
}

// AttachRequest stores an issued certificate with a key and its entry.
type AttachRequest struct {
	Handle             string
	X509Chain          [][]byte
	SSHCertificate     []byte
	OpenPGPCertificate []byte
	ExpectedGeneration uint64
}

// EnrollKind selects what the agent asks a CA for.
type EnrollKind = pluginv1.EnrollKind

// Enroll kinds.
const (
	EnrollX509CSR            = pluginv1.EnrollKind_ENROLL_KIND_X509_CSR
	EnrollSSHUserCertificate = pluginv1.EnrollKind_ENROLL_KIND_SSH_USER_CERTIFICATE
)

// EnrollRequest asks the agent to enrol a key with a CA.
type EnrollRequest struct {
	Handle     string
	Kind       EnrollKind
	CSR        []byte
	Authority  string
	Principals []string
	Validity   time.Duration
}

// EnrollResult is the issued certificate.
type EnrollResult struct {
	X509Chain      [][]byte
	SSHCertificate []byte
}

// VolatileKey is a key a user handed to the plugin (ssh-add): it is kept in
// agent memory only, never synced. PKCS8 is zeroed by the SDK after sending.
type VolatileKey struct {
	PKCS8          []byte
	Comment        string
	Constraints    Constraints
	Purposes       []string
	SSHCertificate []byte
}

// ExportFormat of Keys.Export.
type ExportFormat = pluginv1.ExportFormat

// Export formats.
const (
	ExportPKCS12           = pluginv1.ExportFormat_EXPORT_FORMAT_PKCS12
	ExportOpenPGPSecretKey = pluginv1.ExportFormat_EXPORT_FORMAT_OPENPGP_SECRET_KEY
)

// ExportRequest asks for a key's private part, encrypted under Password.
// It succeeds only under the four conditions of plugins.md section 2.5.
type ExportRequest struct {
	Handle   string
	Format   ExportFormat
	Password string
}

// EntryQuery filters Catalog.Get.
type EntryQuery struct {
	Catalog string
	Types   []string
	Key     string // empty: every entry
}

// RevealRequest asks for one secret field of one entry, for one origin.
type RevealRequest struct {
	Catalog string
	Key     string
	Field   string
	Origin  string
}

// PutRequest adds or updates an entry. ExpectedGeneration 0 means the entry
// must not exist yet; otherwise it must equal the entry's current generation,
// else the agent answers ErrConflict.
type PutRequest struct {
	Catalog            string
	Type               string
	Key                string
	EntryJSON          []byte
	ExpectedGeneration uint64
}

// WatchRequest selects catalog events.
type WatchRequest struct {
	Catalogs []string
	Types    []string
}

// EventKind of a catalog event.
type EventKind = pluginv1.EventKind

// Event kinds.
const (
	EventNew           = pluginv1.EventKind_EVENT_KIND_NEW
	EventUpdate        = pluginv1.EventKind_EVENT_KIND_UPDATE
	EventDelete        = pluginv1.EventKind_EVENT_KIND_DELETE
	EventPolicyChanged = pluginv1.EventKind_EVENT_KIND_POLICY_CHANGED
	EventDeviceRevoked = pluginv1.EventKind_EVENT_KIND_DEVICE_REVOKED
	EventLocked        = pluginv1.EventKind_EVENT_KIND_LOCKED
	EventUnlocked      = pluginv1.EventKind_EVENT_KIND_UNLOCKED
)

// Event is one catalog or agent event.
type Event struct {
	Kind         EventKind
	Entry        Entry
	PolicySerial uint64
}

// Prompt asks the user to approve a plugin-level action.
type Prompt struct {
	Action   string // "install-identity", "fill-password", "save-credential"
	Summary  string
	Details  [][2]string // name, value pairs shown under the summary
	EntryKey string
	Context  ClientContext
	Peer     Peer
}

// Decision of the user or the policy.
type Decision struct {
	Allow bool
	Scope DecisionScope
}

// DecisionScope is how long a decision holds.
type DecisionScope = pluginv1.DecisionScope

// Decision scopes.
const (
	ScopeOnce      = pluginv1.DecisionScope_DECISION_SCOPE_ONCE
	ScopeChannel   = pluginv1.DecisionScope_DECISION_SCOPE_CHANNEL
	ScopeUntilLock = pluginv1.DecisionScope_DECISION_SCOPE_UNTIL_LOCK
)

// AuditEvent is a security event for the agent's audit log.
type AuditEvent struct {
	Action    string // "install", "export", "enroll", "revocation-cleanup"
	EntryKey  string
	Artifacts []Artifact
	Outcome   string
	Details   [][2]string
}
