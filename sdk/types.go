package sdk

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"time"

	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
)

// Entry is the public view of one catalog entry (plugins.md section 2.2).
type Entry struct {
	Catalog    string // "MMM_Application"
	Type       string // "CatalogedApplicationSsh"
	Key        string // the entry's primary key
	Generation uint64 // catalog index of the entry's last event
	PublicJSON []byte // the entry without private fields
}

// Ref returns the reference of e.
func (e Entry) Ref() EntryRef {
	return EntryRef{Catalog: e.Catalog, Type: e.Type, Key: e.Key, Generation: e.Generation}
}

// EntryRef names an entry without its content.
type EntryRef struct {
	Catalog    string
	Type       string
	Key        string
	Generation uint64
}

// Reason says why the agent provisions or deprovisions an entry.
type Reason = pluginv1.Reason

// Reasons.
const (
	ReasonStart       = pluginv1.Reason_REASON_START
	ReasonChanged     = pluginv1.Reason_REASON_CHANGED
	ReasonPolicy      = pluginv1.Reason_REASON_POLICY
	ReasonRenewal     = pluginv1.Reason_REASON_RENEWAL
	ReasonDeleted     = pluginv1.Reason_REASON_DELETED
	ReasonRevoked     = pluginv1.Reason_REASON_REVOKED
	ReasonWithdrawn   = pluginv1.Reason_REASON_WITHDRAWN
	ReasonUninstalled = pluginv1.Reason_REASON_UNINSTALLED
)

// ArtifactKind is the kind of an installed artifact.
type ArtifactKind = pluginv1.ArtifactKind

// Artifact kinds (plugins.md section 2.2).
const (
	ArtifactFile               = pluginv1.ArtifactKind_ARTIFACT_KIND_FILE
	ArtifactPKCS12File         = pluginv1.ArtifactKind_ARTIFACT_KIND_PKCS12_FILE
	ArtifactGnuPGPublicKey     = pluginv1.ArtifactKind_ARTIFACT_KIND_GNUPG_PUBLIC_KEY
	ArtifactGnuPGStub          = pluginv1.ArtifactKind_ARTIFACT_KIND_GNUPG_STUB
	ArtifactGnuPGConfig        = pluginv1.ArtifactKind_ARTIFACT_KIND_GNUPG_CONFIG
	ArtifactNSSCert            = pluginv1.ArtifactKind_ARTIFACT_KIND_NSS_CERT
	ArtifactNSSKey             = pluginv1.ArtifactKind_ARTIFACT_KIND_NSS_KEY
	ArtifactNSSModule          = pluginv1.ArtifactKind_ARTIFACT_KIND_NSS_MODULE
	ArtifactSSHConfig          = pluginv1.ArtifactKind_ARTIFACT_KIND_SSH_CONFIG
	ArtifactNativeHostManifest = pluginv1.ArtifactKind_ARTIFACT_KIND_NATIVE_HOST_MANIFEST
)

// Artifact is one thing a plugin installed for an entry.
type Artifact struct {
	Kind        ArtifactKind
	Locator     string // path, "sql:<dir>#<nickname>", fingerprint, keygrip
	SHA256      []byte
	HoldsSecret bool // contains private key material; wiped on revocation
}

// Severity of a Diagnostic.
type Severity = pluginv1.Severity

// Severities.
const (
	SeverityError   = pluginv1.Severity_SEVERITY_ERROR
	SeverityWarning = pluginv1.Severity_SEVERITY_WARNING
	SeverityInfo    = pluginv1.Severity_SEVERITY_INFO
)

// Diagnostic is a message about configuration or provisioning. Attribute names
// the config attribute it is about ("gnupg_home"), so the agent can point at
// the line of plugins.hcl.
type Diagnostic struct {
	Severity  Severity
	Summary   string
	Detail    string
	Attribute string
}

// Constraints the agent enforces on a key.
type Constraints struct {
	Confirm      bool      // ask before every use (ssh-add -c)
	NotAfter     time.Time // zero: no expiry (ssh-add -t sets it)
	HostPatterns []string  // restrict-destination host patterns
}

// KeyInfo describes a key the plugin may use through its Handle. It holds no
// private key material.
type KeyInfo struct {
	Handle             string // "kh_" + 26 Base32 characters; bound to this plugin process
	Fingerprint        string // UDF of the public key
	Algorithm          string // "ed25519", "x25519", "rsa-3072", "ecdsa-p256"
	SPKI               []byte // SubjectPublicKeyInfo DER (empty for x25519: see Public)
	SSHPublic          []byte // SSH wire form, for SSH keys
	Purposes           []string
	EntryKey           string
	X509Chain          [][]byte
	SSHCertificate     []byte
	OpenPGPCertificate []byte
	Constraints        Constraints
	HostHints          []string
	Comment            string
}

// HasPurpose reports whether p is one of k's purposes.
func (k KeyInfo) HasPurpose(p string) bool {
	for _, q := range k.Purposes {
		if q == p {
			return true
		}
	}
	return false
}

// PublicKey parses k.SPKI: *ecdsa.PublicKey, ed25519.PublicKey, *rsa.PublicKey
// or *ecdh.PublicKey.
func (k KeyInfo) PublicKey() (crypto.PublicKey, error) {
	if len(k.SPKI) == 0 {
		return nil, fmt.Errorf("sdk: key %s has no public key info", k.Handle)
	}
	pub, err := x509.ParsePKIXPublicKey(k.SPKI)
	if err != nil {
		return nil, fmt.Errorf("sdk: key %s: %w", k.Handle, err)
	}
	return pub, nil
}

// Peer is the process at the other end of a client connection.
type Peer struct {
	PID        int32
	UID        uint32
	Executable string
}

// ClientContext is what a plugin learned about a client's request; the agent
// shows it in prompts and checks it against host rules.
type ClientContext struct {
	SSHHost      string
	SSHHostKey   []byte
	SSHSessionID []byte
	SSHForwarded bool
	Origin       string // browser origin or PKCS#11 application
	GnuPGHome    string
}
