package threshold

import (
	"crypto/sha3"
	"crypto/sha512"
	"fmt"

	"filippo.io/edwards25519"
	"github.com/cloudflare/circl/ecc/goldilocks"
	"github.com/mathmesh/mesh/internal/rfc8032"
)

// Signer makes RFC 8032 signatures (pure Ed25519, §5.1.6; Ed448, §5.2.6)
// from an explicit scalar and secret prefix, as combined (overlaid) Edwards
// keys need (threshold.md §3.2 and §4.3): there is no seed behind the scalar.
// It never prints its secrets.
type Signer struct {
	_      [0]func()
	key    *PrivateKey
	prefix []byte
	public []byte
}

// String redacts the key.
func (s *Signer) String() string {
	return fmt.Sprintf("threshold.Signer{%s, <redacted>}", s.key.curve.name)
}

// GoString redacts the key.
func (s *Signer) GoString() string { return s.String() }

// Format redacts the key for every verb.
func (s *Signer) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }

// prefixLabel domain-separates the derived prefix of combined keys.
const prefixLabel = "Mesh-threshold-RFC8032-prefix-v1"

// DerivePrefix returns the secret nonce prefix the Mesh uses for a combined
// key with no seed (threshold.md §4.3 and §9, our choice): the first 32
// (Ed25519) or 57 (Ed448) bytes of SHA-512 / SHAKE256 over the label and the
// scalar. It is secret and key-specific; verifiers never see it.
func (k *PrivateKey) DerivePrefix() []byte {
	enc := k.s.Bytes()
	defer clear(enc)
	if k.curve == Ed448 {
		out := make([]byte, 57)
		h := sha3.NewSHAKE256()
		h.Write([]byte(prefixLabel))
		h.Write(enc)
		h.Read(out)
		return out
	}
	h := sha512.New()
	h.Write([]byte(prefixLabel))
	h.Write(enc)
	return h.Sum(nil)[:32]
}

// NewSigner builds a signer from an Ed25519 or Ed448 key and its prefix (32
// or 57 bytes; from PrivateKeyFromRFC8032Seed or DerivePrefix).
func NewSigner(k *PrivateKey, prefix []byte) (*Signer, error) {
	if err := checkKey("signing key", k); err != nil {
		return nil, err
	}
	want := map[*Curve]int{Ed25519: 32, Ed448: 57}[k.curve]
	if want == 0 {
		return nil, fmt.Errorf("threshold: %s keys do not sign", k.curve.name)
	}
	if k.id != 0 {
		return nil, fmt.Errorf("threshold: Shamir share %d cannot sign alone; use package frost", k.id)
	}
	if len(prefix) != want {
		return nil, fmt.Errorf("threshold: %s prefix is %d bytes, want %d", k.curve.name, len(prefix), want)
	}
	return &Signer{key: k, prefix: append([]byte(nil), prefix...), public: k.Public()}, nil
}

// Public returns the RFC 8032 public key.
func (s *Signer) Public() []byte { return append([]byte(nil), s.public...) }

// Sign signs msg as pure Ed25519 or Ed448 with an empty context.
func (s *Signer) Sign(msg []byte) ([]byte, error) { return s.SignContext(msg, nil) }

// SignContext signs msg; ctx is the Ed448 context (at most 255 bytes). For
// Ed25519 ctx must be empty (pure Ed25519; Ed25519ctx is not offered, see
// threshold.md §7 item 3). The RFC 8032 arithmetic (§5.1.6, §5.2.6) is in
// internal/rfc8032, shared with package keys.
func (s *Signer) SignContext(msg, ctx []byte) ([]byte, error) {
	if len(msg) > MaxSignMessageLen {
		return nil, fmt.Errorf("threshold: message is %d bytes, limit %d", len(msg), MaxSignMessageLen)
	}
	enc := s.key.s.Bytes()
	defer clear(enc)
	if s.key.curve == Ed25519 {
		if len(ctx) != 0 {
			return nil, fmt.Errorf("threshold: Ed25519 signing takes no context")
		}
		sc, err := edwards25519.NewScalar().SetCanonicalBytes(enc)
		if err != nil {
			panic("threshold: internal error: " + err.Error())
		}
		defer sc.Set(edwards25519.NewScalar())
		return rfc8032.SignEd25519(sc, s.prefix, s.public, msg), nil
	}
	if len(ctx) > rfc8032.MaxEd448ContextBytes {
		return nil, fmt.Errorf("threshold: Ed448 context is %d bytes, limit %d", len(ctx), rfc8032.MaxEd448ContextBytes)
	}
	var sc goldilocks.Scalar
	defer clear(sc[:])
	sc.FromBytes(enc)
	return rfc8032.SignEd448(&sc, s.prefix, s.public, ctx, msg), nil
}
