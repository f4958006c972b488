package threshold

import (
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/threshold/group"
	"github.com/mathmesh/mesh/threshold/shamir"
)

// Partial is a share holder's contribution to a threshold decryption
// (threshold-06 §3.2, threshold.md §3.3 step 4): sᵢ·E for the ephemeral E,
// as a full point in the curve's signed form so that the combiner can add it.
// E is validated first: a small-order component would otherwise leak sᵢ mod
// the cofactor (threshold.md §4.6). The key must be an additive share.
func (k *PrivateKey) Partial(ephemeral []byte) ([]byte, error) {
	if k.id != 0 {
		return nil, fmt.Errorf("threshold: Shamir share %d needs the participant list; use ShamirPartial", k.id)
	}
	e, err := k.curve.DecodePoint("ephemeral", ephemeral)
	if err != nil {
		return nil, err
	}
	return k.curve.EncodePoint(k.curve.g.NewElement().ScalarMult(k.s, e))
}

// ShamirPartial is the t-of-n form: (λᵢ·sᵢ)·E, with λᵢ computed here from the
// announced participants, never taken from the requester (threshold.md §4.7).
func (k *PrivateKey) ShamirPartial(ephemeral []byte, participants []uint16) ([]byte, error) {
	if k.id == 0 {
		return nil, fmt.Errorf("threshold: additive share has no identifier; use Partial")
	}
	lambda, err := shamir.Lagrange(k.curve.g, k.id, participants)
	if err != nil {
		return nil, fmt.Errorf("threshold: %w", err)
	}
	e, err := k.curve.DecodePoint("ephemeral", ephemeral)
	if err != nil {
		return nil, err
	}
	w := lambda.Multiply(lambda, k.s)
	defer w.Zeroize()
	return k.curve.EncodePoint(k.curve.g.NewElement().ScalarMult(w, e))
}

// CombinePartials adds the partial results as points (result combination
// law, threshold-06 §3.1) and returns the IKM of the whole key's agreement:
// exactly what the encryptor computed. Every partial is validated.
func (c *Curve) CombinePartials(partials ...[]byte) ([]byte, error) {
	if len(partials) < 1 || len(partials) > MaxShares {
		return nil, fmt.Errorf("threshold: %d partials, want 1 to %d", len(partials), MaxShares)
	}
	sum := c.g.NewElement()
	if err := c.addPartials(sum, partials, false); err != nil {
		return nil, err
	}
	return c.ikmOf(sum)
}

// Decrypt is the device side of threshold decryption (threshold.md §3.3
// step 5): its own additive share applied to E plus the received partials.
func (k *PrivateKey) Decrypt(ephemeral []byte, partials ...[]byte) ([]byte, error) {
	if k.id != 0 {
		return nil, fmt.Errorf("threshold: Shamir share %d: combine ShamirPartial results with CombinePartials", k.id)
	}
	if len(partials) < 1 || len(partials) >= MaxShares {
		return nil, fmt.Errorf("threshold: %d partials, want 1 to %d", len(partials), MaxShares-1)
	}
	e, err := k.curve.DecodePoint("ephemeral", ephemeral)
	if err != nil {
		return nil, err
	}
	sum := k.curve.g.NewElement().ScalarMult(k.s, e)
	if err := k.curve.addPartials(sum, partials, true); err != nil {
		return nil, err
	}
	return k.curve.ikmOf(sum)
}

// addPartials decodes and validates every partial and adds it to sum. Two
// equal contributions (among the partials, or a partial equal to sum itself
// when sum is the caller's own contribution) mean a replayed or mismatched
// share set: distinct shares give distinct points except with negligible
// probability, so the sum would be a wrong agreement. They are refused.
func (c *Curve) addPartials(sum group.Element, partials [][]byte, sumIsOwn bool) error {
	seen := make([]group.Element, 0, len(partials))
	for i, p := range partials {
		e, err := c.DecodePoint(fmt.Sprintf("partial %d", i), p)
		if err != nil {
			return err
		}
		for j, q := range seen {
			if e.Equal(q) {
				return fmt.Errorf("%w: %s partials %d and %d are the same point (replayed or mismatched share set)", ErrMismatchedShares, c.name, j, i)
			}
		}
		if sumIsOwn && e.Equal(sum) {
			return fmt.Errorf("%w: %s partial %d equals the combiner's own contribution", ErrMismatchedShares, c.name, i)
		}
		seen = append(seen, e)
	}
	for _, e := range seen {
		sum.Add(sum, e)
	}
	return nil
}

// ErrMismatchedShares reports partial results that cannot come from one
// consistent share set.
var ErrMismatchedShares = errors.New("threshold: mismatched share set")
