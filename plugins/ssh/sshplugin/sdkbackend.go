package sshplugin

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/sdk"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Contract names the plugin uses (plugins.md §3).
const (
	// PurposeSSHAuth is the purpose of every key the plugin signs with.
	PurposeSSHAuth = "ssh-auth"
	// EndpointSSHAgent is the endpoint serving SSH_AUTH_SOCK.
	EndpointSSHAgent = "ssh-agent"
	// CatalogApplication and CatalogCredential are the catalogs watched.
	CatalogApplication = "MMM_Application"
	CatalogCredential  = "MMM_Credential"
)

// VolatileRemover is the optional capability of sdk.Keys that forgets keys
// given with ssh-add (ssh-add -d, -D); an empty handle means every volatile
// key of this plugin. Without it, -d and -D fail with sdk.ErrUnsupported.
type VolatileRemover interface {
	RemoveVolatile(ctx context.Context, handle string) error
}

// sdkBackend is the Backend over the brokered services of mesh-agent.
type sdkBackend struct {
	host atomic.Pointer[hostRef]
	log  *slog.Logger
	now  func() time.Time

	mu    sync.Mutex
	infos map[string]sdk.KeyInfo // by handle, from the last List
}

type hostRef struct{ h sdk.Host }

var _ Backend = (*sdkBackend)(nil)

func newSDKBackend(log *slog.Logger, now func() time.Time) *sdkBackend {
	return &sdkBackend{log: log, now: now, infos: map[string]sdk.KeyInfo{}}
}

// setHost installs the Host of the latest Configure.
func (b *sdkBackend) setHost(h sdk.Host) { b.host.Store(&hostRef{h}) }

func (b *sdkBackend) hostOrErr() (sdk.Host, error) {
	r := b.host.Load()
	if r == nil {
		return nil, sdk.NewError(sdk.ErrUnavailable, "sshplugin: not configured by mesh-agent yet")
	}
	return r.h, nil
}

// Keys lists the keys with purpose ssh-auth and remembers their KeyInfo for
// the channel's signers.
func (b *sdkBackend) Keys(ctx context.Context) ([]Key, error) {
	h, err := b.hostOrErr()
	if err != nil {
		return nil, err
	}
	infos, err := h.Keys().List(ctx, sdk.KeyQuery{Purpose: PurposeSSHAuth})
	if err != nil {
		return nil, err
	}
	if len(infos) > MaxKeys {
		return nil, fmt.Errorf("sshplugin: mesh-agent listed %d keys, limit %d", len(infos), MaxKeys)
	}
	out := make([]Key, 0, len(infos))
	byHandle := make(map[string]sdk.KeyInfo, len(infos))
	for _, ki := range infos {
		k, err := keyFromInfo(ki)
		if err != nil {
			b.log.Warn("key not offered", "handle", ki.Handle, "entry", ki.EntryKey, "err", err)
			continue
		}
		out = append(out, k)
		byHandle[ki.Handle] = ki
	}
	b.mu.Lock()
	b.infos = byHandle
	b.mu.Unlock()
	return out, nil
}

// keyFromInfo converts the contract's KeyInfo. A key is volatile when it
// belongs to no catalog entry (mesh-agent lists ssh-add keys without one).
func keyFromInfo(ki sdk.KeyInfo) (Key, error) {
	pub, err := sshPublicOf(ki)
	if err != nil {
		return Key{}, err
	}
	k := Key{Handle: ki.Handle, Public: pub, Comment: ki.Comment, HostHints: ki.HostHints,
		Volatile: ki.EntryKey == "", NotAfter: ki.Constraints.NotAfter}
	if k.Comment == "" {
		k.Comment = ki.EntryKey
	}
	if len(ki.SSHCertificate) > 0 {
		cpub, err := ssh.ParsePublicKey(ki.SSHCertificate)
		if err != nil {
			return Key{}, fmt.Errorf("sshplugin: key %s field SSHCertificate: %w", ki.Handle, err)
		}
		cert, ok := cpub.(*ssh.Certificate)
		if !ok {
			return Key{}, fmt.Errorf("sshplugin: key %s field SSHCertificate holds a plain %s key", ki.Handle, cpub.Type())
		}
		k.Certificate = cert
	}
	return k, nil
}

