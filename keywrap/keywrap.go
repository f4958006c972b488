package keywrap

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
)

// defaultIV is the RFC 3394 §2.2.3.1 default initial value.
var defaultIV = [blockLen]byte{0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6}

// ErrIntegrity is returned by Unwrap when the recovered initial value does not
// match (wrong key-encryption key or tampered ciphertext).
var ErrIntegrity = errors.New("keywrap: integrity check failed")

func newCipher(kek []byte) (cipher.Block, error) {
	switch len(kek) {
	case 16, 24, 32:
	default:
		return nil, fmt.Errorf("keywrap: key-encryption key is %d bytes, want 16, 24 or 32", len(kek))
	}
	return aes.NewCipher(kek)
}

// Wrap wraps key under kek (RFC 3394 §2.2.1, index-based form). key must be a
// multiple of 8 bytes, at least 16 and at most MaxKeyLen. The result is
// len(key)+8 bytes.
func Wrap(kek, key []byte) ([]byte, error) {
	if len(key) < minKeyLen || len(key) > MaxKeyLen || len(key)%blockLen != 0 {
		return nil, fmt.Errorf("keywrap: key to wrap is %d bytes, want a multiple of 8 between %d and %d", len(key), minKeyLen, MaxKeyLen)
	}
	block, err := newCipher(kek)
	if err != nil {
		return nil, err
	}
	n := len(key) / blockLen
	out := make([]byte, len(key)+blockLen)
	copy(out[:blockLen], defaultIV[:]) // A = IV
	copy(out[blockLen:], key)          // R[1..n] = P[1..n]
	var b [16]byte
	for j := 0; j <= 5; j++ {
		for i := 1; i <= n; i++ {
			r := out[i*blockLen : (i+1)*blockLen]
			copy(b[:blockLen], out[:blockLen])
			copy(b[blockLen:], r)
			block.Encrypt(b[:], b[:]) // B = AES(K, A | R[i])
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(out[:blockLen], binary.BigEndian.Uint64(b[:blockLen])^t) // A = MSB(64, B) ^ t
			copy(r, b[blockLen:])                                                               // R[i] = LSB(64, B)
		}
	}
	clear(b[:])
	return out, nil
}

// Unwrap recovers the key wrapped by Wrap (RFC 3394 §2.2.2, index-based form)
// and checks the default initial value (§2.2.3) in constant time. A wrong kek
// or a modified input gives ErrIntegrity and no key material.
func Unwrap(kek, wrapped []byte) ([]byte, error) {
	if len(wrapped) < minKeyLen+blockLen || len(wrapped) > MaxKeyLen+blockLen || len(wrapped)%blockLen != 0 {
		return nil, fmt.Errorf("keywrap: wrapped key is %d bytes, want a multiple of 8 between %d and %d", len(wrapped), minKeyLen+blockLen, MaxKeyLen+blockLen)
	}
	block, err := newCipher(kek)
	if err != nil {
		return nil, err
	}
	n := len(wrapped)/blockLen - 1
	var a [blockLen]byte
	copy(a[:], wrapped[:blockLen])
	key := make([]byte, n*blockLen)
	copy(key, wrapped[blockLen:])
	var b [16]byte
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			r := key[(i-1)*blockLen : i*blockLen]
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(b[:blockLen], binary.BigEndian.Uint64(a[:])^t)
			copy(b[blockLen:], r)
			block.Decrypt(b[:], b[:]) // B = AES-1(K, (A ^ t) | R[i])
			copy(a[:], b[:blockLen])
			copy(r, b[blockLen:])
		}
	}
	clear(b[:])
	if subtle.ConstantTimeCompare(a[:], defaultIV[:]) != 1 {
		clear(key)
		return nil, ErrIntegrity
	}
	return key, nil
}
