package keys

import (
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/udf"
)

// PrivateKeyUDF is a seed from which a set of key pairs is derived
// (udf.md §5.5, schema.md §2.2):
//
//	{"PrivateKeyUDF":{"PrivateValue":"ZAAQ-...","KeyType":"MeshProfileDevice"}}
//
// PrivateValue is the seed UDF and KeyType the name of its algorithm
// identifier. AlgorithmSign, AlgorithmEncrypt and AlgorithmAuthenticate,
// when set, are JOSE curve names that override the defaults of udf.md §6.2.
// The type redacts PrivateValue when printed.
type PrivateKeyUDF struct {
	Kid                   string `json:"kid,omitempty"`
	PrivateValue          string `json:"PrivateValue,omitempty"`
	KeyType               string `json:"KeyType,omitempty"`
	AlgorithmEncrypt      string `json:"AlgorithmEncrypt,omitempty"`
	AlgorithmSign         string `json:"AlgorithmSign,omitempty"`
	AlgorithmAuthenticate string `json:"AlgorithmAuthenticate,omitempty"`
}

// NewPrivateKeyUDF wraps a seed UDF, filling KeyType from its algorithm
// identifier.
func NewPrivateKeyUDF(seedUDF string) (*PrivateKeyUDF, error) {
	if len(seedUDF) > MaxSeedLength {
		return nil, fmt.Errorf("keys: seed UDF is %d characters, limit %d", len(seedUDF), MaxSeedLength)
	}
	alg, bds, err := udf.ParseSeed(seedUDF)
	if err != nil {
		return nil, fmt.Errorf("keys: seed: %w", err)
	}
	clear(bds)
	return &PrivateKeyUDF{PrivateValue: seedUDF, KeyType: alg.String()}, nil
}

// seedAlg parses the seed and checks KeyType against its identifier.
func (p *PrivateKeyUDF) seedAlg() (udf.AlgID, error) {
	if p == nil || p.PrivateValue == "" {
		return 0, errors.New("keys: PrivateKeyUDF field \"PrivateValue\" is missing")
	}
	if len(p.PrivateValue) > MaxSeedLength {
		return 0, fmt.Errorf("keys: PrivateKeyUDF field \"PrivateValue\" is %d characters, limit %d", len(p.PrivateValue), MaxSeedLength)
	}
	alg, bds, err := udf.ParseSeed(p.PrivateValue)
	if err != nil {
		return 0, fmt.Errorf("keys: PrivateKeyUDF field \"PrivateValue\": %w", err)
	}
	clear(bds)
	if p.KeyType != "" && p.KeyType != alg.String() {
		return 0, fmt.Errorf("keys: PrivateKeyUDF field \"KeyType\" is %q but the seed is for %v", p.KeyType, alg)
	}
	return alg, nil
}

// Algorithm returns the curve of the key for operation op: the override
// field for the operation's use if set (AlgorithmSign for Sign, Profile and
// AdminSign; AlgorithmEncrypt for Encrypt, Escrow and AdminEncrypt;
// AlgorithmAuthenticate for Authenticate), else [DefaultAlgorithm].
func (p *PrivateKeyUDF) Algorithm(op Operation) (Algorithm, error) {
	seedAlg, err := p.seedAlg()
	if err != nil {
		return 0, err
	}
	u, err := op.use()
	if err != nil {
		return 0, err
	}
	var field, name string
	switch u {
	case useSign:
		field, name = "AlgorithmSign", p.AlgorithmSign
	case useEncrypt:
		field, name = "AlgorithmEncrypt", p.AlgorithmEncrypt
	case useAuthenticate:
		field, name = "AlgorithmAuthenticate", p.AlgorithmAuthenticate
	}
	if name == "" {
		alg := DefaultAlgorithm(seedAlg, op)
		if !alg.valid() {
			return 0, fmt.Errorf("keys: cannot derive keys from a %v seed", seedAlg)
		}
		return alg, nil
	}
	alg, raw, err := parseCurve(name)
	if err != nil || raw {
		return 0, fmt.Errorf("keys: PrivateKeyUDF field %q: unknown algorithm %q", field, name)
	}
	if u == useSign && !alg.CanSign() {
		return 0, fmt.Errorf("keys: PrivateKeyUDF field %q: %v cannot sign", field, alg)
	}
	return alg, nil
}

// Derive derives the key named keyName (see [KeyName]) for operation op
// (udf.md §6.1 to §6.4).
func (p *PrivateKeyUDF) Derive(keyName string, op Operation) (PrivateKey, error) {
	alg, err := p.Algorithm(op)
	if err != nil {
		return nil, err
	}
	return DeriveFromSeed(p.PrivateValue, keyName, alg)
}

// String redacts the seed. It has a value receiver so that a PrivateKeyUDF
// held by value (as json decoding targets usually are) is redacted too;
// fmt prints a nil pointer as "<nil>".
func (p PrivateKeyUDF) String() string {
	return "keys.PrivateKeyUDF{KeyType: " + p.KeyType + ", PrivateValue: redacted}"
}

// GoString redacts the seed.
func (p PrivateKeyUDF) GoString() string { return p.String() }

// Format redacts the seed for every verb.
func (p PrivateKeyUDF) Format(f fmt.State, _ rune) { formatRedacted(f, p.String()) }
