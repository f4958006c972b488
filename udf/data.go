package udf

import (
	cryptorand "crypto/rand"
	"fmt"
	"io"
)

// Fixed-length data UDFs (udf.md §5): every byte is presented.

// Encode returns T || bds presented at full precision, 8*(len(bds)+1) bits
// ([REF] TypeBDSToString, udf.md §5).
func Encode(t Type, bds []byte) string {
	bin := make([]byte, 1+len(bds))
	bin[0] = byte(t)
	copy(bin[1:], bds)
	return Present(bin, 8*len(bin))
}

// readRandom fills b from r, or from crypto/rand when r is nil (as the
// standard library's key generators treat a nil source).
func readRandom(r io.Reader, b []byte) error {
	if r == nil {
		r = cryptorand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("udf: reading random bytes: %w", err)
	}
	return nil
}

// randomBytes draws bits/8 bytes from rand (crypto/rand if nil) after
// checking bits.
func randomBytes(rand io.Reader, bits int) ([]byte, error) {
	if bits%8 != 0 || bits < MinRandomBits || bits > MaxRandomBits {
		return nil, fmt.Errorf("udf: random value of %d bits: need a multiple of 8 from %d to %d", bits, MinRandomBits, MaxRandomBits)
	}
	b := make([]byte, bits/8)
	if err := readRandom(rand, b); err != nil {
		return nil, err
	}
	return b, nil
}

// randomUDF returns t || bits/8 random bytes at full precision.
func randomUDF(t Type, rand io.Reader, bits int) (string, error) {
	b, err := randomBytes(rand, bits)
	if err != nil {
		return "", err
	}
	return Encode(t, b), nil
}

// Nonce returns a nonce UDF (type 104) of bits random bits, a multiple of 8
// (udf.md §5.1). Nonce(rand, 128) gives the 28-character form the Mesh uses
// for message ids. Unlike [REF] UDF.Nonce(), whole bytes are drawn and all
// are presented.
func Nonce(rand io.Reader, bits int) (string, error) {
	return randomUDF(TypeNonce, rand, bits)
}

// Key returns a random symmetric key UDF (type 32) of bits random bits, a
// multiple of 8 (udf.md §5.2, [REF] UDF.EncryptionKey).
func Key(rand io.Reader, bits int) (string, error) {
	return randomUDF(EncryptionKey, rand, bits)
}

// AuthenticationKey returns a random authenticator key UDF (type 0), as
// used for PINs (udf.md §5.2, §8.2), of bits random bits, a multiple of 8.
func AuthenticationKey(rand io.Reader, bits int) (string, error) {
	return randomUDF(HMACSHA2512, rand, bits)
}

// EARL key sizes of the CLI "key earl" (udf.md §5.2).
const (
	earlKeyRandomBytes = 18
	earlKeyBits        = 148
)

// EARLKey returns a new EARL encryption key as the reference CLI "key earl"
// makes it: 18 random bytes presented as type 32 at 148 bits, 30
// characters (udf.md §5.2). The key actually used is the 17 data bytes a
// parse of the string yields.
func EARLKey(rand io.Reader) (string, error) {
	b := make([]byte, 1+earlKeyRandomBytes)
	b[0] = byte(EncryptionKey)
	if err := readRandom(rand, b[1:]); err != nil {
		return "", err
	}
	return Present(b, earlKeyBits), nil
}

// minSignatureKeyBits is the least precision of an EncryptionSignature key
// (udf.md §5.3).
const minSignatureKeyBits = 128

// SignatureBoundKey returns the type-33 symmetric key bound to a
// signature key (udf.md §5.3, [REF] CryptoKeySymmetricSigner): the first
// bits/8 bytes of the signature key's 64-byte binary fingerprint, presented
// with type 33 at full precision. bits is a multiple of 8 from 128 to 504.
// No printed vector exists for this type (udf.md §13).
func SignatureBoundKey(keyUDFBytes []byte, bits int) (string, error) {
	if len(keyUDFBytes) != DigestLength {
		return "", fmt.Errorf("udf: signature key fingerprint is %d bytes, want %d", len(keyUDFBytes), DigestLength)
	}
	if bits%8 != 0 || bits < minSignatureKeyBits || bits > 8*(DigestLength-1) {
		return "", fmt.Errorf("udf: encryption signature key of %d bits: need a multiple of 8 from %d to %d", bits, minSignatureKeyBits, 8*(DigestLength-1))
	}
	return Encode(EncryptionSignature, keyUDFBytes[:bits/8]), nil
}

// OIDValue returns the OID UDF (type 112) of a DER "OID identified
// sequence" such as the SubjectPublicKeyInfo of udf.md §6.5, at full
// precision (udf.md §5.4).
func OIDValue(der []byte) string {
	return Encode(OID, der)
}
