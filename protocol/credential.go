package protocol

import (
	"errors"
	"fmt"
	"sync"

	"github.com/mathmesh/mesh/keys"
)

// CredentialKind says what a request's credential is and so which key it
// proves (protocol.md §3.2, docs/protocol.md §3.1). The strings are frozen
// wire values of the Mesh-Credential-Kind header.
type CredentialKind string

const (
	// CredentialAccount: the account's CommonAuthentication key itself. The
	// Mesh-Credential header holds the public key's wire encoding. Used by
	// BindAccount, UnbindAccount, recovery and group accounts.
	CredentialAccount CredentialKind = "account"
	// CredentialDevice: a device not yet connected. The header holds the
	// device's self-signed enveloped ProfileDevice; the key is its
	// Authentication key. Used by Connect, Complete and PollClaim.
	CredentialDevice CredentialKind = "device"
	// CredentialConnection: a connected device. The header holds the
	// enveloped ConnectionService signed by the account's
	// AdministratorSignature; the key is its Authentication key (the
	// device's overlaid account authentication key).
	CredentialConnection CredentialKind = "connection"
)

// Valid reports whether k is one of the defined kinds.
func (k CredentialKind) Valid() bool {
	return k == CredentialAccount || k == CredentialDevice || k == CredentialConnection || k == CredentialService
}

// Credential is what a client presents with an authenticated request: the
// account it acts for, the credential bytes and the private authentication
// key that proves it. It caches the request key K per service, so that the
// X448 agreement is made once per service, not per request. It never prints
// the key.
type Credential struct {
	kind    CredentialKind
	account string
	data    []byte
	key     keys.Agreer
	keyID   string

	mu    sync.Mutex
	cache map[string]*RequestKey // by service UDF
}

// NewAccountCredential returns the account key credential: account is the
// account's profile UDF (or address) and key the private key of its
// CommonAuthentication.
func NewAccountCredential(account string, key keys.Agreer) (*Credential, error) {
	if key == nil {
		return nil, errors.New("protocol: account credential without a key")
	}
	return newCredential(CredentialAccount, account, key.Public().Bytes(), key)
}

// NewDeviceCredential returns the credential of a device that is not yet
// connected to account: its enveloped ProfileDevice and the private key of
// the profile's Authentication key.
func NewDeviceCredential(account string, envelopedProfileDevice []byte, key keys.Agreer) (*Credential, error) {
	return newCredential(CredentialDevice, account, envelopedProfileDevice, key)
}

// NewConnectionCredential returns the credential of a connected device: the
// enveloped ConnectionService from its CatalogedDevice and the private key
// of the connection's Authentication key (the overlaid key, schema.md §5.2).
// account is the account's profile UDF or address.
func NewConnectionCredential(account string, envelopedConnectionService []byte, key keys.Agreer) (*Credential, error) {
	return newCredential(CredentialConnection, account, envelopedConnectionService, key)
}

func newCredential(kind CredentialKind, account string, data []byte, key keys.Agreer) (*Credential, error) {
	switch {
	case key == nil:
		return nil, fmt.Errorf("protocol: %s credential without a key", kind)
	case account == "" || len(account) > MaxAccountLength:
		return nil, fmt.Errorf("protocol: %s credential: account must be 1 to %d bytes, got %d", kind, MaxAccountLength, len(account))
	case len(data) == 0:
		return nil, fmt.Errorf("protocol: %s credential is empty", kind)
	case len(data) > MaxCredentialBytes:
		return nil, fmt.Errorf("protocol: %s credential is %d bytes, limit %d", kind, len(data), MaxCredentialBytes)
	}
	return &Credential{
		kind:    kind,
		account: account,
		data:    append([]byte(nil), data...),
		key:     key,
		keyID:   key.Public().Fingerprint(),
	}, nil
}

// Kind returns the credential kind.
func (c *Credential) Kind() CredentialKind { return c.kind }

// Account returns the account the credential acts for.
func (c *Credential) Account() string { return c.account }

// KeyID returns the fingerprint of the authentication key.
func (c *Credential) KeyID() string { return c.keyID }

// Data returns a copy of the credential bytes sent in Mesh-Credential.
func (c *Credential) Data() []byte { return append([]byte(nil), c.data...) }

// String names the credential without any secret.
func (c *Credential) String() string {
	return fmt.Sprintf("protocol.Credential(%s %s key %s)", c.kind, c.account, c.keyID)
}

// GoString is String.
func (c *Credential) GoString() string { return c.String() }

// requestKey returns K for the service, computing it on first use.
func (c *Credential) requestKey(svc *ServiceIdentity) (*RequestKey, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.cache[svc.UDF]; ok {
		return k, nil
	}
	z, err := c.key.Agree(svc.Authentication)
	if err != nil {
		return nil, fmt.Errorf("protocol: key agreement with the service key: %w", err)
	}
	k, err := DeriveRequestKey(z, c.keyID, svc.UDF)
	clear(z)
	if err != nil {
		return nil, err
	}
	if c.cache == nil {
		c.cache = make(map[string]*RequestKey)
	}
	c.cache[svc.UDF] = k
	return k, nil
}
