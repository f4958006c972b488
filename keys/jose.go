package keys

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mathmesh/mesh/udf"
)

// JSON key forms of the Mesh schema (schema.md §1, §2.1) and of the JOSE
// classes of [REF] (JoseSchema.Protocol: PublicKeyECDH, PrivateKeyECDH,
// PrivateKeyUDF). Binary fields are []byte, which the jsonb codec writes
// as base64url. These types only carry data; the conversions below
// validate it.

// Key is a tagged ("TStruct") JOSE key: exactly one member is set, and it
// serialises as {"PublicKeyECDH": {...}} (schema.md §1).
type Key struct {
	PublicKeyECDH  *PublicKeyECDH  `json:"PublicKeyECDH,omitempty"`
	PrivateKeyECDH *PrivateKeyECDH `json:"PrivateKeyECDH,omitempty"`
	PrivateKeyUDF  *PrivateKeyUDF  `json:"PrivateKeyUDF,omitempty"`
}

// PublicKeyECDH is a public key on one of the four CFRG curves. Public is
// the wire encoding of [PublicKey.Bytes] (57 bytes for X448, dare.md §2.4).
type PublicKeyECDH struct {
	Kid    string `json:"kid,omitempty"`
	Curve  string `json:"crv,omitempty"`
	Public []byte `json:"Public,omitempty"`
}

// PrivateKeyECDH is a private key on one of the four CFRG curves. Under
// the plain curve names Private is a seed: the RFC 8032 secret (32 bytes
// for Ed25519; 56 or 57 for Ed448) or the RFC 7748 private key (32 or 56
// bytes). Under the names with a trailing "z" (Ed25519z, Ed448z, X25519z,
// X448z) it is a reduced little-endian scalar used as is, never clamped or
// hashed (threshold.md §4.2). Public is optional; when present it must
// match. The type redacts Private when printed.
type PrivateKeyECDH struct {
	Kid     string `json:"kid,omitempty"`
	Curve   string `json:"crv,omitempty"`
	Public  []byte `json:"Public,omitempty"`
	Private []byte `json:"Private,omitempty"`
}

// KeyData describes one key pair (schema.md §2.1). Udf is the fingerprint
// of the public parameters (udf.md §6.5).
type KeyData struct {
	Udf               string     `json:"Udf,omitempty"`
	X509Certificate   []byte     `json:"X509Certificate,omitempty"`
	X509Chain         [][]byte   `json:"X509Chain,omitempty"`
	X509CSR           []byte     `json:"X509CSR,omitempty"`
	NotBefore         *time.Time `json:"NotBefore,omitempty"`
	NotOnOrAfter      *time.Time `json:"NotOnOrAfter,omitempty"`
	PublicParameters  *Key       `json:"PublicParameters,omitempty"`
	PrivateParameters *Key       `json:"PrivateParameters,omitempty"`
}

// NewPublicKeyECDH returns the JSON form of pub.
func NewPublicKeyECDH(pub PublicKey) *PublicKeyECDH {
	return &PublicKeyECDH{Curve: pub.Algorithm().String(), Public: pub.Bytes()}
}

// PublicKey decodes and validates the key.
func (j *PublicKeyECDH) PublicKey() (PublicKey, error) {
	if j == nil {
		return nil, errors.New("keys: PublicKeyECDH is missing")
	}
	alg, raw, err := parseCurve(j.Curve)
	if err != nil {
		return nil, fmt.Errorf("keys: PublicKeyECDH: %w", err)
	}
	if raw {
		return nil, fmt.Errorf("keys: PublicKeyECDH: curve %q names a raw private scalar", j.Curve)
	}
	pub, err := ParsePublicKey(alg, j.Public)
	if err != nil {
		return nil, fmt.Errorf("keys: PublicKeyECDH field \"Public\": %w", err)
	}
	return pub, nil
}

// NewPrivateKeyECDH returns the JSON form of priv: its seed under the
// plain curve name, or for keys made from a scalar the scalar under the
// "z" name. The nonce prefix of an Edwards key made by NewEd25519FromScalar
// or NewEd448FromScalar is not carried; the key read back derives its
// prefix from the scalar (see [PrivateKeyECDH.PrivateKey]), so it signs
// with different, equally valid nonces.
func NewPrivateKeyECDH(priv PrivateKey) (*PrivateKeyECDH, error) {
	seed, scalar, err := secretOf(priv)
	if err != nil {
		return nil, err
	}
	j := &PrivateKeyECDH{Curve: priv.Algorithm().String()}
	if seed != nil {
		j.Private = seed
		clear(scalar) // a copy the JSON form does not carry
	} else {
		j.Curve += "z"
		j.Private = scalar
	}
	return j, nil
}

