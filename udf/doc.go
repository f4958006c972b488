// Package udf implements Uniform Data Fingerprints (UDFs) as used by the
// Mathematical Mesh, following our spec notes /work/shared/spec/udf.md
// (cited below as "udf.md §n"), which in turn follow
// draft-hallambaker-mesh-udf-13 and the C# reference implementation.
//
// A UDF is a byte string T || BDS: one type byte ([Type]) followed by a
// binary data sequence whose meaning depends on T (udf.md §1). Its text
// form is upper-case Base32 with a dash after every four characters
// (udf.md §2). The package provides:
//
//   - the codec: [Present], [Parse], [Decode], [Canonical] (udf.md §2.1, §2.2);
//   - fingerprint comparison: [Equal], [HasPrefix], [Matches] (udf.md §2.3);
//   - content digests: [ContentDigest], [DigestBinary], [DigestOfDigest],
//     [DigestOfString] (udf.md §3);
//   - authenticators: [KeyedDigest], [SymmetricKeyMac], [VerifySymmetricKeyMac]
//     (udf.md §4);
//   - fixed-length values: [Nonce], [Key], [AuthenticationKey], [Encode],
//     [SignatureBoundKey], [Seed], [ParseSeed] (udf.md §5);
//   - EARLs and Mesh connect URIs (udf.md §6.6, §8), Strong Internet Names
//     (udf.md §9) and the messaging identifiers of udf.md §10.
//
// Key material taken from a UDF string is always the whole bytes that a
// parse of that string yields (udf.md §2.2), never the longer value the
// string was cut from.
//
// Where udf.md deviates from the reference implementation it says which to
// follow; this package follows udf.md. The deviations are: strict parsing
// (characters outside the Base32 alphabet are rejected instead of skipped),
// the compression level table of udf.md §3.1 (instead of the reference's
// GetCompression), and nonces drawn as whole bytes (udf.md §5.1).
package udf
