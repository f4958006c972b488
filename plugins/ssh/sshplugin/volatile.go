package sshplugin

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Keys typed into ssh-add are handed to mesh-agent, which keeps them in
// memory only, never syncs them, and enforces their constraints: -t
// (LifetimeSecs) and -c (ConfirmBeforeUse) and destination restrictions
// (plugins.md §2.3 Keys.ImportVolatile, §3 item 5). The plugin keeps no
// copy: it clears the private key it parsed once mesh-agent has it.

// Add answers SSH_AGENTC_ADD_IDENTITY and ADD_ID_CONSTRAINED. Key types
// other than Ed25519, ECDSA and RSA were already refused by the wire
// parser (agent.ServeAgent answers a key type it cannot parse with failure).
func (a *connAgent) Add(k agent.AddedKey) error {
	defer clearPrivate(k.PrivateKey)
	if err := checkAddable(k); err != nil {
		a.srv.logf("add", err)
		return err
	}
	ctx, cancel := context.WithTimeout(a.ctx, ImportTimeout)
	defer cancel()
	if _, err := a.srv.backend.ImportVolatile(ctx, k); err != nil {
		err = fmt.Errorf("sshplugin: adding the key to mesh-agent: %w", err)
		a.srv.logf("add", err)
		return err
	}
	a.srv.cache.invalidate()
	return nil
}

// checkAddable refuses keys the plugin cannot list or that could not
// sign: unknown private key types, private keys whose public half does not
// belong to them (the wire parser does not check it for Ed25519 and
// ECDSA), and certificates for another key.
func checkAddable(k agent.AddedKey) error {
	signer, err := ssh.NewSignerFromKey(k.PrivateKey)
	if err != nil {
		return fmt.Errorf("sshplugin: ssh-add: unsupported private key type %T: %w", k.PrivateKey, err)
	}
	if err := checkConsistent(k.PrivateKey); err != nil {
		return fmt.Errorf("sshplugin: ssh-add: %w", err)
	}
	if k.Certificate != nil && string(k.Certificate.Key.Marshal()) != string(signer.PublicKey().Marshal()) {
		return fmt.Errorf("sshplugin: ssh-add: the certificate is for another %s key", k.Certificate.Key.Type())
	}
	return nil
}

// checkConsistent checks that a private key's public half is its own.
func checkConsistent(priv any) error {
	switch p := priv.(type) {
	case *ed25519.PrivateKey:
		return checkEd25519(*p)
	case ed25519.PrivateKey:
		return checkEd25519(p)
	case *ecdsa.PrivateKey:
		e, err := p.ECDH()
		if err != nil {
			return fmt.Errorf("the ECDSA private key is invalid: %w", err)
		}
		pub, err := p.PublicKey.ECDH()
		if err != nil || !pub.Equal(e.PublicKey()) {
			return errors.New("the ECDSA public key does not match the private key")
		}
	}
	return nil
}

func checkEd25519(p ed25519.PrivateKey) error {
	if len(p) != ed25519.PrivateKeySize {
		return fmt.Errorf("the Ed25519 private key is %d bytes, want %d", len(p), ed25519.PrivateKeySize)
	}
	want := ed25519.NewKeyFromSeed(p.Seed())
	defer clear(want)
	if subtle.ConstantTimeCompare(want, p) != 1 {
		return errors.New("the Ed25519 public key does not match the private key")
	}
	return nil
}

// Remove answers SSH_AGENTC_REMOVE_IDENTITY (ssh-add -d): only volatile
// keys can be removed; Mesh keys belong to the account's catalog.
func (a *connAgent) Remove(key ssh.PublicKey) error {
	s, err := a.srv.cache.get(a.ctx)
	if err != nil {
		return err
	}
	e := s.byBlob[string(key.Marshal())]
	if e == nil {
		return fmt.Errorf("%w: %s", ErrUnknownKey, key.Type())
	}
	if !e.Volatile {
		return fmt.Errorf("%w (key %q)", ErrNotVolatile, e.Comment)
	}
	ctx, cancel := context.WithTimeout(a.ctx, ImportTimeout)
	defer cancel()
	if err := a.srv.backend.RemoveVolatile(ctx, e.Handle); err != nil {
		err = fmt.Errorf("sshplugin: removing key %q: %w", e.Comment, err)
		a.srv.logf("remove", err)
		return err
	}
	a.srv.cache.invalidate()
	return nil
}

// RemoveAll answers SSH_AGENTC_REMOVE_ALL_IDENTITIES (ssh-add -D): every
// volatile key is forgotten; Mesh keys stay.
func (a *connAgent) RemoveAll() error {
	ctx, cancel := context.WithTimeout(a.ctx, ImportTimeout)
	defer cancel()
	if err := a.srv.backend.RemoveAllVolatile(ctx); err != nil {
		err = fmt.Errorf("sshplugin: removing the ssh-add keys: %w", err)
		a.srv.logf("remove-all", err)
		return err
	}
	a.srv.cache.invalidate()
	return nil
}

// clearPrivate overwrites the secret parts of a parsed private key.
func clearPrivate(k any) {
	switch p := k.(type) {
	case *ed25519.PrivateKey:
		if p != nil {
			clear(*p)
		}
	case ed25519.PrivateKey:
		clear(p)
	case *ecdsa.PrivateKey:
		if p != nil {
			//lint:ignore SA1019 clearing the secret scalar of a key we are discarding; D is the only handle on it
			clearInt(p.D)
		}
	case *rsa.PrivateKey:
		if p != nil {
			clearInt(p.D)
			for _, q := range p.Primes {
				clearInt(q)
			}
			clearInt(p.Precomputed.Dp)
			clearInt(p.Precomputed.Dq)
			clearInt(p.Precomputed.Qinv)
		}
	}
}

func clearInt(i *big.Int) {
	if i != nil {
		clear(i.Bits())
	}
}
