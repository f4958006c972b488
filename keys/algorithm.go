package keys

import (
	"fmt"
	"strings"
)

// Algorithm names one of the four CFRG curves the Mesh uses (udf.md §6.4).
// The zero value is not a valid algorithm.
type Algorithm int

// The algorithms, in the order of their udf.AlgID numbers.
const (
	X25519 Algorithm = iota + 1
	X448
	Ed25519
	Ed448
)

// algorithmNames are the JOSE curve names ("crv", RFC 8037).
var algorithmNames = [...]string{
	X25519:  "X25519",
	X448:    "X448",
	Ed25519: "Ed25519",
	Ed448:   "Ed448",
}

// Wire sizes in bytes (udf.md §6.4, threshold.md §4.2).
const (
	ed25519PublicSize = 32
	ed448PublicSize   = 57
	x25519PublicSize  = 32
	x448PublicSize    = 57 // u (56 bytes) || odd flag of v

	ed25519SeedSize   = 32
	ed448SeedSize     = 57 // RFC 8032 seed; the Mesh derives 56-byte secrets
	ed448MeshSeedSize = 56 // okm length for Ed448 (udf.md §6.1, §6.4)
	x25519SeedSize    = 32
	x448SeedSize      = 56

	ed25519ScalarSize = 32
	ed448ScalarSize   = 56
	ed25519PrefixSize = 32
	ed448PrefixSize   = 57

	ed25519SignatureSize = 64
	ed448SignatureSize   = 114
)

// String returns the JOSE curve name: "Ed25519", "Ed448", "X25519" or "X448".
func (a Algorithm) String() string {
	if a.valid() {
		return algorithmNames[a]
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

func (a Algorithm) valid() bool { return a >= X25519 && a <= Ed448 }

// CanSign reports whether keys of this algorithm sign (the Edwards curves).
func (a Algorithm) CanSign() bool { return a == Ed25519 || a == Ed448 }

// ParseAlgorithm returns the algorithm named s. It accepts the JOSE names
// in any letter case ("Ed448", "ed448"), so that command-line flags can use
// lower case; JSON key forms use [parseCurve], which is exact.
func ParseAlgorithm(s string) (Algorithm, error) {
	for a := X25519; a <= Ed448; a++ {
		if strings.EqualFold(s, algorithmNames[a]) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("keys: unknown algorithm %q (want Ed25519, Ed448, X25519 or X448)", s)
}

// parseCurve parses a JOSE "crv" value exactly. A trailing "z" (X25519z,
// Ed448z, ...) marks a raw little-endian scalar rather than a seed
// (threshold.md §4.2).
func parseCurve(crv string) (alg Algorithm, raw bool, err error) {
	name := crv
	if strings.HasSuffix(name, "z") {
		name, raw = strings.TrimSuffix(name, "z"), true
	}
	for a := X25519; a <= Ed448; a++ {
		if name == algorithmNames[a] {
			return a, raw, nil
		}
	}
	return 0, false, fmt.Errorf("keys: unknown curve %q in field \"crv\"", crv)
}

// publicSize returns the wire size of a public key.
func (a Algorithm) publicSize() int {
	switch a {
	case Ed25519:
		return ed25519PublicSize
	case Ed448:
		return ed448PublicSize
	case X25519:
		return x25519PublicSize
	case X448:
		return x448PublicSize
	}
	return 0
}

// okmSize returns the HKDF output length of udf.md §6.1.
func (a Algorithm) okmSize() int {
	switch a {
	case Ed25519, X25519:
		return 32
	case Ed448, X448:
		return 56
	}
	return 0
}
