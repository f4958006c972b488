package frost

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/mathmesh/mesh/threshold/group"
)

// ErrNonceReused is returned when SigningNonces are used for a second Sign.
var ErrNonceReused = errors.New("frost: signing nonces already used")

// Commitment is a signer's public round-one output (Dᵢ, Eᵢ).
type Commitment struct {
	ID      uint16
	Hiding  group.Element
	Binding group.Element
}

// SigningNonces is a signer's secret round-one state. It is single use: the
// first Sign consumes it, zeroizes the scalars and every later Sign fails
// with ErrNonceReused. It never prints the nonces.
type SigningNonces struct {
	_          [0]func()
	id         uint16
	hiding     group.Scalar
	binding    group.Scalar
	commitment Commitment
	used       atomic.Bool
}

// String redacts the nonces.
func (n *SigningNonces) String() string {
	return fmt.Sprintf("frost.SigningNonces{id %d, <redacted>}", n.id)
}

// GoString redacts the nonces.
func (n *SigningNonces) GoString() string { return n.String() }

// Format redacts the nonces for every verb.
func (n *SigningNonces) Format(f fmt.State, _ rune) { fmt.Fprint(f, n.String()) }

// Commitment returns the public commitment to send to the coordinator.
func (n *SigningNonces) Commitment() Commitment { return n.commitment }

// Commit is RFC 9591 §5.1 commit: two hedged nonces and their commitments.
func (k *KeyShare) Commit(rand io.Reader) (*SigningNonces, error) {
	var rh, rb [32]byte
	defer clear(rh[:])
	defer clear(rb[:])
	if _, err := io.ReadFull(rand, rh[:]); err != nil {
		return nil, fmt.Errorf("frost: reading randomness: %w", err)
	}
	if _, err := io.ReadFull(rand, rb[:]); err != nil {
		return nil, fmt.Errorf("frost: reading randomness: %w", err)
	}
	return k.commitWithRandomness(rh[:], rb[:]), nil
}

// commitWithRandomness is commit with the random_bytes(32) of
// nonce_generate (RFC 9591 §4.1) supplied, for the Appendix E vectors.
func (k *KeyShare) commitWithRandomness(hidingRandom, bindingRandom []byte) *SigningNonces {
	enc := k.secret.Bytes()
	defer clear(enc)
	n := &SigningNonces{id: k.id}
	n.hiding = k.cs.h3(hidingRandom, enc)
	n.binding = k.cs.h3(bindingRandom, enc)
	n.commitment = Commitment{
		ID:      k.id,
		Hiding:  k.cs.g.NewElement().ScalarBaseMult(n.hiding),
		Binding: k.cs.g.NewElement().ScalarBaseMult(n.binding),
	}
	return n
}
