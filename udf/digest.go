package udf

import (
	"crypto/sha3"
	"crypto/sha512"
	"fmt"
	"hash"
)

// Content digest UDFs (udf.md §3).

// DigestLength is the length of a binary digest or authenticator UDF:
// T || TCDV[0..62] (udf.md §3).
const DigestLength = 64

// Content type strings hashed by [REF] (udf.md §3.2). Use exactly these
// bytes: the reference hashes the identifier names, not the MIME strings.
const (
	ContentTypePKIXKey    = "PKIXKey"
	ContentTypeEncryption = "UDFEncryption"
	ContentTypeLock       = "UDFLock"
	ContentTypePrivateKey = "PrivateKey"
	ContentTypeEnvelopeID = "application/mmm/envelopeid"
	ContentTypeResponseID = "application/mmm/responseid"
)

// sum returns H(data) for alg (udf.md §0: H2 or H3) without allocating.
// An out-of-range HashAlg is a programming error, like crypto.Hash.New of
// an unlinked hash, and panics.
func sum(alg HashAlg, data []byte) [64]byte {
	switch alg {
	case SHA2_512:
		return sha512.Sum512(data)
	case SHA3_512:
		return sha3.Sum512(data)
	}
	panic(fmt.Sprintf("udf: internal error: unknown hash algorithm %d", int(alg)))
}

// New returns a streaming hash for alg, to compute the CDV of content too
// large to hold in memory (see DigestOfDigest).
func (a HashAlg) New() hash.Hash {
	switch a {
	case SHA2_512:
		return sha512.New()
	case SHA3_512:
		return sha3.New512()
	}
	panic(fmt.Sprintf("udf: internal error: unknown hash algorithm %d", int(a)))
}

// baseType returns the level-0 digest type of alg (udf.md §3).
func baseType(alg HashAlg) Type {
	if alg == SHA3_512 {
		return DigestSHA3
	}
	return DigestSHA2
}

// maxStackInput bounds the UTF8(ct) || ':' || cdv input hashed from a stack
// buffer; longer inputs are assembled on the heap.
const maxStackInput = 256

// tcdv returns TCDV = H( UTF8(ct) || ':' || cdv ) (udf.md §3).
func tcdv(cdv []byte, contentType string, alg HashAlg) [64]byte {
	var stack [maxStackInput]byte
	buf := stack[:0]
	if n := len(contentType) + 1 + len(cdv); n > maxStackInput {
		buf = make([]byte, 0, n)
	}
	buf = append(buf, contentType...)
	buf = append(buf, ':')
	buf = append(buf, cdv...)
	return sum(alg, buf)
}

// digestUDF returns the binary UDF T || TCDV[0..62] (udf.md §3).
func digestUDF(cdv []byte, contentType string, alg HashAlg) [DigestLength]byte {
	t := tcdv(cdv, contentType, alg)
	var out [DigestLength]byte
	out[0] = byte(baseType(alg)) + byte(compressionLevel(t[:]))
	copy(out[1:], t[:DigestLength-1])
	return out
}

// compressionLevel returns lvl of udf.md §3.1 from the number of trailing
// zero bits of the 512-bit TCDV. It implements the table of udf.md §3.1,
// not the reference's GetCompression, which is wrong for levels 3 and 4.
func compressionLevel(tcdv []byte) int {
	zeros := 0
	for i := len(tcdv) - 1; i >= 0; i-- {
		b := tcdv[i]
		if b == 0 {
			zeros += 8
			continue
		}
		for b&1 == 0 {
			zeros++
			b >>= 1
		}
		break
	}
	switch {
	case zeros >= 50:
		return 4
	case zeros >= 40:
		return 3
	case zeros >= 30:
		return 2
	case zeros >= 20:
		return 1
	}
	return 0
}

// DigestBinary returns the 64-byte binary content digest UDF
// T || TCDV[0..62] from a precomputed content digest value cdv = H(data)
// (udf.md §3, [REF] DigestToUDFBinary):
//
//	TCDV = H( UTF8(ct) || ':' || cdv )
//	T    = base + lvl(TCDV)
//
// Any byte string can stand in for cdv; [DigestOfString] and
// [PublicationID] use that. It panics only if alg is not SHA2_512 or
// SHA3_512.
func DigestBinary(cdv []byte, contentType string, alg HashAlg) []byte {
	bin := digestUDF(cdv, contentType, alg)
	return bin[:]
}

// ContentDigest returns the content digest UDF of data with the given
// content type, algorithm and precision (udf.md §3). bits counts the type
// byte; DefaultBits gives 28 characters. Precisions above 512 give the whole
// 64-byte UDF.
func ContentDigest(data []byte, contentType string, alg HashAlg, bits int) string {
	cdv := sum(alg, data)
	return DigestOfDigest(cdv[:], contentType, alg, bits)
}

// DigestOfDigest returns the content digest UDF from a precomputed
// cdv = H(data), for callers that hashed the data as a stream (udf.md §3
// "digest of digest", the CLI "hash udf").
func DigestOfDigest(cdv []byte, contentType string, alg HashAlg, bits int) string {
	bin := digestUDF(cdv, contentType, alg)
	return Present(bin[:], bits)
}

// DigestOfString is the string-as-digest variant of udf.md §3
// ([REF] ContentDigestOfUDF, LockName): the UTF-8 bytes of s take the place
// of the content digest value, so there is only one hash:
// TCDV = H( UTF8(ct) || ':' || UTF8(s) ). [REF] uses SHA2_512, with content
// type ContentTypeEncryption for symmetric key ids and ContentTypeLock (280
// bits) for lock names.
func DigestOfString(s, contentType string, alg HashAlg, bits int) string {
	return DigestOfDigest([]byte(s), contentType, alg, bits)
}
