package jsonb

import (
	"bytes"
	"io"
	"testing"
	"time"
)

type benchKey struct {
	Crv    string `json:"crv"`
	Public []byte
}

type benchRecipient struct {
	Kid string              `json:"kid"`
	Epk map[string]benchKey `json:"epk"`
	Wmk []byte              `json:"wmk"`
}

type benchHeader struct {
	PayloadDigest   []byte           `json:",omitempty"`
	EnvelopeID      string           `json:"EnvelopeId,omitempty"`
	Enc             string           `json:"enc,omitempty"`
	Dig             string           `json:"dig,omitempty"`
	Kid             string           `json:"kid,omitempty"`
	Salt            []byte           `json:",omitempty"`
	Recipients      []benchRecipient `json:"recipients,omitempty"`
	ContentMetaData []byte           `json:",omitempty"`
	SequenceInfo    testSequenceInfo
	Received        time.Time
}

// dareHeader is a DARE header of typical size (dare.md §2.2): two
// recipients, salt, digest and content metadata, about 900 bytes of JSON.
func dareHeader() benchHeader {
	rec := benchRecipient{
		Kid: "MBPQ-7FDF-ZB53-3SFA-EIZQ-IMVX-6SYJ",
		Epk: map[string]benchKey{"PublicKeyECDH": {Crv: "Ed25519", Public: bytes.Repeat([]byte{7}, 32)}},
		Wmk: bytes.Repeat([]byte{9}, 40),
	}
	return benchHeader{
		PayloadDigest: bytes.Repeat([]byte{1}, 64), EnvelopeID: "MC3S-VBOM-OWVM-657N-GJOU-F3RP-V7R2",
		Enc: "A256CBC", Dig: "S512", Kid: "EBQA-XJVA-OXKY-6UL7-ZLSN-LF5T-FDNU",
		Salt: bytes.Repeat([]byte{3}, 16), Recipients: []benchRecipient{rec, rec},
		ContentMetaData: []byte(`{"cty": "application/mmm/object", "MessageType": "MessageComplete"}`),
		SequenceInfo:    testSequenceInfo{Index: 12}, Received: time.Date(2022, 1, 12, 15, 5, 15, 0, time.UTC),
	}
}

func benchMarshal(b *testing.B, v any, enc Encoding) {
	out, err := MarshalEncoding(v, enc)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MarshalEncoding(v, enc); err != nil {
			b.Fatal(err)
		}
	}
}

func benchUnmarshal(b *testing.B, v any, enc Encoding, into func() any) {
	data, err := MarshalEncoding(v, enc)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Unmarshal(data, into()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalHeader(b *testing.B)  { benchMarshal(b, dareHeader(), JSON) }
func BenchmarkMarshalBHeader(b *testing.B) { benchMarshal(b, dareHeader(), JSONB) }
func BenchmarkUnmarshalHeaderJSON(b *testing.B) {
	benchUnmarshal(b, dareHeader(), JSON, func() any { return new(benchHeader) })
}
func BenchmarkUnmarshalHeaderJSONB(b *testing.B) {
	benchUnmarshal(b, dareHeader(), JSONB, func() any { return new(benchHeader) })
}

type benchBody struct{ Body []byte }

func bigBody() benchBody { return benchBody{bytes.Repeat([]byte{0x5A}, 1<<20)} }

func BenchmarkMarshal1MiB(b *testing.B)  { benchMarshal(b, bigBody(), JSON) }
func BenchmarkMarshalB1MiB(b *testing.B) { benchMarshal(b, bigBody(), JSONB) }
func BenchmarkUnmarshal1MiBJSON(b *testing.B) {
	benchUnmarshal(b, bigBody(), JSON, func() any { return new(benchBody) })
}
func BenchmarkUnmarshal1MiBJSONB(b *testing.B) {
	benchUnmarshal(b, bigBody(), JSONB, func() any { return new(benchBody) })
}

// BenchmarkStream64MiB streams a 64 MiB chunked binary value (1 MiB
// chunks) through Writer and Reader with constant memory.
func BenchmarkStream64MiB(b *testing.B) {
	const n, size = 64, 1 << 20
	b.SetBytes(n * size)
	b.ReportAllocs()
	for b.Loop() {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(writeChunked(pw, JSONB, n, size)) }()
		readBody(b, pr, Limits{MaxBytes: 1 << 30})
	}
}
