package dare

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
)

// payloadKeys are the keys of one data item (dare.md §5).
type payloadKeys struct {
	key    []byte // AES-256 key
	iv     []byte // CBC IV
	macKey []byte // HMAC key of our authenticated mode
}

// derivePayloadKeys implements dare.md §5: PRK = HMAC-SHA-256(key = S, data =
// seed), then HKDF-Expand-SHA-256 with the info strings "encrypt", "iv" and
// "mac". S is the header Salt for the body and prefix || Salt for an EDS.
//
// Our authenticated mode (enc = EncA256CBCETM) prefixes each info string
// with "A256CBC-ETM-S512 " (key separation, docs/dare.md): an authenticated
// envelope whose enc is rewritten to A256CBC and whose tag is stripped then
// decrypts under different keys, to noise, so the downgrade gains nothing.
func derivePayloadKeys(seed, s []byte, enc string) (*payloadKeys, error) {
	label := ""
	if enc == EncA256CBCETM {
		label = EncA256CBCETM + " "
	}
	prk, err := hkdf.Extract(sha256.New, seed, s)
	if err != nil {
		return nil, fmt.Errorf("dare: deriving payload keys: %w", err)
	}
	expand := func(info string, n int) ([]byte, error) {
		return hkdf.Expand(sha256.New, prk, label+info, n)
	}
	k := &payloadKeys{}
	if k.key, err = expand("encrypt", 32); err != nil {
		return nil, fmt.Errorf("dare: deriving payload key: %w", err)
	}
	if k.iv, err = expand("iv", blockSize); err != nil {
		return nil, fmt.Errorf("dare: deriving payload iv: %w", err)
	}
	if k.macKey, err = expand("mac", 32); err != nil {
		return nil, fmt.Errorf("dare: deriving payload mac key: %w", err)
	}
	return k, nil
}

// KEK info strings (dare.md §4.3): we write "", and read "", then the
// documentation generator's "master", then the draft's "dare-master". The
// RFC 3394 integrity check tells which one was used.
var kekInfos = []string{"", "master", "dare-master"}

// deriveKEK implements dare.md §4.3: KEK = HKDF-SHA-512(salt none, IKM, info,
// 32 bytes).
func deriveKEK(ikm []byte, info string) ([]byte, error) {
	kek, err := hkdf.Key(sha512.New, ikm, nil, info, 32)
	if err != nil {
		return nil, fmt.Errorf("dare: deriving key encryption key: %w", err)
	}
	return kek, nil
}

// witness implements dare.md §7.2/§7.3: HKDF-SHA-256(IKM = seed, salt =
// Salt, info = X, 32 bytes), X = the signature (Gen-A) or manifest (Gen-B).
func witness(seed, salt, x []byte) ([]byte, error) {
	w, err := hkdf.Key(sha256.New, seed, salt, string(x), 32)
	if err != nil {
		return nil, fmt.Errorf("dare: computing witness: %w", err)
	}
	return w, nil
}

// hmacEqual compares two MACs or witnesses in constant time.
func hmacEqual(a, b []byte) bool { return hmac.Equal(a, b) }
