package keystore

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/mathmesh/mesh/sdk"
)

func algorithmOf(pub crypto.PublicKey) string {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		return "ed25519"
	case *ecdsa.PublicKey:
		return "ecdsa-" + p.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("rsa-%d", p.N.BitLen())
	case *ecdh.PublicKey:
		return "x25519"
	}
	return "unknown"
}

// Sign performs a key-channel signature for plugin (plugins.md section 2.4).
// The caller has already checked confirmation and policy.
func (s *Store) Sign(plugin string, r sdk.SignRequest) ([]byte, error) {
	k, err := s.lookup(plugin, r.Handle, r.Purpose)
	if err != nil {
		return nil, err
	}
	if k.signer == nil {
		return nil, sdk.NewError(sdk.ErrUnsupported, "keystore: the key cannot sign")
	}
	switch k.signer.Public().(type) {
	case ed25519.PublicKey:
		if r.Scheme != sdk.SchemeEd25519 || r.InputKind != sdk.InputMessage {
			return nil, sdk.NewError(sdk.ErrInvalid, "keystore: an Ed25519 key signs a message with scheme ED25519")
		}
		return k.signer.Sign(nil, r.Input, crypto.Hash(0))
	case *ecdsa.PublicKey:
		if r.Scheme != sdk.SchemeECDSA || r.InputKind != sdk.InputDigest || !digestFits(r) {
			return nil, sdk.NewError(sdk.ErrInvalid, "keystore: an ECDSA key signs a digest of its hash with scheme ECDSA")
		}
		return k.signer.Sign(rand.Reader, r.Input, r.Hash)
	case *rsa.PublicKey:
		if r.InputKind != sdk.InputDigest || !digestFits(r) {
			return nil, sdk.NewError(sdk.ErrInvalid, "keystore: an RSA key signs a digest of its hash")
		}
		switch r.Scheme {
		case sdk.SchemeRSAPKCS1v15:
			return k.signer.Sign(rand.Reader, r.Input, r.Hash)
		case sdk.SchemeRSAPSS:
			return k.signer.Sign(rand.Reader, r.Input, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: r.Hash})
		}
		return nil, sdk.NewError(sdk.ErrInvalid, "keystore: RSA scheme must be PKCS1V15 or PSS")
	}
	return nil, sdk.NewError(sdk.ErrUnsupported, "keystore: the key cannot sign")
}

func digestFits(r sdk.SignRequest) bool {
	return r.Hash != 0 && r.Hash.Available() && len(r.Input) == r.Hash.Size()
}

// Decrypt performs an RSA decryption for plugin.
func (s *Store) Decrypt(plugin string, r sdk.DecryptRequest) ([]byte, error) {
	k, err := s.lookup(plugin, r.Handle, r.Purpose)
	if err != nil {
		return nil, err
	}
	priv, ok := k.signer.(*rsa.PrivateKey)
	if !ok {
		return nil, sdk.NewError(sdk.ErrUnsupported, "keystore: only RSA keys decrypt; use Agree")
	}
	var out []byte
	switch r.Padding {
	case sdk.PaddingPKCS1v15:
		//lint:ignore SA1019 S/MIME recipients still send RSA PKCS #1 v1.5 key transport (ecosystem.md §4); the plugin asks for it explicitly
		out, err = rsa.DecryptPKCS1v15(rand.Reader, priv, r.Ciphertext)
	case sdk.PaddingOAEPSHA1:
		out, err = rsa.DecryptOAEP(sha1.New(), rand.Reader, priv, r.Ciphertext, nil)
	case sdk.PaddingOAEPSHA256:
		out, err = rsa.DecryptOAEP(sha256.New(), rand.Reader, priv, r.Ciphertext, nil)
	default:
		return nil, sdk.NewError(sdk.ErrUnsupported, fmt.Sprintf("keystore: padding %v", r.Padding))
	}
	if err != nil {
		return nil, sdk.NewError(sdk.ErrInvalid, "keystore: decryption failed")
	}
	return out, nil
}

// Agree performs a key agreement for plugin.
func (s *Store) Agree(plugin string, r sdk.AgreeRequest) ([]byte, error) {
	k, err := s.lookup(plugin, r.Handle, r.Purpose)
	if err != nil {
		return nil, err
	}
	if k.agreer == nil {
		return nil, sdk.NewError(sdk.ErrUnsupported, "keystore: the key cannot agree")
	}
	peer, err := k.agreer.Curve().NewPublicKey(r.PeerPublic)
	if err != nil {
		return nil, sdk.NewError(sdk.ErrInvalid, "keystore: invalid peer public key")
	}
	out, err := k.agreer.ECDH(peer)
	if err != nil {
		return nil, sdk.NewError(sdk.ErrInvalid, "keystore: key agreement failed (low-order point)")
	}
	return out, nil
}

// Info returns the public description of the key of handle if plugin may
// use it for purpose and its lifetime has not ended.
func (s *Store) Info(plugin, handle, purpose string) (sdk.KeyInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[handle]
	if !ok || k.plugin != plugin || expired(k, s.now()) || !k.info.HasPurpose(purpose) {
		return sdk.KeyInfo{}, false
	}
	info := k.info
	info.Purposes = slices.Clone(info.Purposes)
	return info, true
}
