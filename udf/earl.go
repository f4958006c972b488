package udf

import (
	"fmt"
	"strings"
)

// The UDF-draft EARL, udf://<domain>/<encryption key UDF> (udf.md §8.1).

const (
	earlScheme = "udf://"

	// earlPath is the default mmm-udf service endpoint path (udf.md §8.1
	// step 1; the examples use it rather than [UDF13]'s /.well-known/srv/).
	earlPath = "/.well-known/mmm-udf/"

	// earlIDBits is the content id precision, min(2*140, 440) (udf.md §8.1
	// step 2).
	earlIDBits = 2 * DefaultBits
)

// canonicalKey returns the canonical text of a UDF key of type want.
func canonicalKey(key string, want Type) (string, error) {
	t, _, err := Parse(key)
	if err != nil {
		return "", err
	}
	if t != want {
		return "", fmt.Errorf("udf: key has type %d (%v), want %d (%v)", byte(t), t, byte(want), want)
	}
	return Canonical(key)
}

// EARLContentID returns the content id under which the resource of an
// EARL key is published (udf.md §8.1 step 2, [REF] DispatchKey.KeyEarl):
// the SHA-2 content digest, with the inner hash, of the key text as
// printed (canonical form), content type "UDFEncryption", at 280 bits. The
// key must have type 32.
func EARLContentID(key string) (string, error) {
	k, err := canonicalKey(key, EncryptionKey)
	if err != nil {
		return "", err
	}
	return ContentDigest([]byte(k), ContentTypeEncryption, SHA2_512, earlIDBits), nil
}

// EARLLocator returns the URL from which the encrypted resource of an EARL
// is fetched: https://<domain>/.well-known/mmm-udf/<content id>
// (udf.md §8.1 steps 1 to 3, default endpoint).
func EARLLocator(domain, key string) (string, error) {
	if err := checkDomain(domain); err != nil {
		return "", err
	}
	id, err := EARLContentID(key)
	if err != nil {
		return "", err
	}
	return "https://" + domain + earlPath + id, nil
}

// FormatEARL returns udf://<domain>/<key> with the key in canonical form
// (udf.md §8.1). The key must have type 32.
func FormatEARL(domain, key string) (string, error) {
	if err := checkDomain(domain); err != nil {
		return "", err
	}
	k, err := canonicalKey(key, EncryptionKey)
	if err != nil {
		return "", err
	}
	return earlScheme + domain + "/" + k, nil
}

// ParseEARL splits an EARL udf://<domain>/<key> and returns the domain and
// the key in canonical form. The scheme is case-insensitive; the key must
// be a type-32 UDF.
func ParseEARL(uri string) (domain, key string, err error) {
	rest, err := cutScheme(uri, earlScheme)
	if err != nil {
		return "", "", err
	}
	domain, key, ok := strings.Cut(rest, "/")
	if !ok {
		return "", "", fmt.Errorf("udf: EARL %q has no key path", uri)
	}
	if err := checkDomain(domain); err != nil {
		return "", "", err
	}
	k, err := canonicalKey(key, EncryptionKey)
	if err != nil {
		return "", "", fmt.Errorf("udf: EARL key: %w", err)
	}
	return domain, k, nil
}

// cutScheme checks the length of uri and removes its scheme prefix, which is
// compared case-insensitively.
func cutScheme(uri, scheme string) (string, error) {
	if len(uri) > MaxURILength {
		return "", fmt.Errorf("udf: uri of %d bytes, limit %d", len(uri), MaxURILength)
	}
	if len(uri) < len(scheme) || !strings.EqualFold(uri[:len(scheme)], scheme) {
		return "", fmt.Errorf("udf: uri does not start with %q", scheme)
	}
	return uri[len(scheme):], nil
}
