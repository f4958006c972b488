package dare

import (
	"bytes"
	"io"
	"testing"

	"github.com/mathmesh/mesh/keys"
)

// FuzzDecode feeds arbitrary bytes to the envelope reader, with a keyring
// that opens the seeds (the dare.md §15 vectors and our own envelopes in
// every form). It asserts: no panic; a successful decode is deterministic,
// reports the payload size it wrote, and Verify agrees with it.
func FuzzDecode(f *testing.F) {
	vf := loadVectors(f)
	alice := privateKey(f, "Ed25519", "srLESz6Hpsy8Ry3Vi1FqcKpiMnLQjSGWoJi1ecZTDo0")
	signer := privateKey(f, "Ed25519", "TDuiCw36Z9tFE65-5wImmDqIZv8AsY6TBTkNQuxVxbU").(keys.Signer)
	ring := &Keyring{Private: []keys.PrivateKey{alice}, Trusted: []keys.PublicKey{signer.Public()}}
	for _, v := range vf.Envelopes {
		f.Add([]byte(v.Envelope))
	}
	for _, binary := range []bool{false, true} {
		for _, legacy := range []bool{false, true} {
			env, err := Seal([]byte("fuzz seed payload"), &EncodeOptions{Recipients: []keys.PublicKey{alice.Public()},
				Signers: []keys.Signer{signer}, Annotations: [][]byte{[]byte("note")}, Binary: binary, Legacy: legacy})
			if err != nil {
				f.Fatal(err)
			}
			f.Add(env)
		}
	}
	var file bytes.Buffer
	if _, err := Encode(&file, bytes.NewReader([]byte("streamed")), -1, &EncodeOptions{Recipients: []keys.PublicKey{alice.Public()}}); err != nil {
		f.Fatal(err)
	}
	f.Add(file.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		res, err := Decode(&out, bytes.NewReader(data), ring)
		if err != nil {
			return
		}
		if res.PlainSize != int64(out.Len()) {
			t.Fatalf("PlainSize %d, wrote %d", res.PlainSize, out.Len())
		}
		var again bytes.Buffer
		if _, err := Decode(&again, bytes.NewReader(data), ring); err != nil || !bytes.Equal(out.Bytes(), again.Bytes()) {
			t.Fatalf("second decode differs: %v", err)
		}
		vres, err := Verify(bytes.NewReader(data), ring)
		if err != nil || vres.Authenticated != res.Authenticated || vres.Signed != res.Signed {
			t.Fatalf("Verify disagrees: %+v %v", vres, err)
		}
	})
}

// FuzzEDS checks the EDS parser: no panic, and a plaintext EDS in canonical
// form (one-byte prefix, shortest lengths, two items) re-encodes to the
// same bytes.
func FuzzEDS(f *testing.F) {
	for _, v := range loadVectors(f).EDS {
		if v.EDSHex != "" {
			f.Add(unhex(f, v.EDSHex))
		} else {
			f.Add(unb64(f, v.EDS))
		}
	}
	f.Fuzz(func(t *testing.T, eds []byte) {
		plain, err := openEDS(eds, nil, nil, "")
		if err != nil {
			return
		}
		prefix, n, _ := parseDataItem(eds)
		if len(prefix) != 1 || eds[n] < 0x88 || eds[n] > 0x8b {
			return
		}
		again, err := sealEDS(int(prefix[0]), plain, nil, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if canonical := appendJSONBItem(appendJSONBItem(nil, 0x88, prefix), 0x88, plain); bytes.Equal(eds, canonical) && !bytes.Equal(again, eds) {
			t.Fatalf("re-encoding %x gives %x", eds, again)
		}
	})
}

// BenchmarkOpenSmall measures an in-memory authenticated envelope (the
// Mesh-object case).
func BenchmarkOpenSmall(b *testing.B) {
	k := genKey(b, keys.X25519)
	env, err := Seal(make([]byte, 1024), &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}})
	if err != nil {
		b.Fatal(err)
	}
	ring := &Keyring{Private: []keys.PrivateKey{k}}
	for b.Loop() {
		if _, err := Decode(io.Discard, bytes.NewReader(env), ring); err != nil {
			b.Fatal(err)
		}
	}
}
