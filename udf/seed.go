package udf

import (
	"crypto/hkdf"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"io"
)

// Derived-key seeds, type 200 (udf.md §5.5, §6.1).

// MeshSeedBytes is the number of random bytes in a Mesh seed; the binary
// seed UDF C8 || algId || seed is then 35 bytes, 56 characters
// (udf.md §5.5).
const MeshSeedBytes = 32

// algIDLength is the length of the big-endian algorithm number.
const algIDLength = 2

// Seed returns the derived-key seed UDF 0xC8 || alg (2 bytes, big-endian) ||
// seed, presented at full precision (udf.md §5.5).
func Seed(alg AlgID, seed []byte) string {
	bds := make([]byte, algIDLength+len(seed))
	binary.BigEndian.PutUint16(bds, uint16(alg))
	copy(bds[algIDLength:], seed)
	return Encode(DerivedKey, bds)
}

// NewSeed returns a seed UDF for alg with MeshSeedBytes random bytes
// (udf.md §5.5): 56 characters starting "ZAAQ" for the Mesh identifiers.
func NewSeed(rand io.Reader, alg AlgID) (string, error) {
	if !alg.Known() {
		return "", fmt.Errorf("udf: unknown algorithm identifier %d", uint16(alg))
	}
	seed := make([]byte, MeshSeedBytes)
	if err := readRandom(rand, seed); err != nil {
		return "", err
	}
	return Seed(alg, seed), nil
}

// ParseSeed parses a derived-key seed UDF (udf.md §6.1). It requires type
// 200, an assigned algorithm identifier and at least one seed byte, and
// returns the algorithm and ikm = algId (2 bytes) || seed, the HKDF input
// keying material of udf.md §6.1. The caller owns ikm, which is secret.
func ParseSeed(s string) (alg AlgID, ikm []byte, err error) {
	t, bds, err := Parse(s)
	if err != nil {
		return 0, nil, err
	}
	if t != DerivedKey {
		return 0, nil, fmt.Errorf("udf: seed has type %d (%v), want %d", byte(t), t, byte(DerivedKey))
	}
	if len(bds) <= algIDLength {
		return 0, nil, fmt.Errorf("udf: truncated seed: %d data byte(s), need the 2-byte algorithm and at least 1 seed byte", len(bds))
	}
	alg = AlgID(binary.BigEndian.Uint16(bds))
	if !alg.Known() {
		return 0, nil, fmt.Errorf("udf: seed has unknown algorithm identifier %d", uint16(alg))
	}
	return alg, bds, nil
}

// draftOKMLength returns the key length for the explicit CFRG algorithms.
func draftOKMLength(alg AlgID) (int, error) {
	switch alg {
	case X25519, Ed25519:
		return 32, nil
	case X448, Ed448:
		return 56, nil
	}
	return 0, fmt.Errorf("udf: draft example derivation needs an X25519, X448, Ed25519 or Ed448 seed, not %v", alg)
}

// DraftDocumentOKM reproduces the key derivation printed in the examples of
// draft-hallambaker-mesh-udf-13 §4.4.1 (udf.md §6.7): HKDF-SHA-512 with
// IKM = algId || seed, salt = algId, empty info, 32 bytes for X25519 and
// Ed25519 and 56 for X448 and Ed448. It exists to check interoperability
// with those documents only. Mesh keys use udf.md §6.1 (salt absent,
// info = algId || keyName), which is not this function.
func DraftDocumentOKM(seed string) ([]byte, error) {
	alg, ikm, err := ParseSeed(seed)
	if err != nil {
		return nil, err
	}
	n, err := draftOKMLength(alg)
	if err != nil {
		return nil, err
	}
	okm, err := hkdf.Key(sha512.New, ikm, ikm[:algIDLength], "", n)
	if err != nil {
		return nil, fmt.Errorf("udf: hkdf: %w", err)
	}
	return okm, nil
}
