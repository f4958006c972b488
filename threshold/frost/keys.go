package frost

import (
	"fmt"
	"io"
	"math/big"

	"github.com/mathmesh/mesh/threshold/group"
	"github.com/mathmesh/mesh/threshold/shamir"
)

// KeyShare is one signer's secret share with its public verifying share and
// the group public key. It is not comparable and never prints the share.
type KeyShare struct {
	_           [0]func()
	cs          *Ciphersuite
	id          uint16
	secret      group.Scalar
	public      group.Element
	groupPublic group.Element
}

// PublicKeyPackage is the public data a coordinator needs: the group public
// key and every signer's verifying share PKᵢ = sᵢ·B.
type PublicKeyPackage struct {
	GroupPublic group.Element
	Shares      map[uint16]group.Element
}

// ID returns the signer identifier.
func (k *KeyShare) ID() uint16 { return k.id }

// GroupPublicKey returns the encoded group public key.
func (k *KeyShare) GroupPublicKey() []byte { return k.groupPublic.Bytes() }

// String redacts the secret share.
func (k *KeyShare) String() string {
	return fmt.Sprintf("frost.KeyShare{%s, id %d, share <redacted>}", k.cs.name, k.id)
}

// GoString redacts the secret share.
func (k *KeyShare) GoString() string { return k.String() }

// Format redacts the secret share for every verb.
func (k *KeyShare) Format(f fmt.State, _ rune) { fmt.Fprint(f, k.String()) }

// NewKeyShare builds a key share from a canonical secret share encoding and
// the encoded group public key, and checks nothing beyond the encodings (the
// share's consistency is checked with a PublicKeyPackage by Aggregate).
func (cs *Ciphersuite) NewKeyShare(id uint16, share, groupPublic []byte) (*KeyShare, error) {
	if id == 0 || id > MaxParticipants {
		return nil, fmt.Errorf("frost: identifier %d out of range 1..%d", id, MaxParticipants)
	}
	s, err := cs.g.DecodeScalar(share)
	if err != nil {
		return nil, fmt.Errorf("frost: share of signer %d: %w", id, err)
	}
	if s.IsZero() {
		return nil, fmt.Errorf("frost: share of signer %d is zero", id)
	}
	pk, err := cs.g.DecodeElement(groupPublic)
	if err != nil {
		return nil, fmt.Errorf("frost: group public key: %w", err)
	}
	return &KeyShare{cs: cs, id: id, secret: s, public: cs.g.NewElement().ScalarBaseMult(s), groupPublic: pk}, nil
}

// Deal splits secret into n shares with threshold t, as the trusted dealer of
// RFC 9591 Appendix C (the Mesh administrator splitting an existing key).
func (cs *Ciphersuite) Deal(secret []byte, t, n int, rand io.Reader) ([]*KeyShare, *PublicKeyPackage, error) {
	s, err := cs.g.DecodeScalar(secret)
	if err != nil {
		return nil, nil, fmt.Errorf("frost: group secret: %w", err)
	}
	if s.IsZero() {
		return nil, nil, fmt.Errorf("frost: group secret is zero")
	}
	if t < 2 || n > MaxParticipants {
		return nil, nil, fmt.Errorf("frost: invalid parameters t=%d n=%d (need 2 <= t <= n <= %d)", t, n, MaxParticipants)
	}
	shares, commitments, err := shamir.Split(cs.g, s, t, n, rand)
	s.Zeroize()
	if err != nil {
		return nil, nil, fmt.Errorf("frost: %w", err)
	}
	return cs.fromShamir(shares, commitments[0])
}

func (cs *Ciphersuite) fromShamir(shares []shamir.Share, groupPublic group.Element) ([]*KeyShare, *PublicKeyPackage, error) {
	pkg := &PublicKeyPackage{GroupPublic: groupPublic, Shares: make(map[uint16]group.Element, len(shares))}
	out := make([]*KeyShare, len(shares))
	for i, sh := range shares {
		if sh.Value.IsZero() {
			return nil, nil, fmt.Errorf("frost: share %d is zero; draw again", sh.ID)
		}
		pub := cs.g.NewElement().ScalarBaseMult(sh.Value)
		out[i] = &KeyShare{cs: cs, id: sh.ID, secret: sh.Value, public: pub, groupPublic: groupPublic}
		pkg.Shares[sh.ID] = pub
	}
	return out, pkg, nil
}

// FromAdditive turns an additive n-of-n split s = s₁ + … + sₙ (the Mesh
// device/service overlay, threshold.md §3.2–3.3) into FROST key shares with
// identifiers 1…n and threshold n: ŝᵢ = sᵢ/λᵢ, so that Σ λᵢŝᵢ = s
// (threshold.md §5, "Additive 2-of-2 shares map onto FROST directly"). The
// shares are canonical scalar encodings (raw scalars, never seeds).
func (cs *Ciphersuite) FromAdditive(additive [][]byte) ([]*KeyShare, *PublicKeyPackage, error) {
	n := len(additive)
	if n < 2 || n > MaxParticipants {
		return nil, nil, fmt.Errorf("frost: %d additive shares, want 2 to %d", n, MaxParticipants)
	}
	ids := make([]uint16, n)
	for i := range ids {
		ids[i] = uint16(i + 1)
	}
	order := cs.g.Order()
	shares := make([]shamir.Share, n)
	groupPublic := cs.g.NewElement()
	for i, b := range additive {
		s, err := cs.g.DecodeScalar(b)
		if err != nil {
			return nil, nil, fmt.Errorf("frost: additive share %d: %w", i, err)
		}
		groupPublic.Add(groupPublic, cs.g.NewElement().ScalarBaseMult(s))
		lambda, err := shamir.Lagrange(cs.g, ids[i], ids)
		if err != nil {
			return nil, nil, fmt.Errorf("frost: %w", err)
		}
		inv := new(big.Int).ModInverse(group.BigFromLE(lambda.Bytes()), order)
		shares[i] = shamir.Share{ID: ids[i], Value: s.Multiply(s, cs.g.ScalarFromBig(inv))}
	}
	if groupPublic.IsIdentity() {
		return nil, nil, fmt.Errorf("frost: additive shares sum to zero")
	}
	return cs.fromShamir(shares, groupPublic)
}
