package threshold

import (
	"bytes"
	"crypto/rand"
	"testing"
)

var curves = []*Curve{X25519, X448, Ed25519, Ed448}

// FuzzDecodePoint: never panics; every accepted point in the signed (or
// Edwards) form re-encodes to the identical bytes. The unsigned RFC 7748
// forms are not canonical by design (RFC 7748 §5 masks and reduces).
func FuzzDecodePoint(f *testing.F) {
	for _, c := range curves {
		k, _ := c.GenerateKey(rand.Reader)
		f.Add(k.Public())
		f.Add(k.Public()[:len(k.Public())-1])
	}
	f.Add(unhex(f, "0900000000000000000000000000000000000000000000000000000000000000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range curves {
			e, err := c.DecodePoint("fuzz", b)
			if err != nil {
				continue
			}
			enc, err := c.EncodePoint(e)
			if err != nil {
				t.Fatalf("%s: accepted point does not encode: %v", c.Name(), err)
			}
			if len(b) == c.PointLen() && !bytes.Equal(enc, b) {
				t.Fatalf("%s: %x re-encodes as %x", c.Name(), b, enc)
			}
		}
	})
}

// FuzzPrivateKey: raw share decoding never panics and round-trips exactly.
func FuzzPrivateKey(f *testing.F) {
	for _, c := range curves {
		k, _ := c.GenerateKey(rand.Reader)
		f.Add(k.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range curves {
			k, err := c.NewPrivateKey(b)
			if err != nil {
				continue
			}
			if !bytes.Equal(k.Bytes(), b) {
				t.Fatalf("%s: %x re-encodes as %x", c.Name(), b, k.Bytes())
			}
		}
	})
}
