package frost

import (
	"fmt"
	"math/big"

	"github.com/mathmesh/mesh/threshold/group"
)

// Wire forms (Mesh profile; RFC 9591 leaves them to the application):
//
//	Commitment     = SerializeScalar(id) ‖ SerializeElement(D) ‖ SerializeElement(E)
//	SignatureShare = SerializeScalar(id) ‖ SerializeScalar(z)
//
// the first being exactly one entry of encode_group_commitment_list (§4.3).
// Both are fixed length: 96/171 and 64/114 bytes for Ed25519/Ed448. Fields are
// frozen; a new form gets a new message type.

func (cs *Ciphersuite) decodeID(b []byte) (uint16, error) {
	s, err := cs.g.DecodeScalar(b)
	if err != nil {
		return 0, fmt.Errorf("frost: identifier: %w", err)
	}
	v := group.BigFromLE(s.Bytes())
	if v.Sign() == 0 || v.Cmp(big.NewInt(MaxParticipants)) > 0 {
		return 0, fmt.Errorf("frost: identifier %s out of range 1..%d", v, MaxParticipants)
	}
	return uint16(v.Uint64()), nil
}

// EncodeCommitment serializes c.
func (cs *Ciphersuite) EncodeCommitment(c Commitment) []byte {
	return cs.encodeCommitmentList([]Commitment{c})
}

// DecodeCommitment parses and validates a commitment: canonical identifier in
// range, both elements canonical, in the prime-order subgroup and not the
// identity.
func (cs *Ciphersuite) DecodeCommitment(b []byte) (Commitment, error) {
	ns, ne := cs.g.ScalarLen(), cs.g.ElementLen()
	if len(b) != ns+2*ne {
		return Commitment{}, fmt.Errorf("frost: commitment is %d bytes, want %d", len(b), ns+2*ne)
	}
	id, err := cs.decodeID(b[:ns])
	if err != nil {
		return Commitment{}, err
	}
	d, err := cs.g.DecodeElement(b[ns : ns+ne])
	if err != nil {
		return Commitment{}, fmt.Errorf("frost: hiding commitment of signer %d (offset %d): %w", id, ns, err)
	}
	e, err := cs.g.DecodeElement(b[ns+ne:])
	if err != nil {
		return Commitment{}, fmt.Errorf("frost: binding commitment of signer %d (offset %d): %w", id, ns+ne, err)
	}
	return Commitment{ID: id, Hiding: d, Binding: e}, nil
}

// EncodeSignatureShare serializes s.
func (cs *Ciphersuite) EncodeSignatureShare(s SignatureShare) []byte {
	return append(cs.idScalar(s.ID).Bytes(), s.Share.Bytes()...)
}

// DecodeSignatureShare parses a signature share with canonical scalars.
func (cs *Ciphersuite) DecodeSignatureShare(b []byte) (SignatureShare, error) {
	ns := cs.g.ScalarLen()
	if len(b) != 2*ns {
		return SignatureShare{}, fmt.Errorf("frost: signature share is %d bytes, want %d", len(b), 2*ns)
	}
	id, err := cs.decodeID(b[:ns])
	if err != nil {
		return SignatureShare{}, err
	}
	z, err := cs.g.DecodeScalar(b[ns:])
	if err != nil {
		return SignatureShare{}, fmt.Errorf("frost: share of signer %d (offset %d): %w", id, ns, err)
	}
	return SignatureShare{ID: id, Share: z}, nil
}
