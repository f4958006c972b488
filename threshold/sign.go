package threshold

import (
	"crypto/sha3"
	"crypto/sha512"
	"fmt"

	"github.com/mathmesh/mesh/threshold/group"
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
// threshold.md §7 item 3).
func (s *Signer) SignContext(msg, ctx []byte) ([]byte, error) {
	if len(msg) > MaxSignMessageLen {
		return nil, fmt.Errorf("threshold: message is %d bytes, limit %d", len(msg), MaxSignMessageLen)
	}
	var dom []byte
	var hash func(parts ...[]byte) []byte
	switch s.key.curve {
	case Ed25519:
		if len(ctx) != 0 {
			return nil, fmt.Errorf("threshold: Ed25519 signing takes no context")
		}
		hash = func(parts ...[]byte) []byte {
			h := sha512.New()
			for _, p := range parts {
				h.Write(p)
			}
			return h.Sum(nil)
		}
	default:
		if len(ctx) > 255 {
			return nil, fmt.Errorf("threshold: Ed448 context is %d bytes, limit 255", len(ctx))
		}
		dom = append([]byte("SigEd448\x00"), byte(len(ctx)))
		dom = append(dom, ctx...)
		hash = func(parts ...[]byte) []byte {
			h := sha3.NewSHAKE256()
			for _, p := range parts {
				h.Write(p)
			}
			out := make([]byte, 114)
			h.Read(out)
			return out
		}
	}
	g := s.key.curve.g
	// r = H(dom ‖ prefix ‖ M) mod L; R = r·B; k = H(dom ‖ R ‖ A ‖ M); S = r + k·s.
	r := mustWide(g, hash(dom, s.prefix, msg))
	defer r.Zeroize()
	R := g.NewElement().ScalarBaseMult(r).Bytes()
	k := mustWide(g, hash(dom, R, s.public, msg))
	S := g.NewScalar().Multiply(k, s.key.s)
	S.Add(S, r)
	return append(R, S.Bytes()...), nil
}

func mustWide(g group.Group, h []byte) group.Scalar {
	s, err := g.ScalarFromWide(h)
	if err != nil {
		panic("internal error: " + err.Error())
	}
	return s
}
