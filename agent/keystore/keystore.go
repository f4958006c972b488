// Package keystore holds the private keys mesh-agent uses for the session and
// hands plugins opaque handles to them (design: ../shared/spec/plugins.md
// sections 2.4 and 2.5). A handle ("kh_" + 26 Base32 characters) is bound to
// one plugin and one set of purposes; a handle presented by another plugin,
// or for another purpose, is refused. Private keys never leave the store: the
// plugin backend signs, decrypts and agrees here.
package keystore

import (
	"crypto"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/x509"
	"encoding/base32"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mathmesh/mesh/sdk"
	"golang.org/x/crypto/ssh"
)

// Store is the agent's in-memory key store for one session.
type Store struct {
	mu   sync.Mutex
	keys map[string]*key // by handle
	now  func() time.Time
}

type key struct {
	plugin   string
	info     sdk.KeyInfo
	signer   crypto.Signer
	agreer   *ecdh.PrivateKey
	volatile bool // from ImportVolatile (ssh-add)
}

// New returns an empty store.
func New() *Store { return &Store{keys: map[string]*key{}, now: time.Now} }

func newHandle() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("keystore: %w", err)
	}
	return "kh_" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]), nil
}

// Add stores priv for plugin with purposes and returns its description with
// a fresh handle. priv is a crypto.Signer (Ed25519, ECDSA, RSA) or an
// *ecdh.PrivateKey (X25519). Keys of catalog entries carry info.EntryKey.
func (s *Store) Add(plugin string, priv crypto.PrivateKey, info sdk.KeyInfo) (sdk.KeyInfo, error) {
	return s.add(plugin, priv, info, false)
}

func (s *Store) add(plugin string, priv crypto.PrivateKey, info sdk.KeyInfo, volatile bool) (sdk.KeyInfo, error) {
	k := &key{plugin: plugin, volatile: volatile}
	var pub crypto.PublicKey
	switch p := priv.(type) {
	case *ecdh.PrivateKey:
		k.agreer, pub = p, p.PublicKey()
	case crypto.Signer:
		k.signer, pub = p, p.Public()
	default:
		return sdk.KeyInfo{}, sdk.NewError(sdk.ErrUnsupported, fmt.Sprintf("keystore: unsupported key type %T", priv))
	}
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return sdk.KeyInfo{}, sdk.NewError(sdk.ErrUnsupported, "keystore: the public key cannot be encoded").WithCause(err)
	}
	h, err := newHandle()
	if err != nil {
		return sdk.KeyInfo{}, err
	}
	info.Handle, info.SPKI, info.Algorithm = h, spki, algorithmOf(pub)
	if k.signer != nil {
		if sp, err := ssh.NewPublicKey(pub); err == nil {
			info.SSHPublic = sp.Marshal()
		}
	}
	info.Purposes = slices.Clone(info.Purposes)
	k.info = info
	s.mu.Lock()
	s.keys[h] = k
	s.mu.Unlock()
	return info, nil
}

// ImportVolatile stores a PKCS#8 key given to a plugin (ssh-add): in memory
// only, never synced.
func (s *Store) ImportVolatile(plugin string, v sdk.VolatileKey) (sdk.KeyInfo, error) {
	if len(v.Purposes) == 0 {
		return sdk.KeyInfo{}, sdk.NewError(sdk.ErrInvalid, "keystore: a volatile key needs at least one purpose")
	}
	priv, err := x509.ParsePKCS8PrivateKey(v.PKCS8)
	if err != nil {
		return sdk.KeyInfo{}, sdk.NewError(sdk.ErrInvalid, "keystore: the key is not PKCS#8 DER").WithCause(err)
	}
	// Volatile keys belong to no catalog entry: their EntryKey stays empty.
	return s.add(plugin, priv, sdk.KeyInfo{Purposes: v.Purposes, Comment: v.Comment,
		Constraints: v.Constraints, SSHCertificate: v.SSHCertificate}, true)
}

// List returns the keys of plugin matching q that have not expired.
func (s *Store) List(plugin string, q sdk.KeyQuery) []sdk.KeyInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out []sdk.KeyInfo
	for _, k := range s.keys {
		if k.plugin != plugin || expired(k, now) || (q.Purpose != "" && !k.info.HasPurpose(q.Purpose)) ||
			(q.EntryKey != "" && q.EntryKey != k.info.EntryKey) {
			continue
		}
		out = append(out, k.info)
	}
	slices.SortFunc(out, func(a, b sdk.KeyInfo) int { return cmp(a.Handle, b.Handle) })
	return out
}

func cmp(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func expired(k *key, now time.Time) bool {
	return !k.info.Constraints.NotAfter.IsZero() && now.After(k.info.Constraints.NotAfter)
}

// lookup returns the key of handle if plugin may use it for purpose.
func (s *Store) lookup(plugin, handle, purpose string) (*key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[handle]
	if !ok || k.plugin != plugin {
		return nil, sdk.NewError(sdk.ErrUnknownKey, "keystore: unknown key handle")
	}
	if expired(k, s.now()) {
		delete(s.keys, handle)
		return nil, sdk.NewError(sdk.ErrUnknownKey, "keystore: the key's lifetime has ended")
	}
	if !k.info.HasPurpose(purpose) {
		return nil, sdk.NewError(sdk.ErrDenied, fmt.Sprintf("keystore: key not provisioned for purpose %q", purpose))
	}
	return k, nil
}

// RemovePlugin voids every handle and volatile key of plugin (it was
// restarted or removed: plugins.md section 2.7, "handles issued to the old
// process are void").
func (s *Store) RemovePlugin(plugin string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for h, k := range s.keys {
		if k.plugin == plugin {
			delete(s.keys, h)
		}
	}
}

// Remove deletes a key by handle.
func (s *Store) Remove(plugin, handle string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[handle]
	if !ok || k.plugin != plugin {
		return sdk.NewError(sdk.ErrUnknownKey, "keystore: unknown key handle")
	}
	delete(s.keys, handle)
	return nil
}

// RemoveVolatile deletes one volatile key of plugin, or every one when
// handle is empty (ssh-add -d, -D). Keys of catalog entries are refused:
// they go when their entry is deleted.
func (s *Store) RemoveVolatile(plugin, handle string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if handle == "" {
		for h, k := range s.keys {
			if k.plugin == plugin && k.volatile {
				delete(s.keys, h)
			}
		}
		return nil
	}
	k, ok := s.keys[handle]
	if !ok || k.plugin != plugin {
		return sdk.NewError(sdk.ErrUnknownKey, "keystore: unknown key handle")
	}
	if !k.volatile {
		return sdk.NewError(sdk.ErrInvalid, "keystore: the key belongs to a catalog entry; it was not added with ssh-add")
	}
	delete(s.keys, handle)
	return nil
}

// EntryKeys returns the entry keys of plugin's keys that belong to catalog
// entries (not volatile).
func (s *Store) EntryKeys(plugin string) map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for _, k := range s.keys {
		if k.plugin == plugin && !k.volatile && k.info.EntryKey != "" {
			out[k.info.EntryKey] = true
		}
	}
	return out
}

// RemoveEntry deletes plugin's keys of the catalog entry entryKey.
func (s *Store) RemoveEntry(plugin, entryKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for h, k := range s.keys {
		if k.plugin == plugin && !k.volatile && k.info.EntryKey == entryKey {
			delete(s.keys, h)
		}
	}
}
