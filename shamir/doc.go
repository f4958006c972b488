// Package shamir implements Shamir secret sharing over the UDF prime table,
// with shares encoded as type-144 UDFs, and the escrow of Mesh account
// seeds, following our spec notes /work/shared/spec/udf.md §7 (cited below
// as "udf.md §n") and draft-hallambaker-mesh-udf-13 §4.5.
//
// A secret of L bytes (1 <= L <= 64) is the constant term a0 of a random
// polynomial of degree k-1 over GF(p_L), p_L = 2^(8L) + off[L] being the
// next prime after 2^(8L) (udf.md §7.1). Share x (1 <= x <= n <= 15) holds
// y = f(x), written in L bytes after the byte (k << 4) | (x - 1)
// (udf.md §7.2). Any k shares recover the secret (udf.md §7.3).
//
// Deviations from the C# reference, as udf.md asks: [Split] redraws the
// coefficients when a share value does not fit in L bytes (udf.md §7.2
// step 3, a loop the reference never runs), and [Recover] interpolates over
// exactly k shares and checks any further shares against the same
// polynomial instead of mixing them into the Lagrange coefficients
// (udf.md §7.3 step 4).
//
// The arithmetic uses math/big and is NOT constant time: timing may reveal
// information about the secret and the shares to an observer on the same
// machine. Splitting and recovery are rare offline operations (account
// escrow and recovery); do not use this package where an attacker can time
// repeated operations on the same secret.
package shamir
