package dare

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha512"
	"fmt"
	"io"

	"github.com/mathmesh/mesh/udf"
)

// SymmetricKey is a type-32 UDF encryption key (udf.md §5.2) used as an
// envelope recipient (`meshman dare encode --key`, EARLs of udf.md §8.1).
// It never prints its secret: String and GoString show only its id.
//
// Construction (docs/dare.md "Symmetric-key recipients"): the recipient
// entry is {"kid": ID(), "wmk": RFC3394-Wrap(KEK, seed)} with no epk, and
//
//	KEK = HKDF-SHA-512(IKM = k, salt = none, info = symmetricKEKInfo, 32)
//
// where k is the BDS of the key UDF (the bytes after the type byte).
type SymmetricKey struct {
	_   [0]func() // not comparable
	k   []byte
	txt string
	id  string
}

// symmetricKEKInfo separates symmetric-key KEKs from every other HKDF use of
// the key.
const symmetricKEKInfo = "mmm/dare/kek/symmetric"

// ParseSymmetricKey parses a type-32 UDF key string.
func ParseSymmetricKey(s string) (*SymmetricKey, error) {
	t, k, err := udf.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("dare: symmetric key: %w", err)
	}
	if t != udf.EncryptionKey {
		return nil, fmt.Errorf("dare: symmetric key has UDF type %d (%v), want %d (encryption key)", byte(t), t, byte(udf.EncryptionKey))
	}
	if len(k) < 16 {
		return nil, fmt.Errorf("dare: symmetric key has %d bits, want at least 128", 8*len(k))
	}
	txt, err := udf.Canonical(s)
	if err != nil {
		return nil, fmt.Errorf("dare: symmetric key: %w", err)
	}
	id, err := udf.PublicationID(txt)
	if err != nil {
		return nil, fmt.Errorf("dare: symmetric key id: %w", err)
	}
	return &SymmetricKey{k: k, txt: txt, id: id}, nil
}

// NewEARLKey returns a fresh EARL key (udf.EARLKey) as a SymmetricKey. A
// nil rnd means crypto/rand.
func NewEARLKey(rnd io.Reader) (*SymmetricKey, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	s, err := udf.EARLKey(rnd)
	if err != nil {
		return nil, fmt.Errorf("dare: new EARL key: %w", err)
	}
	return ParseSymmetricKey(s)
}

// ID returns the key identifier written as the recipient kid: [REF]
// SymetricKeyId (udf.PublicationID), a one-way function of the key.
func (k *SymmetricKey) ID() string { return k.id }

// Secret returns the key text (the secret UDF string). Only call it to show
// the key to its owner.
func (k *SymmetricKey) Secret() string { return k.txt }

// String returns a redacted description.
func (k *SymmetricKey) String() string { return "symmetric key " + k.id }

// GoString returns a redacted description.
func (k *SymmetricKey) GoString() string { return "dare.SymmetricKey{" + k.id + "}" }

// Format redacts every fmt verb.
func (k *SymmetricKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// kek derives the key encryption key of the symmetric recipient.
func (k *SymmetricKey) kek() ([]byte, error) {
	kek, err := hkdf.Key(sha512.New, k.k, nil, symmetricKEKInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("dare: deriving symmetric key encryption key: %w", err)
	}
	return kek, nil
}
