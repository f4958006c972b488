package keys

import (
	"fmt"
	"io"
)

// privateString is what every private key type prints for every fmt verb:
// the curve and the public fingerprint, never the secret (STYLE.md rule 11).
func privateString(alg Algorithm, pub PublicKey) string {
	if isNilKey(pub) {
		return "keys." + alg.String() + "Private{<nil>}"
	}
	return "keys." + alg.String() + "Private{" + pub.Fingerprint() + ", secret redacted}"
}

// formatRedacted writes s for any verb, so %x, %v, %+v and %#v alike print
// only the redacted form.
func formatRedacted(f fmt.State, s string) { _, _ = io.WriteString(f, s) }
