package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// ErrDecryptRefused is returned when the service refuses its half of a
// threshold decryption: the device was revoked (docs/devices.md §3).
var ErrDecryptRefused = errors.New("client: the service refused to decrypt")

// servicedKey is a decryption key granted with degree Service (schema.md
// §5.3): a keys.Agreer whose public key is the whole key and whose Agree
// adds this device's d·E to the service's s·E, which it asks for with
// Operate (protocol.md §4.12, threshold.md §3.3). Partials fetched ahead
// by prefetch (one Operate for many envelopes) are used once and dropped.
// It never prints its share.
type servicedKey struct {
	a     *Account
	share *profile.KeyShare

	mu    sync.Mutex
	ahead map[string][]byte // ephemeral bytes → the service's partial
	// refused is the service's refusal of a batch, returned to every Agree
	// that batch was for.
	refused map[string]error
}

// Algorithm returns the whole key's algorithm.
func (k *servicedKey) Algorithm() keys.Algorithm { return k.share.Primary.Algorithm() }

// Public returns the whole key: the recipient envelopes name.
func (k *servicedKey) Public() keys.PublicKey { return k.share.Primary }

// String names the key without its share.
func (k *servicedKey) String() string { return "servicedKey(" + k.share.String() + ")" }

// GoString names the key without its share.
func (k *servicedKey) GoString() string { return k.String() }

// Format names the key without its share, for every verb.
func (k *servicedKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// Agree returns the agreement of the whole key with peer.
func (k *servicedKey) Agree(peer keys.PublicKey) ([]byte, error) {
	if peer == nil || peer.Algorithm() != k.Algorithm() {
		return nil, fmt.Errorf("client: %s key agreement with a mismatched peer key", k.Algorithm())
	}
	id := string(peer.Bytes())
	k.mu.Lock()
	partial, ok := k.ahead[id]
	refusal := k.refused[id]
	delete(k.ahead, id)
	delete(k.refused, id)
	k.mu.Unlock()
	if refusal != nil {
		return nil, refusal
	}
	if !ok {
		got, err := k.a.operate(context.Background(), []operation{{key: k, peer: peer}})
		if err != nil {
			return nil, err
		}
		if got[0].err != nil {
			return nil, got[0].err
		}
		partial = got[0].partial
	}
	return k.share.Combine(peer, partial)
}

// operation is one key agreement for Operate and its outcome.
type operation struct {
	key     *servicedKey
	peer    keys.PublicKey
	partial []byte
	err     error
}

// operate asks the service for the partials of ops in one Operate request
// per MaxEnvelopesPerRequest operations. A refused operation gets an error
// wrapping ErrDecryptRefused; a refused request (e.g. a revoked device)
// fails as a whole.
func (a *Account) operate(ctx context.Context, ops []operation) ([]operation, error) {
	cred, err := a.credential()
	if err != nil {
		return nil, err
	}
	pc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	for start := 0; start < len(ops); start += protocol.MaxEnvelopesPerRequest {
		batch := ops[start:min(len(ops), start+protocol.MaxEnvelopesPerRequest)]
		req := &protocol.OperateRequest{MeshRequestUser: protocol.MeshRequestUser{Account: a.rec.ProfileUdf},
			AccountAddress: a.rec.AccountAddress}
		for _, op := range batch {
			req.Operations = append(req.Operations, protocol.CryptographicOperation{
				KeyAgreement: &protocol.CryptographicOperationKeyAgreement{
					KeyId: op.key.share.CapabilityID, PublicKey: &keys.Key{PublicKeyECDH: keys.NewPublicKeyECDH(op.peer)}}})
		}
		resp, err := pc.Operate(ctx, cred, req)
		if err != nil {
			return nil, fmt.Errorf("%w with this device's key share: %w", ErrDecryptRefused, err)
		}
		if len(resp.Results) != len(batch) {
			return nil, fmt.Errorf("client: Operate answered %d results for %d operations", len(resp.Results), len(batch))
		}
		for i, r := range resp.Results {
			op := &batch[i]
			switch {
			case r.Error != nil:
				op.err = fmt.Errorf("%w with key share %s: %s", ErrDecryptRefused, op.key.share.CapabilityID, r.Error.Error)
			case r.KeyAgreement == nil || r.KeyAgreement.KeyAgreement == nil || r.KeyAgreement.KeyAgreement.PublicKeyECDH == nil:
				op.err = fmt.Errorf("client: Operate result %d carries no key agreement", i)
			default:
				op.partial = r.KeyAgreement.KeyAgreement.PublicKeyECDH.Public
			}
		}
	}
	return ops, nil
}

// prefetch asks the service, in as few Operate requests as possible, for
// the partials that decrypting envs with the serviced keys in ring will
// need, so that reading a catalog costs one round trip instead of one per
// entry. Envelopes that name none of those keys are skipped.
func (a *Account) prefetch(ctx context.Context, ring *dare.Keyring, envs [][]byte) error {
	byKid := map[string]*servicedKey{}
	for _, k := range ring.Private {
		if sk, ok := k.(*servicedKey); ok {
			byKid[sk.Public().Fingerprint()] = sk
		}
	}
	if len(byKid) == 0 {
		return nil
	}
	var ops []operation
	for _, env := range envs {
		for _, r := range recipientsOf(env) {
			sk, ok := byKid[r.Kid]
			if !ok || r.Epk == nil || r.Epk.PublicKeyECDH == nil {
				continue
			}
			peer, err := keys.ParsePublicKey(sk.Algorithm(), r.Epk.PublicKeyECDH.Public)
			if err != nil {
				continue // Agree reports it when the envelope is opened
			}
			ops = append(ops, operation{key: sk, peer: peer})
			break
		}
	}
	if len(ops) == 0 {
		return nil
	}
	done, err := a.operate(ctx, ops)
	if err != nil {
		return err
	}
	for _, op := range done {
		id := string(op.peer.Bytes())
		op.key.mu.Lock()
		if op.err != nil {
			if op.key.refused == nil {
				op.key.refused = map[string]error{}
			}
			op.key.refused[id] = op.err
		} else {
			if op.key.ahead == nil {
				op.key.ahead = map[string][]byte{}
			}
			op.key.ahead[id] = op.partial
		}
		op.key.mu.Unlock()
	}
	return nil
}

// recipientsOf returns the recipient entries of an envelope's header, or
// none if the header does not parse (the envelope's reader reports that).
func recipientsOf(env []byte) []dare.Recipient {
	r := jsonb.NewReader(bytes.NewReader(env), jsonb.Limits{MaxBytes: MaxEnvelopeHeader})
	t, err := r.Next()
	if err != nil || t.Kind != jsonb.BeginArr {
		return nil
	}
	var h dare.Header
	if err := r.Decode(&h); err != nil {
		return nil
	}
	return h.Recipients
}
