package dare

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"fmt"
)

// EDS: Encoded Data Sequences, the `annotations` of a header (dare.md §6):
//
//	EDS = JSONB-binary(prefix) || JSONB-binary(body) [|| JSONB-binary(mac)]
//
// The body is the plaintext, or when the envelope is encrypted the AES-CBC
// ciphertext under keys derived from S = prefix || Salt (dare.md §5).

// sealEDS encodes annotation number i. keys is nil for a plaintext envelope.
func sealEDS(i int, data, seed, salt []byte, enc string) ([]byte, error) {
	prefix := []byte{byte(i)}
	body := data
	if seed != nil {
		var err error
		if body, err = edsCipher(prefix, seed, salt, data, enc, true); err != nil {
			return nil, err
		}
	}
	out := appendJSONBItem(nil, 0x88, prefix)
	return appendJSONBItem(out, 0x88, body), nil
}

// openEDS decodes one annotation (dare.md §6 "Decode"): two items, or
// three when the cipher has a MAC (the MAC is not checked: [REF] computes it
// for A256CBC-HS512 only; our envelopes cover annotations by the envelope
// tag). seed is nil for a plaintext envelope.
func openEDS(eds, seed, salt []byte, enc string) ([]byte, error) {
	if len(eds) > MaxAnnotationSize {
		return nil, fmt.Errorf("EDS of %d bytes exceeds %d", len(eds), MaxAnnotationSize)
	}
	var items [][]byte
	rest := eds
	for len(rest) > 0 {
		if len(items) == 3 {
			return nil, fmt.Errorf("EDS has more than 3 items")
		}
		item, n, err := parseDataItem(rest)
		if err != nil {
			return nil, fmt.Errorf("EDS item %d at byte %d: %w", len(items), len(eds)-len(rest), err)
		}
		items = append(items, item)
		rest = rest[n:]
	}
	if len(items) < 2 {
		return nil, fmt.Errorf("EDS has %d items, want 2 or 3 (prefix, body[, mac])", len(items))
	}
	if seed == nil {
		return bytes.Clone(items[1]), nil
	}
	return edsCipher(items[0], seed, salt, items[1], enc, false)
}

// edsCipher encrypts or decrypts a whole EDS body under S = prefix || Salt.
func edsCipher(prefix, seed, salt, in []byte, enc string, encrypt bool) ([]byte, error) {
	k, err := derivePayloadKeys(seed, append(bytes.Clone(prefix), salt...), enc)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k.key)
	if err != nil {
		return nil, err
	}
	if encrypt {
		pad := blockSize - len(in)%blockSize
		out := append(bytes.Clone(in), bytes.Repeat([]byte{byte(pad)}, pad)...)
		cipher.NewCBCEncrypter(block, k.iv).CryptBlocks(out, out)
		return out, nil
	}
	if len(in) == 0 || len(in)%blockSize != 0 {
		return nil, fmt.Errorf("EDS ciphertext of %d bytes is not a positive multiple of %d", len(in), blockSize)
	}
	out := bytes.Clone(in)
	cipher.NewCBCDecrypter(block, k.iv).CryptBlocks(out, out)
	pad, ok := paddingLength(out[len(out)-blockSize:])
	if !ok {
		return nil, ErrPadding
	}
	return out[:len(out)-pad], nil
}

// parseDataItem reads one JSON-B data-term item (0x88-0x8B) from b and
// returns its content and the bytes consumed.
func parseDataItem(b []byte) ([]byte, int, error) {
	if len(b) == 0 || b[0] < 0x88 || b[0] > 0x8b {
		return nil, 0, fmt.Errorf("want a JSON-B data item (0x88-0x8b)")
	}
	w := 1 << (b[0] & 3)
	if len(b) < 1+w {
		return nil, 0, fmt.Errorf("truncated length")
	}
	var n uint64
	for _, c := range b[1 : 1+w] {
		n = n<<8 | uint64(c)
	}
	if n > uint64(len(b)-1-w) {
		return nil, 0, fmt.Errorf("item declares %d bytes, %d remain", n, len(b)-1-w)
	}
	end := 1 + w + int(n)
	return b[1+w : end], end, nil
}
