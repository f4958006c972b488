package protocol

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"strconv"
)

// HTTP header names of the application-layer authentication
// (docs/protocol.md §3.2).
const (
	HeaderCredentialKind = "Mesh-Credential-Kind"
	HeaderCredential     = "Mesh-Credential"
	HeaderAccount        = "Mesh-Account"
	HeaderDate           = "Mesh-Date"
	HeaderNonce          = "Mesh-Nonce"
	HeaderMAC            = "Mesh-Mac"
)

// Labels that separate the uses of the request key K (docs/protocol.md §3.3).
const (
	kdfSalt       = "mmm-request"
	requestLabel  = "mmm-request-v1"
	responseLabel = "mmm-response-v1"
)

// NonceSize is the size of a request nonce (128 bits).
const NonceSize = 16

// KeySize is the size of the request key K and of every MAC (HMAC-SHA-512).
const KeySize = 64

// RequestKey is the key K that authenticates the requests and responses of
// one client key with one service (docs/protocol.md §3.3). It never prints.
type RequestKey struct {
	k [KeySize]byte
}

func (*RequestKey) String() string   { return "protocol.RequestKey(REDACTED)" }
func (*RequestKey) GoString() string { return "protocol.RequestKey(REDACTED)" }

// Format redacts the key for every verb.
func (k *RequestKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// DeriveRequestKey computes K from the X448 (or X25519) shared secret z
// between the client's authentication key and the service's
// ServiceAuthentication key:
//
//	K = HKDF-SHA-512(IKM = z, salt = "mmm-request",
//	                 info = len(clientKeyID) ‖ clientKeyID ‖ len(serviceUDF) ‖ serviceUDF)
//
// where each len is 4 bytes big-endian and the identifiers are the UDF
// strings (the key's fingerprint, the service profile's UDF).
func DeriveRequestKey(z []byte, clientKeyID, serviceUDF string) (*RequestKey, error) {
	if len(z) == 0 {
		return nil, errors.New("protocol: empty shared secret")
	}
	var info []byte
	info = appendField(info, []byte(clientKeyID))
	info = appendField(info, []byte(serviceUDF))
	okm, err := hkdf.Key(sha512.New, z, []byte(kdfSalt), string(info), KeySize)
	if err != nil {
		return nil, fmt.Errorf("protocol: deriving the request key: %w", err)
	}
	var k RequestKey
	copy(k.k[:], okm)
	clear(okm)
	return &k, nil
}

// RequestAuth holds the authenticated parts of one request
// (docs/protocol.md §3.3).
type RequestAuth struct {
	Method, Path, Host string
	Kind               CredentialKind
	Credential         []byte // the decoded Mesh-Credential bytes
	Account            string
	Timestamp          int64 // Unix seconds
	Nonce              []byte
	Body               []byte
}

// MAC returns the request MAC:
//
//	HMAC-SHA-512(K, F("mmm-request-v1") ‖ F(method) ‖ F(path) ‖ F(host) ‖
//	             F(kind) ‖ F(SHA-512(credential)) ‖ F(account) ‖
//	             F(decimal timestamp) ‖ F(nonce) ‖ F(SHA-512(body)))
//
// where F(x) = 4-byte big-endian length of x ‖ x.
func (k *RequestKey) MAC(a *RequestAuth) []byte {
	m := hmac.New(sha512.New, k.k[:])
	credHash := sha512.Sum512(a.Credential)
	bodyHash := sha512.Sum512(a.Body)
	writeFields(m,
		[]byte(requestLabel), []byte(a.Method), []byte(a.Path), []byte(a.Host),
		[]byte(a.Kind), credHash[:], []byte(a.Account),
		[]byte(strconv.FormatInt(a.Timestamp, 10)), a.Nonce, bodyHash[:])
	return m.Sum(nil)
}

// VerifyMAC checks a request MAC in constant time.
func (k *RequestKey) VerifyMAC(a *RequestAuth, mac []byte) bool {
	return hmac.Equal(k.MAC(a), mac)
}

// ResponseMAC returns the MAC of a response to the request with the given
// nonce:
//
//	HMAC-SHA-512(K, F("mmm-response-v1") ‖ F(nonce) ‖ F(decimal HTTP status) ‖ F(SHA-512(body)))
func (k *RequestKey) ResponseMAC(nonce []byte, status int, body []byte) []byte {
	m := hmac.New(sha512.New, k.k[:])
	bodyHash := sha512.Sum512(body)
	writeFields(m, []byte(responseLabel), nonce, []byte(strconv.Itoa(status)), bodyHash[:])
	return m.Sum(nil)
}

// VerifyResponseMAC checks a response MAC in constant time.
func (k *RequestKey) VerifyResponseMAC(nonce []byte, status int, body, mac []byte) bool {
	return hmac.Equal(k.ResponseMAC(nonce, status, body), mac)
}

func writeFields(h hash.Hash, fields ...[]byte) {
	var n [4]byte
	for _, f := range fields {
		binary.BigEndian.PutUint32(n[:], uint32(len(f)))
		h.Write(n[:])
		h.Write(f)
	}
}

func appendField(dst, f []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(f)))
	return append(dst, f...)
}
