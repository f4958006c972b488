package dare

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha512"
	"io"
	"testing"

	"github.com/mathmesh/mesh/keys"
)

const benchSize = 64 << 20

// BenchmarkEncode measures the streamed file form to one X25519 recipient.
func BenchmarkEncode(b *testing.B) {
	k := genKey(b, keys.X25519)
	payload := make([]byte, benchSize)
	opts := &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}}
	b.SetBytes(benchSize)
	for b.Loop() {
		if _, err := Encode(io.Discard, bytes.NewReader(payload), benchSize, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode measures decoding what BenchmarkEncode writes.
func BenchmarkDecode(b *testing.B) {
	k := genKey(b, keys.X25519)
	var env bytes.Buffer
	if _, err := Encode(&env, bytes.NewReader(make([]byte, benchSize)), benchSize,
		&EncodeOptions{Recipients: []keys.PublicKey{k.Public()}}); err != nil {
		b.Fatal(err)
	}
	ring := &Keyring{Private: []keys.PrivateKey{k}}
	b.SetBytes(benchSize)
	for b.Loop() {
		if _, err := Decode(io.Discard, bytes.NewReader(env.Bytes()), ring); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrimitives gives the single-core baselines of the pipeline stages.
func BenchmarkPrimitives(b *testing.B) {
	buf := make([]byte, pipelineBufSize)
	block, _ := aes.NewCipher(make([]byte, 32))
	b.Run("SHA-512", func(b *testing.B) {
		h := sha512.New()
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			h.Write(buf)
		}
	})
	b.Run("AES-256-CBC-encrypt", func(b *testing.B) {
		m := cipher.NewCBCEncrypter(block, make([]byte, 16))
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			m.CryptBlocks(buf, buf)
		}
	})
	b.Run("AES-256-CBC-decrypt", func(b *testing.B) {
		m := cipher.NewCBCDecrypter(block, make([]byte, 16))
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			m.CryptBlocks(buf, buf)
		}
	})
}
