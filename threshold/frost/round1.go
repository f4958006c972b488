package frost

import (
	"errors"
	"fmt"
	"io"
	"sync"

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
//
// The state lives behind a pointer that every copy shares: a copied
// SigningNonces value (cp := *n) is consumed together with the original, so
// copying cannot turn one nonce pair into two signatures (threshold.md §6
// item 1; a second response with zeroized nonces would be λ·s·c and disclose
// the share, §7 item 4). The zero value is unusable.
type SigningNonces struct {
	_     [0]func()
	state *nonceState
}

type nonceState struct {
	mu         sync.Mutex
	used       bool
	g          group.Group
	id         uint16
	hiding     group.Scalar
	binding    group.Scalar
	commitment Commitment
}

// String redacts the nonces.
func (n *SigningNonces) String() string {
	if n == nil || n.state == nil {
		return "frost.SigningNonces{<empty>}"
	}
	return fmt.Sprintf("frost.SigningNonces{id %d, <redacted>}", n.state.id)
}

// GoString redacts the nonces.
func (n *SigningNonces) GoString() string { return n.String() }

// Format redacts the nonces for every verb.
func (n *SigningNonces) Format(f fmt.State, _ rune) { fmt.Fprint(f, n.String()) }

// Commitment returns the public commitment to send to the coordinator. The
// elements are copies: changing them does not change what Sign checks
// against.
func (n *SigningNonces) Commitment() Commitment {
	if n == nil || n.state == nil {
		return Commitment{}
	}
	c := n.state.commitment
	g := n.state.g
	return Commitment{ID: c.ID, Hiding: g.NewElement().Set(c.Hiding), Binding: g.NewElement().Set(c.Binding)}
}

// take marks the nonces used and hands their scalars to the caller, who must
// zeroize them. It fails if they were used before, through any copy.
func (n *SigningNonces) take() (*nonceState, error) {
	if n == nil || n.state == nil {
		return nil, fmt.Errorf("%w: empty SigningNonces (not made by Commit)", ErrNonceReused)
	}
	st := n.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.used {
		return nil, ErrNonceReused
	}
	st.used = true
	return st, nil
}

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
	st := &nonceState{g: k.cs.g, id: k.id}
	st.hiding = k.cs.h3(hidingRandom, enc)
	st.binding = k.cs.h3(bindingRandom, enc)
	st.commitment = Commitment{
		ID:      k.id,
		Hiding:  k.cs.g.NewElement().ScalarBaseMult(st.hiding),
		Binding: k.cs.g.NewElement().ScalarBaseMult(st.binding),
	}
	return &SigningNonces{state: st}
}
