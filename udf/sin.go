package udf

import (
	"fmt"
	"strings"
)

// Strong Internet Names (udf.md §9).

// sinPrefix marks the DNS label that carries the UDF. [UDF13] §7 says
// "mm-" but every example uses "mm--" (udf.md §9).
const sinPrefix = "mm--"

// StrongNameLabel returns the DNS label mm--<lower-case fingerprint>,
// dashes kept (udf.md §9). The label must fit in 63 characters, so the
// fingerprint has at most 48 Base32 characters (240 bits).
func StrongNameLabel(fingerprint string) (string, error) {
	if _, _, err := Parse(fingerprint); err != nil {
		return "", fmt.Errorf("udf: strong name fingerprint: %w", err)
	}
	c, err := Canonical(fingerprint)
	if err != nil {
		return "", err
	}
	label := sinPrefix + strings.ToLower(c)
	if len(label) > MaxLabelLength {
		return "", fmt.Errorf("udf: strong name label of %d characters, limit %d", len(label), MaxLabelLength)
	}
	return label, nil
}

// StrongName returns address + ".mm--" + lower(fingerprint), the suffix
// form that [REF] UDF.MakeStrongName builds (udf.md §9), for example
// alice@example.com.mm--mb2g-.... address must be local@domain.
func StrongName(address, fingerprint string) (string, error) {
	if _, _, err := splitAccount(address); err != nil {
		return "", err
	}
	label, err := StrongNameLabel(fingerprint)
	if err != nil {
		return "", err
	}
	name := address + "." + label
	if err := checkDomain(name[strings.IndexByte(name, '@')+1:]); err != nil {
		return "", err
	}
	return name, nil
}

// ParseStrongName parses an address that may carry a Strong Internet Name
// label in either position (udf.md §9, [REF] ParseStrongRFC822): it splits
// on '@', lower-cases the domain, takes the label starting "mm--" as the
// fingerprint and rejoins the other labels as the plain address. The
// fingerprint is returned in canonical form, or "" if the address has no
// such label. More than one "mm--" label is an error.
func ParseStrongName(s string) (address, fingerprint string, err error) {
	if len(s) > MaxURILength {
		return "", "", fmt.Errorf("udf: strong name of %d bytes, limit %d", len(s), MaxURILength)
	}
	local, domain, err := splitAccount(s)
	if err != nil {
		return "", "", err
	}
	labels := strings.Split(strings.ToLower(domain), ".")
	plain := labels[:0]
	for i, label := range labels {
		fp, ok := strings.CutPrefix(label, sinPrefix)
		if !ok {
			plain = append(plain, label)
			continue
		}
		if fingerprint != "" {
			return "", "", fmt.Errorf("udf: strong name has a second %q label (label %d)", sinPrefix, i)
		}
		if _, _, err := Parse(fp); err != nil {
			return "", "", fmt.Errorf("udf: strong name label %d: %w", i, err)
		}
		if fingerprint, err = Canonical(fp); err != nil {
			return "", "", err
		}
	}
	if len(plain) == 0 {
		return "", "", fmt.Errorf("udf: strong name %q has no domain besides the %q label", s, sinPrefix)
	}
	return local + "@" + strings.Join(plain, "."), fingerprint, nil
}