// secretOf returns a copy of the key's seed, or nil and a copy of its
// scalar for keys made from a scalar.
func secretOf(priv PrivateKey) (seed, scalar []byte, err error) {
	switch k := priv.(type) {
	case *Ed25519Private:
		if k != nil {
			return bytes.Clone(k.seed), k.ScalarBytes(), nil
		}
	case *Ed448Private:
		if k != nil {
			return bytes.Clone(k.seed), k.ScalarBytes(), nil
		}
	case *X25519Private:
		if k != nil {
			return bytes.Clone(k.seed), k.ScalarBytes(), nil
		}
	case *X448Private:
		if k != nil {
			return bytes.Clone(k.seed), k.ScalarBytes(), nil
		}
	}
	return nil, nil, fmt.Errorf("keys: unsupported private key type %T", priv)
}

// PrivateKey decodes the key and checks Public if it is present.
func (j *PrivateKeyECDH) PrivateKey() (PrivateKey, error) {
	if j == nil {
		return nil, errors.New("keys: PrivateKeyECDH is missing")
	}
	alg, raw, err := parseCurve(j.Curve)
	if err != nil {
		return nil, fmt.Errorf("keys: PrivateKeyECDH: %w", err)
	}
	if len(j.Private) > maxPrivateValueLength {
		return nil, fmt.Errorf("keys: PrivateKeyECDH field \"Private\" is %d bytes, limit %d", len(j.Private), maxPrivateValueLength)
	}
	var priv PrivateKey
	if raw {
		priv, err = newFromScalar(alg, j.Private)
	} else {
		priv, err = newFromSeed(alg, j.Private)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: PrivateKeyECDH field \"Private\": %w", err)
	}
	if j.Public != nil && !bytes.Equal(j.Public, priv.Public().Bytes()) {
		return nil, errors.New("keys: PrivateKeyECDH field \"Public\" does not match the private key")
	}
	return priv, nil
}

// String redacts the private value. It has a value receiver so that a
// PrivateKeyECDH held by value is redacted too; fmt prints a nil pointer
// as "<nil>".
func (j PrivateKeyECDH) String() string {
	return "keys.PrivateKeyECDH{crv: " + j.Curve + ", Private: redacted}"
}

// GoString redacts the private value.
func (j PrivateKeyECDH) GoString() string { return j.String() }

// Format redacts the private value for every verb.
func (j PrivateKeyECDH) Format(f fmt.State, _ rune) { formatRedacted(f, j.String()) }

// NewKeyData returns the KeyData of a public key: its fingerprint and its
// tagged PublicKeyECDH (schema.md §2.1).
func NewKeyData(pub PublicKey) *KeyData {
	return &KeyData{
		Udf:              pub.Fingerprint(),
		PublicParameters: &Key{PublicKeyECDH: NewPublicKeyECDH(pub)},
	}
}

// PublicKey decodes PublicParameters and checks that Udf, if present, is
// the key's fingerprint (at 140 bits or more, udf.md §6.5).
func (kd *KeyData) PublicKey() (PublicKey, error) {
	if kd == nil || kd.PublicParameters == nil || kd.PublicParameters.PublicKeyECDH == nil {
		return nil, errors.New("keys: KeyData field \"PublicParameters\" holds no PublicKeyECDH")
	}
	pub, err := kd.PublicParameters.PublicKeyECDH.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("keys: KeyData field \"PublicParameters\": %w", err)
	}
	if kd.Udf != "" {
		if err := checkFingerprint(kd.Udf, pub); err != nil {
			return nil, fmt.Errorf("keys: KeyData field \"Udf\": %w", err)
		}
	}
	return pub, nil
}

// minFingerprintChars is the shortest fingerprint accepted as a key check:
// the default 140-bit presentation.
const minFingerprintChars = udf.DefaultBits / 5

// checkFingerprint checks that s presents pub's key UDF at 140 bits or
// more (any letter case and dash placement).
func checkFingerprint(s string, pub PublicKey) error {
	c, err := udf.Canonical(s)
	if err != nil {
		return err
	}
	if n := len(strings.ReplaceAll(c, "-", "")); n < minFingerprintChars {
		return fmt.Errorf("fingerprint %q has %d characters, need at least %d", s, n, minFingerprintChars)
	}
	if !strings.HasPrefix(udf.Present(pub.UDFBytes(), 8*udf.DigestLength), c) {
		return fmt.Errorf("%q is not the fingerprint of the key (%s)", s, pub.Fingerprint())
	}
	return nil
}

// newFromScalar builds a key from a raw reduced scalar ("z" curve names).
// Edwards keys get the prefix of [scalarPrefix].
func newFromScalar(alg Algorithm, scalar []byte) (PrivateKey, error) {
	switch alg {
	case Ed25519:
		return NewEd25519FromScalar(scalar, scalarPrefix(alg, scalar))
	case Ed448:
		return NewEd448FromScalar(scalar, scalarPrefix(alg, scalar))
	case X25519:
		return NewX25519FromScalar(scalar)
	case X448:
		return NewX448FromScalar(scalar)
	}
	return nil, fmt.Errorf("keys: unknown algorithm %v", alg)
}
