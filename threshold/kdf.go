package threshold

import (
	"crypto/hkdf"
	"crypto/sha512"
	"fmt"

	"github.com/mathmesh/mesh/keywrap"
)

// KEK derives the 256-bit key-encryption key from an agreement IKM
// (threshold.md §3.5): HKDF-SHA-512 (RFC 5869) with no salt (HashLen zero
// bytes) and info as given (empty on the DARE recipient path).
func KEK(ikm, info []byte) ([]byte, error) {
	if len(ikm) == 0 {
		return nil, fmt.Errorf("threshold: empty key agreement")
	}
	k, err := hkdf.Key(sha512.New, ikm, nil, string(info), 32)
	if err != nil {
		return nil, fmt.Errorf("threshold: hkdf: %w", err)
	}
	return k, nil
}

// WrapKey wraps key under the KEK derived from ikm (HKDF then RFC 3394).
func WrapKey(ikm, info, key []byte) ([]byte, error) {
	kek, err := KEK(ikm, info)
	if err != nil {
		return nil, err
	}
	defer clear(kek)
	return keywrap.Wrap(kek, key)
}

// UnwrapKey reverses WrapKey; a wrong agreement gives keywrap.ErrIntegrity.
func UnwrapKey(ikm, info, wrapped []byte) ([]byte, error) {
	kek, err := KEK(ikm, info)
	if err != nil {
		return nil, err
	}
	defer clear(kek)
	return keywrap.Unwrap(kek, wrapped)
}
