package profile

import (
	cryptorand "crypto/rand"
	"fmt"
	"io"
	"sync"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// seedKeys derives the named keys of one seed (schema.md §2.4, udf.md §6):
// keys.KeyName(type, actor, op) with the default algorithm of the seed for
// the operation. It never prints the seed.
type seedKeys struct {
	seed string
	alg  udf.AlgID

	mu    sync.Mutex
	cache map[string]keys.PrivateKey
}

// newSeedKeys checks a seed UDF: a derived-key seed of algorithm want.
func newSeedKeys(seed string, want udf.AlgID) (*seedKeys, error) {
	if len(seed) > keys.MaxSeedLength {
		return nil, fmt.Errorf("profile: seed of %d characters exceeds the limit of %d", len(seed), keys.MaxSeedLength)
	}
	alg, _, err := udf.ParseSeed(seed)
	if err != nil {
		return nil, fmt.Errorf("profile: seed: %w", err)
	}
	if alg != want {
		return nil, fmt.Errorf("profile: seed is for %s, want %s", alg, want)
	}
	return &seedKeys{seed: seed, alg: alg, cache: map[string]keys.PrivateKey{}}, nil
}

// drawSeed returns a fresh seed for alg (udf.md §5.5).
func drawSeed(rand io.Reader, alg udf.AlgID) (string, error) {
	if rand == nil {
		rand = cryptorand.Reader
	}
	s, err := udf.NewSeed(rand, alg)
	if err != nil {
		return "", fmt.Errorf("profile: drawing a %s seed: %w", alg, err)
	}
	return s, nil
}

// key derives (once) the key named typ+actor+op+extra.
func (s *seedKeys) key(typ keys.TypeLabel, actor keys.ActorLabel, op keys.Operation, extra string) (keys.PrivateKey, error) {
	name := keys.KeyName(typ, actor, op) + extra
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.cache[name]; ok {
		return k, nil
	}
	k, err := keys.DeriveFromSeed(s.seed, name, keys.DefaultAlgorithm(s.alg, op))
	if err != nil {
		return nil, fmt.Errorf("profile: deriving %s: %w", name, err)
	}
	s.cache[name] = k
	return k, nil
}

// signer derives a signature key.
func (s *seedKeys) signer(typ keys.TypeLabel, actor keys.ActorLabel, op keys.Operation) (keys.Signer, error) {
	k, err := s.key(typ, actor, op, "")
	if err != nil {
		return nil, err
	}
	sg, ok := k.(keys.Signer)
	if !ok {
		return nil, fmt.Errorf("profile: %s key %s cannot sign", keys.KeyName(typ, actor, op), k.Algorithm())
	}
	return sg, nil
}

// agreer derives an encryption or authentication key.
func (s *seedKeys) agreer(typ keys.TypeLabel, actor keys.ActorLabel, op keys.Operation, extra string) (keys.Agreer, error) {
	k, err := s.key(typ, actor, op, extra)
	if err != nil {
		return nil, err
	}
	ag, ok := k.(keys.Agreer)
	if !ok {
		return nil, fmt.Errorf("profile: %s key %s cannot agree", keys.KeyName(typ, actor, op)+extra, k.Algorithm())
	}
	return ag, nil
}

// keyData returns the public KeyData of a derived key.
func (s *seedKeys) keyData(typ keys.TypeLabel, actor keys.ActorLabel, op keys.Operation) (*keys.KeyData, error) {
	k, err := s.key(typ, actor, op, "")
	if err != nil {
		return nil, err
	}
	return keys.NewKeyData(k.Public()), nil
}

// redacted is what the secret types print.
func redacted(kind, id string) string { return kind + "(" + id + ", secrets redacted)" }
