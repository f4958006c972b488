package udf

import (
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type digestVector struct {
	ID           string `json:"id"`
	Data         string `json:"data"`
	CT           string `json:"ct"`
	Alg          string `json:"alg"`
	Bits         int    `json:"bits"`
	Expect       string `json:"expect"`
	CDV          string `json:"cdv"`
	CDVPrefix    string `json:"cdv_prefix"`
	Binary       string `json:"binary"`
	BinaryPrefix string `json:"binary_prefix"`
	Compression  int    `json:"compression"`
}

// TestDigestVectors runs udf.md §11 group A.
func TestDigestVectors(t *testing.T) {
	var v struct {
		Vectors []digestVector `json:"vectors"`
	}
	loadVectors(t, "digest.json", &v)
	for _, tc := range v.Vectors {
		t.Run(tc.ID, func(t *testing.T) {
			alg := hashAlg(t, tc.Alg)
			if got := ContentDigest([]byte(tc.Data), tc.CT, alg, tc.Bits); got != tc.Expect {
				t.Errorf("ContentDigest = %q, want %q", got, tc.Expect)
			}
			h := sum(alg, []byte(tc.Data))
			cdv := h[:]
			if got := DigestOfDigest(cdv, tc.CT, alg, tc.Bits); got != tc.Expect {
				t.Errorf("DigestOfDigest = %q, want %q", got, tc.Expect)
			}
			if tc.CDV != "" && !strings.EqualFold(hex.EncodeToString(cdv), tc.CDV) {
				t.Errorf("cdv = %X, want %s", cdv, tc.CDV)
			}
			if tc.CDVPrefix != "" && !strings.HasPrefix(strings.ToUpper(hex.EncodeToString(cdv)), tc.CDVPrefix) {
				t.Errorf("cdv = %X, want prefix %s", cdv, tc.CDVPrefix)
			}
			bin := DigestBinary(cdv, tc.CT, alg)
			if len(bin) != DigestLength {
				t.Fatalf("binary length %d", len(bin))
			}
			if tc.Binary != "" {
				if diff := cmp.Diff(mustHex(t, tc.Binary), bin); diff != "" {
					t.Errorf("binary (-want +got):\n%s", diff)
				}
			}
			if tc.BinaryPrefix != "" && !strings.HasPrefix(strings.ToUpper(hex.EncodeToString(bin)), tc.BinaryPrefix) {
				t.Errorf("binary = %X, want prefix %s", bin, tc.BinaryPrefix)
			}
			if got := Type(bin[0]).Compression(); got != tc.Compression {
				t.Errorf("compression level %d, want %d", got, tc.Compression)
			}
			if !Type(bin[0]).IsDigest() {
				t.Errorf("type %v is not a digest type", Type(bin[0]))
			}
		})
	}
}

// TestCompressionLevel checks the table of udf.md §3.1 at every boundary,
// including levels 3 and 4 where [REF] GetCompression is wrong.
func TestCompressionLevel(t *testing.T) {
	tests := []struct {
		zeros int
		want  int
	}{
		{0, 0}, {1, 0}, {19, 0}, {20, 1}, {29, 1}, {30, 2}, {39, 2},
		{40, 3}, {47, 3}, {48, 3}, {49, 3}, {50, 4}, {63, 4}, {511, 4}, {512, 4},
	}
	for _, tc := range tests {
		tcdv := make([]byte, 64)
		for i := range tcdv {
			tcdv[i] = 0xFF
		}
		for bit := range tc.zeros { // clear the low tc.zeros bits
			tcdv[63-bit/8] &^= 1 << (bit % 8)
		}
		if got := compressionLevel(tcdv); got != tc.want {
			t.Errorf("%d trailing zero bits: level %d, want %d", tc.zeros, got, tc.want)
		}
	}
}

// TestDigestOfString checks the string-as-digest variant of udf.md §3
// against its definition: the string bytes take the place of the CDV.
func TestDigestOfString(t *testing.T) {
	key := "EAYD-XWZT-KLWY-LAM5-65GD-II6N-MPZS-TP"
	got := DigestOfString(key, ContentTypeLock, SHA2_512, 280)
	h := sha512.New()
	h.Write([]byte("UDFLock:" + key))
	tcdv := h.Sum(nil)
	want := Present(append([]byte{byte(DigestSHA2) + byte(compressionLevel(tcdv))}, tcdv[:63]...), 280)
	if got != want {
		t.Errorf("DigestOfString = %q, want %q", got, want)
	}
	if got == ContentDigest([]byte(key), ContentTypeLock, SHA2_512, 280) {
		t.Error("DigestOfString equals the two-hash content digest")
	}
}

// TestLongContentType checks the heap path of tcdv (inputs over
// maxStackInput bytes) against a streaming reference.
func TestLongContentType(t *testing.T) {
	ct := strings.Repeat("application/x-long-type;", 20)
	cdv := sha512.Sum512([]byte("data"))
	h := sha512.New()
	h.Write([]byte(ct + ":"))
	h.Write(cdv[:])
	want := h.Sum(nil)
	got := DigestBinary(cdv[:], ct, SHA2_512)
	if diff := cmp.Diff(want[:63], got[1:]); diff != "" {
		t.Errorf("long content type (-want +got):\n%s", diff)
	}
}

func TestUnknownHashAlgPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "internal error") {
			t.Errorf("recover() = %v, want an internal error panic", r)
		}
	}()
	ContentDigest(nil, "", HashAlg(7), DefaultBits)
}

func TestTypeStrings(t *testing.T) {
	tests := map[Type]string{
		HMACSHA2512: "HMAC_SHA_2_512", DigestSHA2 + 1: "Digest_SHA_2_512/1",
		DigestSHA3 + 4: "Digest_SHA_3_512/4", TypeNonce: "Nonce", Type(7): "Type(7)",
	}
	for typ, want := range tests {
		if got := typ.String(); got != want {
			t.Errorf("%d: %q, want %q", byte(typ), got, want)
		}
	}
	if (DigestSHA2 + 5).IsDigest() {
		t.Error("type 101 reported as a digest")
	}
	if SHA3_512.String() != "SHA3_512" || MeshProfileAccount.String() != "MeshProfileAccount" || AlgID(300).String() != "AlgID(300)" {
		t.Error("wrong algorithm names")
	}
}

var sinkBytes = make([]byte, 1024)

func BenchmarkContentDigest1KiB(b *testing.B) {
	b.SetBytes(int64(len(sinkBytes)))
	b.ReportAllocs()
	for b.Loop() {
		sinkString = ContentDigest(sinkBytes, "text/plain", SHA2_512, DefaultBits)
	}
}

func BenchmarkContentDigest1KiBSHA3(b *testing.B) {
	b.SetBytes(int64(len(sinkBytes)))
	b.ReportAllocs()
	for b.Loop() {
		sinkString = ContentDigest(sinkBytes, "text/plain", SHA3_512, DefaultBits)
	}
}

func BenchmarkDigestOfDigest(b *testing.B) {
	cdv := sha512.Sum512(sinkBytes)
	b.ReportAllocs()
	for b.Loop() {
		sinkString = DigestOfDigest(cdv[:], "text/plain", SHA2_512, DefaultBits)
	}
}
