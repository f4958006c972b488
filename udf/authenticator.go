package udf

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha3"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
)

// Authenticator (keyed) UDFs, types 0 and 1 (udf.md §4).

// ErrMismatch is returned when a MAC, witness or fingerprint does not match
// the value it is checked against.
var ErrMismatch = errors.New("udf: value does not match")

// Labels of the keyed content fingerprint (udf.md §4.1).
const (
	keyedSalt = "KeyedUDFMaster"
	keyedInfo = "KeyedUDFExpand"
)

// KeyedDigest returns the keyed content fingerprint (type 0) of data with
// content type ct under the key string key (udf.md §4.1, [REF]
// BufferDigestToUDF, CLI "hash mac"):
//
//	PRK = HMAC-SHA-512(key = "KeyedUDFMaster", msg = UTF8(K))
//	MK  = HKDF-Expand-SHA-512(PRK, "KeyedUDFExpand", 64)
//	AV  = HMAC-SHA-512(MK, UTF8(ct) || ':' || H2(data))
//	UDF = 0x00 || AV[0..62]
//
// K is the key in canonical form (upper case, dashes every 4 characters),
// so any spelling of the same key gives the same result. Only the SHA-2
// suite exists ([REF] has no HMAC-SHA3 keyed fingerprint). Authenticators
// are never compressed.
func KeyedDigest(data []byte, ct, key string, bits int) (string, error) {
	cdv := sha512.Sum512(data)
	return KeyedDigestOfDigest(cdv[:], ct, key, bits)
}

// KeyedDigestOfDigest is KeyedDigest for a caller that already holds
// cdv = SHA-2-512(data), for example from streaming a large file.
func KeyedDigestOfDigest(cdv []byte, ct, key string, bits int) (string, error) {
	if len(cdv) != DigestLength {
		return "", fmt.Errorf("udf: keyed digest: content digest is %d bytes, want %d", len(cdv), DigestLength)
	}
	k, err := Canonical(key)
	if err != nil {
		return "", fmt.Errorf("udf: keyed digest key: %w", err)
	}
	prk, err := hkdf.Extract(sha512.New, []byte(k), []byte(keyedSalt))
	if err != nil {
		return "", fmt.Errorf("udf: hkdf: %w", err)
	}
	mk, err := hkdf.Expand(sha512.New, prk, keyedInfo, sha512.Size)
	if err != nil {
		return "", fmt.Errorf("udf: hkdf: %w", err)
	}
	m := hmac.New(sha512.New, mk)
	m.Write([]byte(ct))
	m.Write([]byte{':'})
	m.Write(cdv)
	return presentMAC(HMACSHA2512, m.Sum(nil), bits), nil
}

// presentMAC returns present(t || mac[0..62], bits).
func presentMAC(t Type, mac []byte, bits int) string {
	var bin [DigestLength]byte
	bin[0] = byte(t)
	copy(bin[1:], mac)
	return Present(bin[:], bits)
}

// macKey parses a UDF key for SymmetricKeyMac and picks the HMAC hash and
// result type (udf.md §4.2): types 0, 32 and 33 use HMAC-SHA-512 and give
// type 0; type 1 uses HMAC-SHA3-512 and gives type 1.
func macKey(keyUDF string) (key []byte, h func() hash.Hash, t Type, err error) {
	kt, key, err := Parse(keyUDF)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("udf: mac key: %w", err)
	}
	switch kt {
	case HMACSHA2512, EncryptionKey, EncryptionSignature:
		return key, sha512.New, HMACSHA2512, nil
	case HMACSHA3512:
		return key, func() hash.Hash { return sha3.New512() }, HMACSHA3512, nil
	}
	return nil, nil, 0, fmt.Errorf("udf: mac key has type %d (%v), want 0, 1, 32 or 33", byte(kt), kt)
}

// symmetricMAC returns the result type and the full HMAC of data under the
// key parsed from keyUDF.
func symmetricMAC(data []byte, keyUDF string) (Type, []byte, error) {
	key, h, t, err := macKey(keyUDF)
	if err != nil {
		return 0, nil, err
	}
	m := hmac.New(h, key)
	m.Write(data)
	return t, m.Sum(nil), nil
}

// SymmetricKeyMac returns the MAC of data under a UDF key, presented at
// DefaultBits (udf.md §4.2, [REF] SymmetricKeyMac). The key is the BDS
// that a parse of keyUDF yields.
func SymmetricKeyMac(data []byte, keyUDF string) (string, error) {
	t, mac, err := symmetricMAC(data, keyUDF)
	if err != nil {
		return "", err
	}
	return presentMAC(t, mac, DefaultBits), nil
}

// VerifySymmetricKeyMac recomputes the MAC of data under keyUDF and checks
// the presented mac against it with [Matches] and minBits (udf.md §4.2,
// [REF] SymmetricKeyVerifyMac, whose default minBits is 100). It returns
// nil if the MAC is valid.
func VerifySymmetricKeyMac(data []byte, keyUDF, mac string, minBits int) error {
	t, want, err := symmetricMAC(data, keyUDF)
	if err != nil {
		return err
	}
	return Matches(mac, t, want[:DigestLength-1], minBits)
}

// KeyHKDF derives a type-32 key from a UDF key and a label ([REF]
// SymmetricKeyHkdf, udf.md §8.2): 0x20 || HKDF-SHA-512(IKM = BDS of keyUDF,
// salt absent, info = UTF8(label), 32 bytes), at full precision (53
// characters). The key must have type 0, 1, 32 or 33.
func KeyHKDF(keyUDF, label string) (string, error) {
	k, _, _, err := macKey(keyUDF)
	if err != nil {
		return "", err
	}
	okm, err := hkdf.Key(sha512.New, k, nil, label, 32)
	if err != nil {
		return "", fmt.Errorf("udf: hkdf: %w", err)
	}
	return Encode(EncryptionKey, okm), nil
}
