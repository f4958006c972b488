package sdk

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"io"
)

// remoteSigner is a crypto.Signer whose private key stays in the agent: every
// Sign is one operation on the key channel it was made from.
type remoteSigner struct {
	ch      *channel
	key     KeyInfo
	pub     crypto.PublicKey
	purpose string
}

// remoteDecrypter is the crypto.Decrypter counterpart for RSA keys.
type remoteDecrypter struct {
	remoteSigner
}

func (c *channel) remote(key KeyInfo, purpose string) (remoteSigner, error) {
	if !key.HasPurpose(purpose) {
		return remoteSigner{}, NewError(ErrInvalid, fmt.Sprintf("sdk: key %s has no purpose %q", key.Handle, purpose))
	}
	pub, err := key.PublicKey()
	if err != nil {
		return remoteSigner{}, NewError(ErrInvalid, "sdk: "+err.Error()).WithCause(err)
	}
	return remoteSigner{ch: c, key: key, pub: pub, purpose: purpose}, nil
}

// Signer returns a crypto.Signer for key on this channel. Its Sign maps the
// options to the contract: Ed25519 signs the message (opts.HashFunc() must be
// 0), ECDSA and RSA sign a digest of opts.HashFunc(), *rsa.PSSOptions selects
// RSA-PSS with the salt length equal to the hash length.
func (c *channel) Signer(key KeyInfo, purpose string) (crypto.Signer, error) {
	r, err := c.remote(key, purpose)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Decrypter returns a crypto.Decrypter for an RSA key on this channel.
func (c *channel) Decrypter(key KeyInfo, purpose string) (crypto.Decrypter, error) {
	r, err := c.remote(key, purpose)
	if err != nil {
		return nil, err
	}
	if _, ok := r.pub.(*rsa.PublicKey); !ok {
		return nil, NewError(ErrUnsupported, fmt.Sprintf("sdk: key %s (%s) cannot decrypt; use Agree", key.Handle, key.Algorithm))
	}
	return &remoteDecrypter{r}, nil
}

func (s *remoteSigner) Public() crypto.PublicKey { return s.pub }

func (s *remoteSigner) Sign(_ io.Reader, input []byte, opts crypto.SignerOpts) ([]byte, error) {
	req := SignRequest{Handle: s.key.Handle, Input: input, Purpose: s.purpose, InputKind: InputDigest}
	if opts != nil {
		req.Hash = opts.HashFunc()
	}
	switch s.pub.(type) {
	case ed25519.PublicKey:
		if req.Hash != 0 {
			return nil, NewError(ErrUnsupported, "sdk: Ed25519ph is not supported; sign the message with crypto.Hash(0)")
		}
		req.InputKind, req.Scheme = InputMessage, SchemeEd25519
	case *ecdsa.PublicKey:
		req.Scheme = SchemeECDSA
	case *rsa.PublicKey:
		req.Scheme = SchemeRSAPKCS1v15
		if _, ok := opts.(*rsa.PSSOptions); ok {
			req.Scheme = SchemeRSAPSS
		}
	default:
		return nil, NewError(ErrUnsupported, fmt.Sprintf("sdk: key %s (%s) cannot sign", s.key.Handle, s.key.Algorithm))
	}
	if req.InputKind == InputDigest && (req.Hash == 0 || len(input) != req.Hash.Size()) {
		return nil, NewError(ErrInvalid, fmt.Sprintf("sdk: digest of %d bytes does not match hash %v", len(input), req.Hash))
	}
	return s.ch.Sign(s.ch.ctx, req)
}

func (d *remoteDecrypter) Decrypt(_ io.Reader, msg []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	req := DecryptRequest{Handle: d.key.Handle, Ciphertext: msg, Purpose: d.purpose, Padding: PaddingPKCS1v15}
	switch o := opts.(type) {
	case nil:
	//lint:ignore SA1019 callers (S/MIME) pass these options for PKCS #1 v1.5 key transport
	case *rsa.PKCS1v15DecryptOptions:
		if o.SessionKeyLen != 0 {
			return nil, NewError(ErrUnsupported, "sdk: PKCS1v15DecryptOptions.SessionKeyLen is not supported")
		}
	case *rsa.OAEPOptions:
		if len(o.Label) != 0 || (o.MGFHash != 0 && o.MGFHash != o.Hash) {
			return nil, NewError(ErrUnsupported, "sdk: OAEP labels and a separate MGF hash are not supported")
		}
		switch o.Hash {
		case crypto.SHA1:
			req.Padding = PaddingOAEPSHA1
		case crypto.SHA256:
			req.Padding = PaddingOAEPSHA256
		default:
			return nil, NewError(ErrUnsupported, fmt.Sprintf("sdk: OAEP with %v is not supported", o.Hash))
		}
	default:
		return nil, NewError(ErrUnsupported, fmt.Sprintf("sdk: decrypter options %T are not supported", opts))
	}
	return d.ch.Decrypt(d.ch.ctx, req)
}

var (
	_ crypto.Signer    = (*remoteSigner)(nil)
	_ crypto.Decrypter = (*remoteDecrypter)(nil)
)
