package frost

import (
	"fmt"

	"github.com/mathmesh/mesh/threshold/group"
	"github.com/mathmesh/mesh/threshold/shamir"
)

// SignatureShare is a signer's round-two output zᵢ.
type SignatureShare struct {
	ID    uint16
	Share group.Scalar
}

// Sign is RFC 9591 §5.2 sign: zᵢ = dᵢ + eᵢ·ρᵢ + λᵢ·sᵢ·c. It consumes nonces
// whatever the outcome; a second call fails with ErrNonceReused. It checks
// that list is well formed and holds this signer's own commitment unchanged,
// and computes λᵢ itself from the identifiers in list.
func (k *KeyShare) Sign(nonces *SigningNonces, msg []byte, list []Commitment) (SignatureShare, error) {
	st, err := nonces.take()
	if err != nil {
		return SignatureShare{}, err
	}
	defer st.hiding.Zeroize()
	defer st.binding.Zeroize()
	if st.hiding.IsZero() || st.binding.IsZero() {
		// Cannot happen for nonces from Commit; refuse rather than answer
		// with λ·s·c, which is the share in clear (threshold.md §7 item 4).
		return SignatureShare{}, fmt.Errorf("frost: signer %d: zero nonce refused", k.id)
	}
	if st.id != k.id {
		return SignatureShare{}, fmt.Errorf("frost: nonces of signer %d used by signer %d", st.id, k.id)
	}
	if len(msg) > MaxMessageLen {
		return SignatureShare{}, fmt.Errorf("frost: message is %d bytes, limit %d", len(msg), MaxMessageLen)
	}
	if err := checkCommitmentList(list); err != nil {
		return SignatureShare{}, err
	}
	if len(list) < 2 {
		return SignatureShare{}, fmt.Errorf("frost: commitment list has %d entries, need at least 2", len(list))
	}
	self := -1
	for i, c := range list {
		if c.ID == k.id {
			self = i
		}
	}
	if self < 0 {
		return SignatureShare{}, fmt.Errorf("frost: signer %d is not in the commitment list", k.id)
	}
	own := list[self]
	if own.Hiding == nil || own.Binding == nil || !own.Hiding.Equal(st.commitment.Hiding) || !own.Binding.Equal(st.commitment.Binding) {
		return SignatureShare{}, fmt.Errorf("frost: commitment list entry of signer %d does not match its nonces", k.id)
	}
	rho := k.cs.bindingFactors(k.groupPublic, list, msg)
	r := k.cs.groupCommitment(list, rho)
	lambda, err := shamir.Lagrange(k.cs.g, k.id, ids(list))
	if err != nil {
		return SignatureShare{}, fmt.Errorf("frost: %w", err)
	}
	c := k.cs.challenge(r, k.groupPublic, msg)
	g := k.cs.g
	z := g.NewScalar().Multiply(st.binding, rho[self])
	z.Add(z, st.hiding)
	t := g.NewScalar().Multiply(lambda, k.secret)
	t.Multiply(t, c)
	z.Add(z, t)
	t.Zeroize()
	return SignatureShare{ID: k.id, Share: z}, nil
}
