package frost

import (
	"fmt"

	"github.com/mathmesh/mesh/threshold/group"
	"github.com/mathmesh/mesh/threshold/shamir"
)

// ShareError names the signer whose signature share failed verification
// (RFC 9591 §5.4 identifiable abort).
type ShareError struct{ ID uint16 }

func (e *ShareError) Error() string {
	return fmt.Sprintf("frost: signature share of signer %d is invalid", e.ID)
}

// Aggregate is RFC 9591 §5.3 aggregate, run by the coordinator. shares must
// match list one to one, in the same order. The aggregate signature is
// verified; if it fails, each share is verified (§5.4) and the first bad
// signer is reported as a *ShareError. The result is R ‖ z, an RFC 8032
// signature under the group public key.
func (cs *Ciphersuite) Aggregate(pkg *PublicKeyPackage, msg []byte, list []Commitment, shares []SignatureShare) ([]byte, error) {
	if err := pkg.check(); err != nil {
		return nil, err
	}
	if len(msg) > MaxMessageLen {
		return nil, fmt.Errorf("frost: message is %d bytes, limit %d", len(msg), MaxMessageLen)
	}
	if err := checkCommitmentList(list); err != nil {
		return nil, err
	}
	if len(list) < 2 {
		return nil, fmt.Errorf("frost: commitment list has %d entries, need at least 2", len(list))
	}
	if len(shares) != len(list) {
		return nil, fmt.Errorf("frost: %d signature shares for %d commitments", len(shares), len(list))
	}
	for i, s := range shares {
		if s.ID != list[i].ID || s.Share == nil {
			return nil, fmt.Errorf("frost: signature share %d is from signer %d, want signer %d", i, s.ID, list[i].ID)
		}
		if _, ok := pkg.Shares[s.ID]; !ok {
			return nil, fmt.Errorf("frost: signer %d has no verifying share", s.ID)
		}
	}
	rho := cs.bindingFactors(pkg.GroupPublic, list, msg)
	r := cs.groupCommitment(list, rho)
	c := cs.challenge(r, pkg.GroupPublic, msg)
	z := cs.g.NewScalar()
	for _, s := range shares {
		z.Add(z, s.Share)
	}
	// z·B − c·PK = R for a valid signature.
	negC := cs.g.NewScalar().Negate(c)
	check := cs.g.VarTimeDoubleBaseMult(negC, pkg.GroupPublic, z)
	if !check.Equal(r) {
		for i, s := range shares {
			if err := cs.verifyShare(pkg, list, rho, c, i, s); err != nil {
				return nil, err
			}
		}
		return nil, fmt.Errorf("frost: aggregate signature is invalid although every share verifies (fewer signers than the threshold, or an inconsistent public key package)")
	}
	return append(r.Bytes(), z.Bytes()...), nil
}

// verifyShare is RFC 9591 §5.4 verify_signature_share:
// zᵢ·B = Dᵢ + ρᵢ·Eᵢ + (c·λᵢ)·PKᵢ.
func (cs *Ciphersuite) verifyShare(pkg *PublicKeyPackage, list []Commitment, rho []group.Scalar, c group.Scalar, i int, s SignatureShare) error {
	lambda, err := shamir.Lagrange(cs.g, s.ID, ids(list))
	if err != nil {
		return fmt.Errorf("frost: %w", err)
	}
	cl := cs.g.NewScalar().Multiply(c, lambda)
	one := cs.idScalar(1)
	want := cs.g.VarTimeMultiScalarMult(
		[]group.Scalar{one, rho[i], cl},
		[]group.Element{list[i].Hiding, list[i].Binding, pkg.Shares[s.ID]})
	if !cs.g.NewElement().ScalarBaseMult(s.Share).Equal(want) {
		return &ShareError{ID: s.ID}
	}
	return nil
}

// VerifyShare checks one signature share against the public key package, for
// a coordinator that wants to check shares as they arrive.
func (cs *Ciphersuite) VerifyShare(pkg *PublicKeyPackage, msg []byte, list []Commitment, s SignatureShare) error {
	if err := pkg.check(); err != nil {
		return err
	}
	if err := checkCommitmentList(list); err != nil {
		return err
	}
	idx := -1
	for i, c := range list {
		if c.ID == s.ID {
			idx = i
		}
	}
	if idx < 0 || s.Share == nil {
		return fmt.Errorf("frost: signer %d is not in the commitment list", s.ID)
	}
	if _, ok := pkg.Shares[s.ID]; !ok {
		return fmt.Errorf("frost: signer %d has no verifying share", s.ID)
	}
	rho := cs.bindingFactors(pkg.GroupPublic, list, msg)
	c := cs.challenge(cs.groupCommitment(list, rho), pkg.GroupPublic, msg)
	return cs.verifyShare(pkg, list, rho, c, idx, s)
}

func (pkg *PublicKeyPackage) check() error {
	if pkg == nil || pkg.GroupPublic == nil || pkg.GroupPublic.IsIdentity() {
		return fmt.Errorf("frost: public key package has no group public key")
	}
	for id, e := range pkg.Shares {
		if e == nil || e.IsIdentity() {
			return fmt.Errorf("frost: public key package: verifying share of signer %d is missing or the identity", id)
		}
	}
	return nil
}
