// Package group is the scalar and point layer of the Mesh threshold code: the
// prime-order groups edwards25519 (filippo.io/edwards25519) and edwards448
// (circl goldilocks) behind one small interface, as the FROST "Prime-Order
// Group" dependency of RFC 9591 §3.1 defines it.
//
// Design: ../../../shared/spec/threshold.md §4.1, §4.2 and §4.6. Scalars are
// always reduced mod L; nothing in this package clamps or hashes a scalar.
// Every element decoded from bytes is checked to be canonical, on the curve,
// in the prime-order subgroup and not the identity.
package group

import (
	"errors"
	"io"
	"math/big"
)

// Scalar is an integer modulo the group order L. Methods set the receiver and
// return it, like filippo.io/edwards25519. Arguments must come from the same
// group; mixing groups is an internal error and panics.
type Scalar interface {
	Add(a, b Scalar) Scalar
	Subtract(a, b Scalar) Scalar
	Multiply(a, b Scalar) Scalar
	Negate(a Scalar) Scalar
	Set(a Scalar) Scalar
	// Equal reports whether the receiver equals b, in constant time.
	Equal(b Scalar) bool
	IsZero() bool
	// Bytes is the canonical little-endian encoding (Group.ScalarLen bytes).
	Bytes() []byte
	// Zeroize overwrites the value with zero.
	Zeroize()
}

// Element is a point of the prime-order subgroup.
type Element interface {
	Add(a, b Element) Element
	Subtract(a, b Element) Element
	Negate(a Element) Element
	Set(a Element) Element
	// ScalarMult sets the receiver to s·p in constant time.
	ScalarMult(s Scalar, p Element) Element
	// ScalarBaseMult sets the receiver to s·B in constant time.
	ScalarBaseMult(s Scalar) Element
	Equal(b Element) bool
	IsIdentity() bool
	// Bytes is the RFC 8032 encoding (Group.ElementLen bytes).
	Bytes() []byte
}

// Group is a prime-order group with its encodings.
type Group interface {
	// Name is "edwards25519" or "edwards448".
	Name() string
	// ScalarLen is the encoded scalar length: 32, or 57 for edwards448
	// (RFC 9591 §6.3, RFC 8032 §5.2.6).
	ScalarLen() int
	// ElementLen is the encoded element length: 32 or 57.
	ElementLen() int
	// Order is L. It returns a fresh copy.
	Order() *big.Int
	NewScalar() Scalar
	NewElement() Element
	Generator() Element
	// ScalarFromBig loads a public value reduced mod L. math/big is not
	// constant time: use it only for public values (Lagrange coefficients,
	// identifiers, constants).
	ScalarFromBig(x *big.Int) Scalar
	// ScalarFromWide reduces a hash output (64 or 114 bytes, little-endian)
	// mod L.
	ScalarFromWide(b []byte) (Scalar, error)
	// RandomScalar draws a uniform scalar from rand (wide reduction).
	RandomScalar(rand io.Reader) (Scalar, error)
	// DecodeScalar accepts only the canonical encoding of a value < L.
	DecodeScalar(b []byte) (Scalar, error)
	// DecodeElement accepts only canonical encodings of non-identity points
	// of the prime-order subgroup (RFC 9591 §6.1 and §6.3 DeserializeElement).
	DecodeElement(b []byte) (Element, error)
	// MultiScalarMult returns Σ sᵢ·Pᵢ in variable time, for public inputs
	// only (verification, group commitments).
	VarTimeMultiScalarMult(s []Scalar, p []Element) Element
	// VarTimeDoubleBaseMult returns a·P + b·B in variable time, for public
	// inputs only (signature and share verification).
	VarTimeDoubleBaseMult(a Scalar, p Element, b Scalar) Element
}

// Errors that callers may branch on.
var (
	// ErrInvalidElement reports an element that is not canonical, not on the
	// curve or not in the prime-order subgroup.
	ErrInvalidElement = errors.New("group: invalid element")
	// ErrIdentity reports the identity where a non-identity element is
	// required.
	ErrIdentity = errors.New("group: identity element")
	// ErrInvalidScalar reports a scalar encoding that is not canonical.
	ErrInvalidScalar = errors.New("group: invalid scalar")
)

// redactedScalar is what fmt prints for any Scalar.
const redactedScalar = "group.Scalar<redacted>"

func bigFromLE(b []byte) *big.Int {
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	return new(big.Int).SetBytes(be)
}

// leBytes returns x mod 2^(8n) as n little-endian bytes.
func leBytes(x *big.Int, n int) []byte {
	be := x.FillBytes(make([]byte, n))
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		be[i], be[j] = be[j], be[i]
	}
	return be
}

// BigFromLE interprets b as a little-endian unsigned integer (public values).
func BigFromLE(b []byte) *big.Int { return bigFromLE(b) }
