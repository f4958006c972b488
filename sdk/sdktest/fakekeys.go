package sdktest

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base32"
	"fmt"
	"testing"

	"github.com/mathmesh/mesh/sdk"
)

// fakeKey is a private key the fake agent holds behind a handle.
type fakeKey struct {
	info     sdk.KeyInfo
	signer   crypto.Signer    // ed25519, ecdsa, rsa
	agreer   *ecdh.PrivateKey // x25519
	foreign  bool             // issued to another plugin
	volatile bool             // given with ImportVolatile (ssh-add)
}

// newHandle mints a handle as the agent does: "kh_" + 26 Base32 characters.
func newHandle() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("internal error: crypto/rand failed: " + err.Error())
	}
	return "kh_" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
}

func algorithmOf(pub crypto.PublicKey) string {
	switch p := pub.(type) {
	case ed25519.PublicKey:
		return "ed25519"
	case *ecdsa.PublicKey:
		return "ecdsa-" + map[int]string{256: "p256", 384: "p384", 521: "p521"}[p.Curve.Params().BitSize]
	case *rsa.PublicKey:
		return fmt.Sprintf("rsa-%d", p.N.BitLen())
	case *ecdh.PublicKey:
		return "x25519"
	}
	return "unknown"
}

func fingerprint(spki []byte) string {
	sum := sha256.Sum256(spki)
	return fmt.Sprintf("SHA256:%x", sum[:8])
}

// sign performs a SignRequest with k, checking the request as the agent does.
func (k *fakeKey) sign(r sdk.SignRequest) ([]byte, error) {
	if k.signer == nil {
		return nil, sdk.NewError(sdk.ErrUnsupported, "sdktest: key cannot sign")
	}
	switch pub := k.signer.Public().(type) {
	case ed25519.PublicKey:
		if r.Scheme != sdk.SchemeEd25519 || r.InputKind != sdk.InputMessage {
			return nil, sdk.NewError(sdk.ErrInvalid, "sdktest: ed25519 signs messages with scheme ED25519")
		}
		return k.signer.Sign(nil, r.Input, crypto.Hash(0))
	case *ecdsa.PublicKey:
		if r.Scheme != sdk.SchemeECDSA || r.InputKind != sdk.InputDigest {
			return nil, sdk.NewError(sdk.ErrInvalid, "sdktest: ecdsa signs digests with scheme ECDSA")
		}
		return k.signer.Sign(rand.Reader, r.Input, r.Hash)
	case *rsa.PublicKey:
		if r.InputKind != sdk.InputDigest || r.Hash == 0 {
			return nil, sdk.NewError(sdk.ErrInvalid, "sdktest: rsa signs digests")
		}
		switch r.Scheme {
		case sdk.SchemeRSAPKCS1v15:
			return k.signer.Sign(rand.Reader, r.Input, r.Hash)
		case sdk.SchemeRSAPSS:
			return k.signer.Sign(rand.Reader, r.Input, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: r.Hash})
		}
		return nil, sdk.NewError(sdk.ErrInvalid, "sdktest: rsa scheme must be PKCS1V15 or PSS")
	default:
		return nil, sdk.NewError(sdk.ErrUnsupported, fmt.Sprintf("sdktest: %T cannot sign", pub))
	}
}

func (k *fakeKey) decrypt(r sdk.DecryptRequest) ([]byte, error) {
	priv, ok := k.signer.(*rsa.PrivateKey)
	if !ok {
		return nil, sdk.NewError(sdk.ErrUnsupported, "sdktest: only rsa keys decrypt")
	}
	var out []byte
	var err error
	switch r.Padding {
	case sdk.PaddingPKCS1v15:
		//lint:ignore SA1019 the fake agent mirrors the real one, which supports PKCS #1 v1.5 for S/MIME key transport
		out, err = rsa.DecryptPKCS1v15(nil, priv, r.Ciphertext)
	case sdk.PaddingOAEPSHA256:
		out, err = rsa.DecryptOAEP(sha256.New(), nil, priv, r.Ciphertext, nil)
	default:
		return nil, sdk.NewError(sdk.ErrUnsupported, "sdktest: padding not supported")
	}
	if err != nil {
		return nil, sdk.NewError(sdk.ErrInvalid, "sdktest: decryption failed")
	}
	return out, nil
}

func (k *fakeKey) agree(r sdk.AgreeRequest) ([]byte, error) {
	if k.agreer == nil {
		return nil, sdk.NewError(sdk.ErrUnsupported, "sdktest: key cannot agree")
	}
	peer, err := k.agreer.Curve().NewPublicKey(r.PeerPublic)
	if err != nil {
		return nil, sdk.NewError(sdk.ErrInvalid, "sdktest: bad peer public key")
	}
	return k.agreer.ECDH(peer)
}

// keyInfo builds the public description of a private key.
func keyInfo(pub crypto.PublicKey, purposes []string, entryKey string) (sdk.KeyInfo, error) {
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return sdk.KeyInfo{}, fmt.Errorf("sdktest: marshal public key: %w", err)
	}
	return sdk.KeyInfo{
		Handle: newHandle(), Fingerprint: fingerprint(spki), Algorithm: algorithmOf(pub),
		SPKI: spki, Purposes: append([]string(nil), purposes...), EntryKey: entryKey,
	}, nil
}

// mustEd25519 returns a fresh Ed25519 key for tests.
func mustEd25519(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}