// sshPublicOf returns the key's SSH form: SSHPublic, or else the SPKI.
func sshPublicOf(ki sdk.KeyInfo) (ssh.PublicKey, error) {
	if len(ki.SSHPublic) > 0 {
		pub, err := ssh.ParsePublicKey(ki.SSHPublic)
		if err != nil {
			return nil, fmt.Errorf("sshplugin: key %s field SSHPublic: %w", ki.Handle, err)
		}
		return pub, nil
	}
	cpub, err := ki.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("sshplugin: key %s: %w", ki.Handle, err)
	}
	pub, err := ssh.NewPublicKey(cpub)
	if err != nil {
		return nil, fmt.Errorf("sshplugin: key %s (%s) has no SSH form: %w", ki.Handle, ki.Algorithm, err)
	}
	return pub, nil
}

// KnownHosts reads the ssh:<host> credential entries with host keys.
// Entries that cannot be read are logged and skipped: they only steer
// which key is offered first.
func (b *sdkBackend) KnownHosts(ctx context.Context) ([]KnownHost, error) {
	h, err := b.hostOrErr()
	if err != nil {
		return nil, err
	}
	entries, err := h.Catalog().Get(ctx, sdk.EntryQuery{Catalog: CatalogCredential, Types: []string{catalog.TagCredential}})
	if err != nil {
		return nil, err
	}
	var out []KnownHost
	for _, e := range entries {
		kh, ok, err := knownHostOf(e.PublicJSON)
		if err != nil {
			b.log.Warn("known host skipped", "entry", e.Key, "err", err)
			continue
		}
		if ok {
			out = append(out, kh)
		}
	}
	return out, nil
}

// knownHostOf reads one credential entry: ok is false for credentials that
// are not SSH known hosts.
func knownHostOf(publicJSON []byte) (KnownHost, bool, error) {
	e, err := catalog.DecodeEntry(CatalogCredential, publicJSON)
	if err != nil {
		return KnownHost{}, false, err
	}
	c, isCred := e.(*catalog.CatalogedCredential)
	if !isCred || c.Protocol != "ssh" || len(c.HostAuthentication) == 0 {
		return KnownHost{}, false, nil
	}
	kh := KnownHost{Names: []string{c.Service}}
	for i, kd := range c.HostAuthentication {
		pub, err := SSHPublicKey(kd)
		if err != nil {
			return KnownHost{}, false, fmt.Errorf("sshplugin: %s HostAuthentication[%d]: %w", c.PrimaryKey(), i, err)
		}
		kh.HostKeys = append(kh.HostKeys, pub)
	}
	for i, kd := range c.ClientAuthentication {
		pub, err := SSHPublicKey(kd)
		if err != nil {
			return KnownHost{}, false, fmt.Errorf("sshplugin: %s ClientAuthentication[%d]: %w", c.PrimaryKey(), i, err)
		}
		kh.ClientKeys = append(kh.ClientKeys, pub)
	}
	return kh, true, nil
}

// SSHPublicKey converts a Mesh KeyData to an SSH public key. Only Ed25519
// keys have both forms (schema.md §2.1 KeyData holds CFRG curve keys).
func SSHPublicKey(kd *keys.KeyData) (ssh.PublicKey, error) {
	pub, err := kd.PublicKey()
	if err != nil {
		return nil, err
	}
	if pub.Algorithm() != keys.Ed25519 {
		return nil, fmt.Errorf("a %v key has no SSH form (only Ed25519)", pub.Algorithm())
	}
	return ssh.NewPublicKey(ed25519.PublicKey(pub.Bytes()))
}

