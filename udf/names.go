package udf

import (
	"fmt"
	"strings"
)

// Validation of the DNS names and account addresses that appear in EARLs,
// connect URIs and Strong Internet Names (udf.md §8, §9).

// maxLocalPartLength is the longest local part of an account address
// (RFC 5321 §4.5.3.1.1).
const maxLocalPartLength = 64

// checkDomain validates an LDH domain name: labels of 1 to 63 letters,
// digits and hyphens, not starting or ending with a hyphen, at most 253
// characters in all.
func checkDomain(d string) error {
	if d == "" {
		return fmt.Errorf("udf: empty domain name")
	}
	if len(d) > MaxDomainLength {
		return fmt.Errorf("udf: domain name of %d characters, limit %d", len(d), MaxDomainLength)
	}
	start := 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			c := d[i]
			if !isLetterDigit(c) && c != '-' {
				return fmt.Errorf("udf: invalid character %q at position %d of domain name", rune(c), i)
			}
			continue
		}
		label := d[start:i]
		if label == "" || len(label) > MaxLabelLength {
			return fmt.Errorf("udf: domain label at position %d has %d characters, want 1 to %d", start, len(label), MaxLabelLength)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("udf: domain label %q at position %d starts or ends with a hyphen", label, start)
		}
		start = i + 1
	}
	return nil
}

func isLetterDigit(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// isLocalChar reports whether c may appear in the local part of an account
// address: RFC 5322 atext and '.', less the characters with a meaning in a
// URI ('/', '?', '#', '%').
func isLocalChar(c byte) bool {
	return isLetterDigit(c) || strings.IndexByte("!$&'*+-=^_`{|}~.", c) >= 0
}

// splitAccount validates an account address local@domain and returns its
// parts.
func splitAccount(account string) (local, domain string, err error) {
	at := strings.IndexByte(account, '@')
	if at < 0 {
		return "", "", fmt.Errorf("udf: account address %q has no '@'", account)
	}
	local, domain = account[:at], account[at+1:]
	if local == "" || len(local) > maxLocalPartLength {
		return "", "", fmt.Errorf("udf: account local part has %d characters, want 1 to %d", len(local), maxLocalPartLength)
	}
	for i := 0; i < len(local); i++ {
		if !isLocalChar(local[i]) {
			return "", "", fmt.Errorf("udf: invalid character %q at position %d of account address", rune(local[i]), i)
		}
	}
	if err := checkDomain(domain); err != nil {
		return "", "", err
	}
	return local, domain, nil
}
