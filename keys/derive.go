package keys

import (
	"crypto/hkdf"
	"crypto/sha512"
	"fmt"

	"github.com/mathmesh/mesh/udf"
)

// Key names (udf.md §6.3, schema.md §2.3): TypeLabel || ActorLabel ||
// OperationLabel, joined with no separator.

// TypeLabel is the first part of a key name.
type TypeLabel string

// ActorLabel is the second part of a key name.
type ActorLabel string

// Operation is the third part of a key name; it also selects the default
// algorithm of a Mesh seed (udf.md §6.2).
type Operation string

// Type labels.
const (
	TypeComplete   TypeLabel = "Complete"
	TypeBase       TypeLabel = "Base"
	TypeActivation TypeLabel = "Activation"
)

// Actor labels.
const (
	ActorAccount ActorLabel = "Account"
	ActorMember  ActorLabel = "Member"
	ActorDevice  ActorLabel = "Device"
	ActorService ActorLabel = "Service"
	ActorHost    ActorLabel = "Host"
)

// Operation labels.
const (
	OpEncrypt      Operation = "Encrypt"
	OpSign         Operation = "Sign"
	OpAuthenticate Operation = "Authenticate"
	OpProfile      Operation = "Profile"
	OpAdminEncrypt Operation = "AdminEncrypt"
	OpAdminSign    Operation = "AdminSign"
	OpEscrow       Operation = "Escrow"
)

// KeyName joins the labels with no separator, as [REF] KeyOverlay does
// (udf.md §6.3): KeyName(TypeBase, ActorDevice, OpEncrypt) is
// "BaseDeviceEncrypt". Per-store keys append the store label to the result
// ("CompleteAccountEncrypt" + store).
func KeyName(typ TypeLabel, actor ActorLabel, op Operation) string {
	return string(typ) + string(actor) + string(op)
}

// use classifies an operation as signature, encryption or authentication
// (udf.md §6.2).
type use int

const (
	useSign use = iota
	useEncrypt
	useAuthenticate
)

func (op Operation) use() (use, error) {
	switch op {
	case OpSign, OpProfile, OpAdminSign:
		return useSign, nil
	case OpEncrypt, OpEscrow, OpAdminEncrypt:
		return useEncrypt, nil
	case OpAuthenticate:
		return useAuthenticate, nil
	}
	return 0, fmt.Errorf("keys: unknown key operation %q", string(op))
}

// explicitAlgorithm maps the explicit seed identifiers 1 to 4 to curves.
func explicitAlgorithm(seedAlg udf.AlgID) (Algorithm, bool) {
	switch seedAlg {
	case udf.X25519:
		return X25519, true
	case udf.X448:
		return X448, true
	case udf.Ed25519:
		return Ed25519, true
	case udf.Ed448:
		return Ed448, true
	}
	return 0, false
}

// meshSeed reports whether seedAlg leaves the choice of curve to the key's
// use: Any (0) and the Mesh identifiers 256 to 261 (udf.md §6.2).
func meshSeed(seedAlg udf.AlgID) bool {
	return seedAlg == udf.AnyAlgorithm || (seedAlg >= udf.MeshProfileDevice && seedAlg <= udf.MeshActivationService)
}

// DefaultAlgorithm returns the curve a seed of algorithm seedAlg produces
// for operation op (udf.md §6.2): the seed's own curve for the explicit
// identifiers 1 to 4; for Any and the Mesh identifiers, Ed448 for Sign,
// Profile and AdminSign and X448 for every other operation. It returns
// the invalid zero Algorithm for seeds of other algorithms (P-256, RSA,
// ...), which this package cannot derive.
func DefaultAlgorithm(seedAlg udf.AlgID, op Operation) Algorithm {
	if alg, ok := explicitAlgorithm(seedAlg); ok {
		return alg
	}
	if !meshSeed(seedAlg) {
		return 0
	}
	if u, err := op.use(); err == nil && u == useSign {
		return Ed448
	}
	return X448
}

// DeriveFromSeed derives the key pair named keyName from a seed UDF
// (udf.md §6.1, §6.4):
//
//	bds  = algId (2 bytes) || seed    the seed UDF without its type byte
//	info = algId || UTF8(keyName)
//	okm  = HKDF-SHA-512(IKM = bds, salt = absent, info, L)
//
// with L = 32 for Ed25519 and X25519 and 56 for Ed448 and X448. keyName is
// "" for explicit-algorithm seeds ([REF] UDF.DeriveKey passes null). The
// okm is the RFC 8032 secret of an Edwards key (Ed448 hashes the 56 bytes
// with SHAKE256) or the RFC 7748 private key of a Montgomery key. An
// explicit seed (algId 1 to 4) derives only its own curve.
func DeriveFromSeed(seedUDF string, keyName string, alg Algorithm) (PrivateKey, error) {
	if len(seedUDF) > MaxSeedLength {
		return nil, fmt.Errorf("keys: seed UDF is %d characters, limit %d", len(seedUDF), MaxSeedLength)
	}
	if len(keyName) > MaxKeyNameLength {
		return nil, fmt.Errorf("keys: key name is %d bytes, limit %d", len(keyName), MaxKeyNameLength)
	}
	if !alg.valid() {
		return nil, fmt.Errorf("keys: cannot derive a key for %v", alg)
	}
	seedAlg, bds, err := udf.ParseSeed(seedUDF)
	if err != nil {
		return nil, fmt.Errorf("keys: seed: %w", err)
	}
	defer clear(bds)
	if want, ok := explicitAlgorithm(seedAlg); ok && want != alg {
		return nil, fmt.Errorf("keys: seed is for %v, cannot derive a %v key", want, alg)
	}
	if _, ok := explicitAlgorithm(seedAlg); !ok && !meshSeed(seedAlg) {
		return nil, fmt.Errorf("keys: cannot derive keys from a %v seed", seedAlg)
	}
	okm, err := seedOKM(bds, keyName, alg.okmSize())
	if err != nil {
		return nil, err
	}
	defer clear(okm)
	return newFromSeed(alg, okm)
}

// seedOKM is the HKDF step of udf.md §6.1. bds starts with the seed's
// 2-byte algId, which also starts info.
func seedOKM(bds []byte, keyName string, length int) ([]byte, error) {
	info := make([]byte, 0, 2+len(keyName))
	info = append(info, bds[:2]...)
	info = append(info, keyName...)
	okm, err := hkdf.Key(sha512.New, bds, nil, string(info), length)
	if err != nil {
		return nil, fmt.Errorf("keys: internal error: hkdf: %w", err)
	}
	return okm, nil
}