// Open opens the key channel of a client connection.
func (b *sdkBackend) Open(ctx context.Context, peer Peer, cc ClientContext) (Channel, error) {
	h, err := b.hostOrErr()
	if err != nil {
		return nil, err
	}
	ch, err := h.Keys().Open(ctx, sdk.ChannelOpen{Peer: sdk.Peer(peer), Endpoint: EndpointSSHAgent, Context: sdkContext(cc)})
	if err != nil {
		return nil, err
	}
	return &sdkChannel{b: b, ch: ch}, nil
}

func sdkContext(cc ClientContext) sdk.ClientContext {
	return sdk.ClientContext{SSHHost: cc.Host, SSHHostKey: cc.HostKey, SSHSessionID: cc.SessionID, SSHForwarded: cc.Forwarded}
}

// sdkChannel adapts sdk.Channel to Channel.
type sdkChannel struct {
	b  *sdkBackend
	ch sdk.Channel
}

func (c *sdkChannel) Signer(handle string) crypto.Signer {
	c.b.mu.Lock()
	ki, ok := c.b.infos[handle]
	c.b.mu.Unlock()
	if !ok {
		return failedSigner{fmt.Errorf("sshplugin: no key info for handle %s", handle)}
	}
	s, err := c.ch.Signer(ki, PurposeSSHAuth)
	if err != nil {
		return failedSigner{err}
	}
	return s
}

func (c *sdkChannel) Update(ctx context.Context, cc ClientContext) error {
	return c.ch.Update(ctx, sdkContext(cc))
}

func (c *sdkChannel) Close() error { return c.ch.Close() }

// failedSigner carries an error to the first use; ssh.NewSignerFromSigner
// refuses it because it has no public key.
type failedSigner struct{ err error }

func (f failedSigner) Public() crypto.PublicKey { return nil }
func (f failedSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, f.err
}

// ImportVolatile hands an ssh-add key to mesh-agent as PKCS#8 with its
// constraints. Constraint extensions (ssh-add -h destination restrictions)
// are refused rather than dropped, as OpenSSH's agent refuses constraints
// it does not know.
func (b *sdkBackend) ImportVolatile(ctx context.Context, k agent.AddedKey) (Key, error) {
	h, err := b.hostOrErr()
	if err != nil {
		return Key{}, err
	}
	if len(k.ConstraintExtensions) > 0 {
		return Key{}, fmt.Errorf("sshplugin: ssh-add constraint %q is not supported", k.ConstraintExtensions[0].ExtensionName)
	}
	priv := k.PrivateKey
	if p, ok := priv.(*ed25519.PrivateKey); ok {
		priv = *p
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return Key{}, fmt.Errorf("sshplugin: encoding the ssh-add key: %w", err)
	}
	vk := sdk.VolatileKey{PKCS8: der, Comment: k.Comment, Purposes: []string{PurposeSSHAuth},
		Constraints: sdk.Constraints{Confirm: k.ConfirmBeforeUse}}
	if k.LifetimeSecs > 0 {
		vk.Constraints.NotAfter = b.now().Add(time.Duration(k.LifetimeSecs) * time.Second)
	}
	if k.Certificate != nil {
		vk.SSHCertificate = k.Certificate.Marshal()
	}
	ki, err := h.Keys().ImportVolatile(ctx, vk)
	clear(der)
	if err != nil {
		return Key{}, err
	}
	return keyFromInfo(ki)
}

// RemoveVolatile forgets one ssh-add key.
func (b *sdkBackend) RemoveVolatile(ctx context.Context, handle string) error {
	if handle == "" {
		return errors.New("sshplugin: no handle to remove")
	}
	return b.removeVolatile(ctx, handle)
}

// RemoveAllVolatile forgets every ssh-add key.
func (b *sdkBackend) RemoveAllVolatile(ctx context.Context) error { return b.removeVolatile(ctx, "") }

func (b *sdkBackend) removeVolatile(ctx context.Context, handle string) error {
	h, err := b.hostOrErr()
	if err != nil {
		return err
	}
	r, ok := h.Keys().(VolatileRemover)
	if !ok {
		return sdk.NewError(sdk.ErrUnsupported, "sshplugin: this mesh-agent cannot remove ssh-add keys")
	}
	return r.RemoveVolatile(ctx, handle)
}
