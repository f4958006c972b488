package frost

import (
	"fmt"

	"github.com/mathmesh/mesh/threshold/group"
)

// checkCommitmentList enforces RFC 9591 §5.2 and §5.3: identifiers in
// strictly ascending order (so no duplicates), in range, at least two
// entries, and no element used twice in the list (a replayed commitment).
func checkCommitmentList(list []Commitment) error {
	if len(list) < 1 || len(list) > MaxParticipants {
		return fmt.Errorf("frost: commitment list has %d entries, want 1 to %d", len(list), MaxParticipants)
	}
	seen := make(map[string]int, 2*len(list))
	for i, c := range list {
		if c.ID == 0 || c.ID > MaxParticipants {
			return fmt.Errorf("frost: commitment %d has identifier %d out of range", i, c.ID)
		}
		if i > 0 && c.ID <= list[i-1].ID {
			return fmt.Errorf("frost: commitment %d (identifier %d) is not in strictly ascending order", i, c.ID)
		}
		if c.Hiding == nil || c.Binding == nil || c.Hiding.IsIdentity() || c.Binding.IsIdentity() {
			return fmt.Errorf("frost: commitment of signer %d has a missing or identity element", c.ID)
		}
		for _, e := range []group.Element{c.Hiding, c.Binding} {
			k := string(e.Bytes())
			if j, dup := seen[k]; dup {
				return fmt.Errorf("frost: commitment of signer %d repeats an element of signer %d", c.ID, list[j].ID)
			}
			seen[k] = i
		}
	}
	return nil
}

// encodeCommitmentList is RFC 9591 §4.3 encode_group_commitment_list.
func (cs *Ciphersuite) encodeCommitmentList(list []Commitment) []byte {
	out := make([]byte, 0, len(list)*(cs.g.ScalarLen()+2*cs.g.ElementLen()))
	for _, c := range list {
		out = append(out, cs.idScalar(c.ID).Bytes()...)
		out = append(out, c.Hiding.Bytes()...)
		out = append(out, c.Binding.Bytes()...)
	}
	return out
}

// bindingFactors is RFC 9591 §4.4 compute_binding_factors; the result is in
// the order of list.
func (cs *Ciphersuite) bindingFactors(groupPublic group.Element, list []Commitment, msg []byte) []group.Scalar {
	prefix := groupPublic.Bytes()
	prefix = append(prefix, cs.h4(msg)...)
	prefix = append(prefix, cs.h5(cs.encodeCommitmentList(list))...)
	out := make([]group.Scalar, len(list))
	for i, c := range list {
		out[i] = cs.h1(prefix, cs.idScalar(c.ID).Bytes())
	}
	return out
}

// groupCommitment is RFC 9591 §4.5 compute_group_commitment:
// R = Σ Dᵢ + ρᵢ·Eᵢ (public values, variable time).
func (cs *Ciphersuite) groupCommitment(list []Commitment, rho []group.Scalar) group.Element {
	// Σ D_i + Σ ρ_i·E_i: the hiding commitments have coefficient 1, so they
	// are added directly and only the binding terms go through the
	// (variable-time, public-input) multi-scalar multiplication.
	s := make([]group.Scalar, 0, len(list))
	p := make([]group.Element, 0, len(list))
	hiding := cs.g.NewElement()
	for i, c := range list {
		hiding.Add(hiding, c.Hiding)
		s = append(s, rho[i])
		p = append(p, c.Binding)
	}
	r := cs.g.VarTimeMultiScalarMult(s, p)
	return r.Add(r, hiding)
}

// challenge is RFC 9591 §4.6 compute_challenge: H2(R ‖ PK ‖ msg).
func (cs *Ciphersuite) challenge(r, groupPublic group.Element, msg []byte) group.Scalar {
	return cs.h2(r.Bytes(), groupPublic.Bytes(), msg)
}

func ids(list []Commitment) []uint16 {
	out := make([]uint16, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}
