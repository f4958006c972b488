// Package shamir is Shamir secret sharing of scalars over the order L of an
// edwards25519 or edwards448 group, with Lagrange interpolation at zero.
//
// Design: ../../../shared/spec/threshold.md §3.8 item 2 and §4.7
// (threshold-06 §4); the polynomial and share layout follow RFC 9591
// Appendix C (trusted dealer): share i is f(i), identifiers 1…n.
// Coefficients and shares stay in constant-time scalar types; math/big is used
// only for the public Lagrange coefficients.
package shamir

import (
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/mathmesh/mesh/threshold/group"
)

// MaxShares bounds n (and therefore any participant list).
const MaxShares = 255

// Share is one point (ID, f(ID)) of the sharing polynomial. Value is secret.
type Share struct {
	ID    uint16
	Value group.Scalar
}

// String redacts the secret value.
func (s Share) String() string { return fmt.Sprintf("shamir.Share{ID: %d, Value: <redacted>}", s.ID) }

// GoString redacts the secret value.
func (s Share) GoString() string { return s.String() }

// ErrTooFewShares is returned when fewer shares than the threshold are given.
var ErrTooFewShares = errors.New("shamir: too few shares")

// Split shares secret among n holders with threshold t (RFC 9591 Appendix C.1
// secret_share_shard): f(x) = secret + a₁x + … + a_{t−1}x^{t−1} with uniform
// aⱼ; share i is f(i). It returns the shares and the coefficients' public
// commitments aⱼ·B (j = 0…t−1, the VSS commitment of RFC 9591 Appendix C.2).
func Split(g group.Group, secret group.Scalar, t, n int, rand io.Reader) ([]Share, []group.Element, error) {
	if t < 1 || n < t || n > MaxShares {
		return nil, nil, fmt.Errorf("shamir: invalid parameters t=%d n=%d (need 1 <= t <= n <= %d)", t, n, MaxShares)
	}
	coeffs := make([]group.Scalar, t)
	coeffs[0] = g.NewScalar().Set(secret)
	for j := 1; j < t; j++ {
		c, err := g.RandomScalar(rand)
		if err != nil {
			return nil, nil, err
		}
		coeffs[j] = c
	}
	shares, commitments := SplitWithCoefficients(g, coeffs, n)
	for _, c := range coeffs {
		c.Zeroize()
	}
	return shares, commitments, nil
}

// SplitWithCoefficients evaluates the polynomial with the given coefficients
// (coeffs[0] is the secret) at 1…n. Exposed for deterministic test vectors.
func SplitWithCoefficients(g group.Group, coeffs []group.Scalar, n int) ([]Share, []group.Element) {
	shares := make([]Share, n)
	for i := 1; i <= n; i++ {
		x := g.ScalarFromBig(big.NewInt(int64(i)))
		// Horner: f(x) = (((a_{t−1})x + a_{t−2})x + …)x + a₀.
		v := g.NewScalar()
		for j := len(coeffs) - 1; j >= 0; j-- {
			v.Multiply(v, x)
			v.Add(v, coeffs[j])
		}
		shares[i-1] = Share{ID: uint16(i), Value: v}
	}
	commitments := make([]group.Element, len(coeffs))
	for j, c := range coeffs {
		commitments[j] = g.NewElement().ScalarBaseMult(c)
	}
	return shares, commitments
}

// CheckIDs rejects an empty list, zero or duplicate identifiers and lists
// longer than MaxShares.
func CheckIDs(ids []uint16) error {
	if len(ids) == 0 || len(ids) > MaxShares {
		return fmt.Errorf("shamir: participant list has %d entries, want 1 to %d", len(ids), MaxShares)
	}
	seen := make(map[uint16]bool, len(ids))
	for i, id := range ids {
		if id == 0 {
			return fmt.Errorf("shamir: participant %d has identifier 0", i)
		}
		if seen[id] {
			return fmt.Errorf("shamir: identifier %d appears twice", id)
		}
		seen[id] = true
	}
	return nil
}

// Lagrange returns λ_id = Π_{j≠id} xⱼ/(xⱼ − x_id) mod L for interpolation at 0
// over the participant identifiers ids (RFC 9591 §4.2 derive_interpolating_value).
// id must be in ids. The computation is on public values only.
func Lagrange(g group.Group, id uint16, ids []uint16) (group.Scalar, error) {
	if err := CheckIDs(ids); err != nil {
		return nil, err
	}
	order := g.Order()
	num, den := big.NewInt(1), big.NewInt(1)
	found := false
	xi := big.NewInt(int64(id))
	for _, j := range ids {
		if j == id {
			found = true
			continue
		}
		xj := big.NewInt(int64(j))
		num.Mul(num, xj)
		den.Mul(den, new(big.Int).Sub(xj, xi))
	}
	if !found {
		return nil, fmt.Errorf("shamir: identifier %d is not in the participant list", id)
	}
	den.Mod(den, order)
	inv := new(big.Int).ModInverse(den, order)
	if inv == nil {
		return nil, fmt.Errorf("shamir: internal error: no inverse for identifier %d", id)
	}
	return g.ScalarFromBig(num.Mul(num, inv)), nil
}

// Recover interpolates the secret f(0) from at least t shares.
func Recover(g group.Group, shares []Share, t int) (group.Scalar, error) {
	if len(shares) < t || t < 1 {
		return nil, fmt.Errorf("%w: have %d, need %d", ErrTooFewShares, len(shares), t)
	}
	ids := make([]uint16, len(shares))
	for i, s := range shares {
		if s.Value == nil {
			return nil, fmt.Errorf("shamir: share %d (identifier %d) has no value", i, s.ID)
		}
		ids[i] = s.ID
	}
	secret := g.NewScalar()
	for _, s := range shares {
		l, err := Lagrange(g, s.ID, ids)
		if err != nil {
			return nil, err
		}
		secret.Add(secret, l.Multiply(l, s.Value))
	}
	return secret, nil
}

// Verify checks a share against the VSS commitments (RFC 9591 Appendix C.2
// vss_verify): f(id)·B = Σ (id^j)·Cⱼ.
func Verify(g group.Group, s Share, commitments []group.Element) bool {
	if s.ID == 0 || s.Value == nil || len(commitments) == 0 {
		return false
	}
	want := g.NewElement()
	x := big.NewInt(int64(s.ID))
	pow := big.NewInt(1)
	for _, c := range commitments {
		want.Add(want, g.NewElement().ScalarMult(g.ScalarFromBig(pow), c))
		pow.Mul(pow, x)
	}
	return g.NewElement().ScalarBaseMult(s.Value).Equal(want)
}
