package udf

import (
	"crypto/hkdf"
	"crypto/sha512"
	"fmt"
	"strings"
)

// Mesh connect URIs, mcu://<local>@<domain>/<PIN>, and the device EARL
// identifiers derived from their PIN (udf.md §6.6, §8.2).

const (
	connectScheme = "mcu://"

	// ServiceAuthenticatorLabel and DeviceAuthenticatorLabel are the HKDF
	// labels of the publication authenticators (udf.md §8.2).
	ServiceAuthenticatorLabel = "mmm/key/authenticate/service"
	DeviceAuthenticatorLabel  = "mmm/key/authenticate/device"

	// ConnectPinBits is the PIN size ContextUser.Preconfigure uses
	// (udf.md §6.6): 15 bytes, 26 characters.
	ConnectPinBits = 120

	// VerifyServiceBits is the minBits [REF] CatalogedPublication.VerifyService
	// uses (udf.md §2.3).
	VerifyServiceBits = 125
)

// FormatConnectURI returns mcu://<account>/<pin> with the PIN in canonical
// form ([REF] MeshUri.ConnectUri, udf.md §8.2).
func FormatConnectURI(account, pin string) (string, error) {
	if _, _, err := splitAccount(account); err != nil {
		return "", err
	}
	p, err := Canonical(pin)
	if err != nil {
		return "", fmt.Errorf("udf: connect pin: %w", err)
	}
	return connectScheme + account + "/" + p, nil
}

// ParseConnectURI splits a connect URI and returns the account address
// (user-info '@' host) and the PIN (the path without its leading '/') in
// canonical form (udf.md §8.2). The PIN must parse as a UDF.
func ParseConnectURI(uri string) (account, pin string, err error) {
	rest, err := cutScheme(uri, connectScheme)
	if err != nil {
		return "", "", err
	}
	account, pin, ok := strings.Cut(rest, "/")
	if !ok {
		return "", "", fmt.Errorf("udf: connect uri has no pin path")
	}
	if _, _, err := splitAccount(account); err != nil {
		return "", "", err
	}
	if _, _, err := Parse(pin); err != nil {
		return "", "", fmt.Errorf("udf: connect pin: %w", err)
	}
	p, err := Canonical(pin)
	if err != nil {
		return "", "", fmt.Errorf("udf: connect pin: %w", err)
	}
	return account, p, nil
}

// ConnectPin derives the device EARL PIN from a device seed ([REF]
// MeshUri.GetConnectPin, udf.md §6.6):
//
//	pinKey = HKDF-SHA-512(IKM = UTF8(seed in canonical form), salt empty,
//	                      info = UTF8(account), L = bits/8)
//	pin    = 0x20 || pinKey, at full precision
//
// bits is a multiple of 8 from 64 to 512; the Mesh uses ConnectPinBits.
func ConnectPin(seed, account string, bits int) (string, error) {
	if bits%8 != 0 || bits < MinRandomBits || bits > MaxRandomBits {
		return "", fmt.Errorf("udf: connect pin of %d bits: need a multiple of 8 from %d to %d", bits, MinRandomBits, MaxRandomBits)
	}
	if _, _, err := ParseSeed(seed); err != nil {
		return "", err
	}
	if _, _, err := splitAccount(account); err != nil {
		return "", err
	}
	s, err := Canonical(seed)
	if err != nil {
		return "", err
	}
	pinKey, err := hkdf.Key(sha512.New, []byte(s), nil, account, bits/8)
	if err != nil {
		return "", fmt.Errorf("udf: hkdf: %w", err)
	}
	return Encode(EncryptionKey, pinKey), nil
}

// PublicationID returns the Id of the publication catalog entry for a
// type-32 PIN ([REF] SymetricKeyId, udf.md §8.2):
//
//	k     = BDS of the PIN
//	inner = DigestBinary(k, "UDFEncryption", SHA2_512)   // k stands in for CDV
//	Id    = present(0x20 || inner[0..62], 140)
func PublicationID(pin string) (string, error) {
	t, k, err := Parse(pin)
	if err != nil {
		return "", fmt.Errorf("udf: publication pin: %w", err)
	}
	if t != EncryptionKey {
		return "", fmt.Errorf("udf: publication pin has type %d (%v), want %d", byte(t), t, byte(EncryptionKey))
	}
	inner := DigestBinary(k, ContentTypeEncryption, SHA2_512)
	var bin [DigestLength]byte
	bin[0] = byte(EncryptionKey)
	copy(bin[1:], inner)
	return Present(bin[:], DefaultBits), nil
}

// ServiceAuthenticator returns the Authenticator of a publication entry:
// KeyHKDF(pin, ServiceAuthenticatorLabel) (udf.md §8.2).
func ServiceAuthenticator(pin string) (string, error) {
	return KeyHKDF(pin, ServiceAuthenticatorLabel)
}

// DeviceAuthenticator returns KeyHKDF(pin, DeviceAuthenticatorLabel), the
// key of a claim's DeviceAuthenticate (udf.md §8.2).
func DeviceAuthenticator(pin string) (string, error) {
	return KeyHKDF(pin, DeviceAuthenticatorLabel)
}

// ClaimAuthenticators returns the ServiceAuthenticate and DeviceAuthenticate
// fields of a claim ([REF] MessageClaim, udf.md §8.2) made by claimant
// (an account address, hashed as given) with a PIN:
// SymmetricKeyMac(UTF8(claimant), ServiceAuthenticator(pin)) and the same
// with DeviceAuthenticator(pin).
func ClaimAuthenticators(claimant, pin string) (service, device string, err error) {
	sa, err := ServiceAuthenticator(pin)
	if err != nil {
		return "", "", err
	}
	da, err := DeviceAuthenticator(pin)
	if err != nil {
		return "", "", err
	}
	if service, err = SymmetricKeyMac([]byte(claimant), sa); err != nil {
		return "", "", err
	}
	if device, err = SymmetricKeyMac([]byte(claimant), da); err != nil {
		return "", "", err
	}
	return service, device, nil
}

// VerifyClaimService checks a claim's ServiceAuthenticate against the
// Authenticator stored in the publication entry, with the VerifyServiceBits
// minimum of [REF] CatalogedPublication.VerifyService (udf.md §2.3, §8.2).
// It returns nil if the claim is valid.
func VerifyClaimService(claimant, authenticator, serviceAuthenticate string) error {
	return VerifySymmetricKeyMac([]byte(claimant), authenticator, serviceAuthenticate, VerifyServiceBits)
}
