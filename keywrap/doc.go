// Package keywrap implements the AES Key Wrap algorithm of RFC 3394
// (section 2.2.1 wrap, section 2.2.2 unwrap) with the default initial value
// of section 2.2.3.1 (A6A6A6A6A6A6A6A6).
//
// The Mesh uses it (architecture draft, DARE envelope recipients, see
// ../shared/spec/dare.md and ../shared/spec/threshold.md §6) to wrap content
// encryption keys under a key-encryption key derived by HKDF from a key
// agreement. The integrity check of the unwrapped initial value is done in
// constant time.
package keywrap
