package threshold

import (
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/threshold/group"
)

// Curve is one of the four Mesh key types, each over its prime-order group.
type Curve struct {
	name   string
	g      group.Group
	sizes  []int // accepted point encodings; sizes[len-1] is the one emitted
	decode func([]byte) (group.Element, error)
	encode func(group.Element) ([]byte, error)
	ikm    func(group.Element) ([]byte, error)
}

// The Mesh curves. X25519 and X448 agreement results (IKM) are the RFC 7748 u
// coordinate; Ed25519 and Ed448 agreement results are the RFC 8032 point
// encoding (threshold.md §3.5).
var (
	X25519 = &Curve{name: "X25519", g: group.Ed25519, sizes: []int{32, 33}, decode: decodeX25519, encode: encodeX25519,
		ikm: func(e group.Element) ([]byte, error) { u, _, err := montgomery25519(e); return u, err }}
	X448 = &Curve{name: "X448", g: group.Ed448, sizes: []int{56, 57}, decode: decodeX448, encode: encodeX448,
		ikm: func(e group.Element) ([]byte, error) { u, _, err := montgomery448(e); return u, err }}
	Ed25519 = &Curve{name: "Ed25519", g: group.Ed25519, sizes: []int{32}, decode: group.Ed25519.DecodeElement,
		encode: edEncode, ikm: edEncode}
	Ed448 = &Curve{name: "Ed448", g: group.Ed448, sizes: []int{57}, decode: group.Ed448.DecodeElement,
		encode: edEncode, ikm: edEncode}
)

func edEncode(e group.Element) ([]byte, error) {
	if e.IsIdentity() {
		return nil, group.ErrIdentity
	}
	return e.Bytes(), nil
}

// ErrInvalidPoint reports a point that failed decoding or validation.
var ErrInvalidPoint = errors.New("threshold: invalid point")

// Name returns "X25519", "X448", "Ed25519" or "Ed448".
func (c *Curve) Name() string { return c.name }

// Group returns the prime-order group the curve works in.
func (c *Curve) Group() group.Group { return c.g }

// PointLen is the length of the point encoding this package emits.
func (c *Curve) PointLen() int { return c.sizes[len(c.sizes)-1] }

// DecodePoint parses and validates a point received from outside
// (threshold.md §4.6): canonical, on the curve and not its twist, in the
// prime-order subgroup, not the identity. what names the field in errors.
func (c *Curve) DecodePoint(what string, b []byte) (group.Element, error) {
	ok := false
	for _, n := range c.sizes {
		ok = ok || len(b) == n
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s %s is %d bytes, want %v", ErrInvalidPoint, c.name, what, len(b), c.sizes)
	}
	e, err := c.decode(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %w", ErrInvalidPoint, c.name, what, err)
	}
	return e, nil
}

// EncodePoint serializes a non-identity point in the emitted form.
func (c *Curve) EncodePoint(e group.Element) ([]byte, error) {
	b, err := c.encode(e)
	if err != nil {
		return nil, fmt.Errorf("threshold: encoding %s point: %w", c.name, err)
	}
	return b, nil
}

// CombinePublic is the key combination law on public keys (threshold-06
// §3.1, threshold.md §3.2): the sum of the points. Each input is validated.
// For device activation the caller must have authenticated the device key
// before choosing its contribution (rogue-key rule, threshold.md §6 item 4).
func (c *Curve) CombinePublic(publics ...[]byte) ([]byte, error) {
	if len(publics) < 1 || len(publics) > MaxShares {
		return nil, fmt.Errorf("threshold: %d public keys to combine, want 1 to %d", len(publics), MaxShares)
	}
	sum := c.g.NewElement()
	for i, p := range publics {
		e, err := c.DecodePoint(fmt.Sprintf("public key %d", i), p)
		if err != nil {
			return nil, err
		}
		sum.Add(sum, e)
	}
	if sum.IsIdentity() {
		return nil, fmt.Errorf("threshold: combined %s public key is the identity", c.name)
	}
	return c.EncodePoint(sum)
}
