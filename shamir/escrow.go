package shamir

import (
	"fmt"
	"io"

	"github.com/mathmesh/mesh/udf"
)

// Escrow of a Mesh account or service seed (udf.md §7.4, [REF]
// ContextUser.Escrow and DispatchAccount.AccountRecover).

// EscrowSecretLength is the length of the shared secret: the whole binary
// seed UDF C8 || algId (2) || seed (32), so p = 2^280 + 45.
const EscrowSecretLength = 35

// checkEscrowAlg accepts the seeds that may be escrowed.
func checkEscrowAlg(alg udf.AlgID) error {
	if alg != udf.MeshProfileAccount && alg != udf.MeshProfileService {
		return fmt.Errorf("shamir: escrow needs a MeshProfileAccount (258) or MeshProfileService (260) seed, not %v (%d)", alg, uint16(alg))
	}
	return nil
}

// EscrowSeed splits a 35-byte account or service seed UDF (ZAAQ-..., 56
// characters) into n shares, any k of which recover it (udf.md §7.4). The
// reference CLI "account escrow" uses k = 2, n = 3.
func EscrowSeed(seed string, k, n int, rand io.Reader) ([]Share, error) {
	alg, ikm, err := udf.ParseSeed(seed)
	if err != nil {
		return nil, fmt.Errorf("shamir: escrow seed: %w", err)
	}
	if err := checkEscrowAlg(alg); err != nil {
		return nil, err
	}
	secret := append([]byte{byte(udf.DerivedKey)}, ikm...)
	defer clear(secret)
	clear(ikm)
	if len(secret) != EscrowSecretLength {
		return nil, fmt.Errorf("shamir: escrow seed of %d bytes, want %d", len(secret), EscrowSecretLength)
	}
	return Split(secret, k, n, rand)
}

// RecoverSeed recovers an escrowed seed and returns it as the seed UDF
// string, the original ZAAQ-... text (udf.md §7.4). Following [REF]
// SharedSecret.ParseKey it skips leading zero bytes of the recovered value,
// then requires 35 bytes starting 0xC8 with algorithm 258
// (MeshProfileAccount) or 260 (MeshProfileService).
func RecoverSeed(shares []Share) (string, error) {
	secret, err := Recover(shares)
	if err != nil {
		return "", err
	}
	defer clear(secret)
	v := secret
	for len(v) > 0 && v[0] == 0 {
		v = v[1:]
	}
	if len(v) != EscrowSecretLength {
		return "", fmt.Errorf("shamir: recovered seed of %d bytes after leading zeros, want %d", len(v), EscrowSecretLength)
	}
	if udf.Type(v[0]) != udf.DerivedKey {
		return "", fmt.Errorf("shamir: recovered value has type byte 0x%02X, want 0xC8", v[0])
	}
	if err := checkEscrowAlg(udf.AlgID(uint16(v[1])<<8 | uint16(v[2]))); err != nil {
		return "", err
	}
	return udf.Encode(udf.DerivedKey, v[1:]), nil
}
