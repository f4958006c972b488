package udf

import (
	"crypto/hmac"
	"crypto/sha512"
	"fmt"
	"strings"
)

// UDF-derived identifiers used by Mesh messaging (udf.md §10).

// PIN actions of [REF] MessagePin.SaltPIN (udf.md §10).
const (
	ActionDevice  = "Device"
	ActionContact = "Contact"
)

// messageDigest returns the content digest, at DefaultBits, of the parsed
// BDS of a message id, with H3 if the id has type 80 and H2 otherwise
// ([REF] Message.MakeID, udf.md §10).
func messageDigest(messageID, ct string) (string, error) {
	t, bds, err := Parse(messageID)
	if err != nil {
		return "", fmt.Errorf("udf: message id: %w", err)
	}
	alg := SHA2_512
	if t == DigestSHA3 {
		alg = SHA3_512
	}
	return ContentDigest(bds, ct, alg, DefaultBits), nil
}

// EnvelopeID returns the EnvelopeId of a message (udf.md §10): the
// content digest of the parsed BDS of messageID with content type
// "application/mmm/envelopeid".
func EnvelopeID(messageID string) (string, error) {
	return messageDigest(messageID, ContentTypeEnvelopeID)
}

// ResponseID returns the ResponseId of a message (udf.md §10), as
// EnvelopeID with content type "application/mmm/responseid".
func ResponseID(messageID string) (string, error) {
	return messageDigest(messageID, ContentTypeResponseID)
}

// SaltPIN returns SymmetricKeyMac(UTF8(action), pin), the salted PIN of
// [REF] MessagePin.SaltPIN (udf.md §10); action is ActionDevice or
// ActionContact.
func SaltPIN(pin, action string) (string, error) {
	if action != ActionDevice && action != ActionContact {
		return "", fmt.Errorf("udf: pin action %q, want %q or %q", action, ActionDevice, ActionContact)
	}
	return SymmetricKeyMac([]byte(action), pin)
}

// PinID returns SymmetricKeyMac(UTF8(lower(account)), saltedPin), the id
// under which a PIN is registered (udf.md §10).
func PinID(saltedPin, account string) (string, error) {
	return SymmetricKeyMac([]byte(strings.ToLower(account)), saltedPin)
}

// PinWitness returns HMAC-SHA-512(key = BDS of saltedPin,
// UTF8(lower(account)) || clientNonce || payloadDigest), 64 raw bytes
// ([REF] UDF.PinWitness, udf.md §10). saltedPin must be a type-0
// authenticator, as SaltPIN makes from a type-0 PIN.
func PinWitness(saltedPin, account string, clientNonce, payloadDigest []byte) ([]byte, error) {
	t, key, err := Parse(saltedPin)
	if err != nil {
		return nil, fmt.Errorf("udf: salted pin: %w", err)
	}
	if t != HMACSHA2512 {
		return nil, fmt.Errorf("udf: salted pin has type %d (%v), want 0", byte(t), t)
	}
	m := hmac.New(sha512.New, key)
	m.Write([]byte(strings.ToLower(account)))
	m.Write(clientNonce)
	m.Write(payloadDigest)
	return m.Sum(nil), nil
}

// VerifyPinWitness recomputes the PIN witness and compares it with witness
// in constant time. It returns nil if they are equal.
func VerifyPinWitness(saltedPin, account string, clientNonce, payloadDigest, witness []byte) error {
	want, err := PinWitness(saltedPin, account, clientNonce, payloadDigest)
	if err != nil {
		return err
	}
	if !hmac.Equal(want, witness) {
		return ErrMismatch
	}
	return nil
}

// ConnectionWitness returns the witness of a connection ([REF]
// UDF.MakeWitness, MeshPersist.Connect, udf.md §10):
//
//	w = H2( H2(accountUDFBytes || serverNonce) || H2(deviceUDFBytes || clientNonce) )
//
// presented as raw Base32 of w, with no type byte, at DefaultBits. The
// UDFBytes are the 64-byte binary fingerprints of the two ProfileSignature
// keys and the nonces are raw bytes.
func ConnectionWitness(accountUDFBytes, serverNonce, deviceUDFBytes, clientNonce []byte) (string, error) {
	if len(accountUDFBytes) != DigestLength || len(deviceUDFBytes) != DigestLength {
		return "", fmt.Errorf("udf: connection witness needs %d-byte fingerprints, got %d and %d", DigestLength, len(accountUDFBytes), len(deviceUDFBytes))
	}
	h := sha512.New()
	h.Write(accountUDFBytes)
	h.Write(serverNonce)
	a := h.Sum(nil)
	h.Reset()
	h.Write(deviceUDFBytes)
	h.Write(clientNonce)
	d := h.Sum(nil)
	w := sha512.Sum512(append(a, d...))
	return Present(w[:], DefaultBits), nil
}
