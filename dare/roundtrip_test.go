package dare

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/keys"
)

func genKey(t testing.TB, alg keys.Algorithm) keys.PrivateKey {
	t.Helper()
	k, err := keys.Generate(alg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRoundTrip encodes and decodes with every recipient curve, symmetric
// keys, signers, annotations, both object encodings, known and unknown
// lengths, and payload sizes around the block and buffer boundaries.
func TestRoundTrip(t *testing.T) {
	sym, err := NewEARLKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	signer := genKey(t, keys.Ed448).(keys.Signer)
	sizes := []int{0, 1, 15, 16, 17, pipelineBufSize - 1, pipelineBufSize, pipelineBufSize + 17, 3*pipelineBufSize + 5}
	for _, alg := range []keys.Algorithm{keys.Ed25519, keys.Ed448, keys.X25519, keys.X448} {
		for _, binary := range []bool{false, true} {
			for _, legacy := range []bool{false, true} {
				rcpt := genKey(t, alg)
				opts := &EncodeOptions{Recipients: []keys.PublicKey{rcpt.Public()}, Symmetric: []*SymmetricKey{sym},
					Signers: []keys.Signer{signer}, Annotations: [][]byte{[]byte("subject"), nil},
					ContentMeta: &ContentMeta{ContentType: "text/plain", Filename: "x.txt"}, Binary: binary, Legacy: legacy}
				for _, n := range sizes {
					payload := make([]byte, n)
					rand.Read(payload)
					for _, known := range []bool{true, false} {
						size := int64(n)
						if !known {
							size = -1
						}
						var env bytes.Buffer
						if _, err := Encode(&env, bytes.NewReader(payload), size, opts); err != nil {
							t.Fatalf("%v n=%d: %v", alg, n, err)
						}
						for _, ring := range []*Keyring{
							{Private: []keys.PrivateKey{rcpt}, Trusted: []keys.PublicKey{signer.Public()}},
							{Symmetric: []*SymmetricKey{sym}, Trusted: []keys.PublicKey{signer.Public()}},
						} {
							var out bytes.Buffer
							res, err := Decode(&out, bytes.NewReader(env.Bytes()), ring)
							if err != nil {
								t.Fatalf("%v binary=%v legacy=%v n=%d known=%v: %v", alg, binary, legacy, n, known, err)
							}
							if !bytes.Equal(out.Bytes(), payload) {
								t.Fatalf("%v n=%d: payload differs", alg, n)
							}
							if res.Authenticated == legacy || !res.Signed || !res.DigestChecked || res.PlainSize != int64(n) {
								t.Fatalf("%v n=%d legacy=%v: result %+v", alg, n, legacy, res)
							}
							if string(res.Annotations[0]) != "subject" || len(res.Annotations[1]) != 0 || res.ContentMeta.Filename != "x.txt" {
								t.Fatalf("metadata: %q %+v", res.Annotations, res.ContentMeta)
							}
							if res.Signatures[0].Witness != "ok" {
								t.Fatalf("witness %q", res.Signatures[0].Witness)
							}
						}
					}
				}
			}
		}
	}
}

// TestSealOpen round-trips the in-memory JSON and JSON-B forms.
func TestSealOpen(t *testing.T) {
	k := genKey(t, keys.X448)
	for _, binary := range []bool{false, true} {
		env, err := Seal([]byte("hello"), &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}, Binary: binary})
		if err != nil {
			t.Fatal(err)
		}
		tagged := append([]byte("{\"DareEnvelope\": "), append(env, "}\n"...)...)
		if binary {
			tagged = append([]byte("{\xb4\x0cDareEnvelope"), append(env, '}')...)
		}
		for _, form := range [][]byte{env, tagged} {
			got, res, err := Open(form, &Keyring{Private: []keys.PrivateKey{k}})
			if err != nil || string(got) != "hello" || !res.Authenticated {
				t.Fatalf("binary=%v: %q %+v %v", binary, got, res, err)
			}
		}
	}
}

// TestEveryByteAuthenticated flips each byte of authenticated envelopes in
// every form and checks that decoding fails (docs/dare.md "Authenticated
// encryption": any change to header, body, trailer or framing is detected).
func TestEveryByteAuthenticated(t *testing.T) {
	k := genKey(t, keys.Ed25519)
	s := genKey(t, keys.Ed25519).(keys.Signer)
	ring := &Keyring{Private: []keys.PrivateKey{k}}
	opts := &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}, Signers: []keys.Signer{s},
		Annotations: [][]byte{[]byte("a")}, ContentMeta: &ContentMeta{ContentType: "text/plain"}}
	var file bytes.Buffer
	if _, err := Encode(&file, strings.NewReader("attack at dawn, 33 bytes of text!"), 33, opts); err != nil {
		t.Fatal(err)
	}
	jsonForm, err := Seal([]byte("attack at dawn"), opts)
	if err != nil {
		t.Fatal(err)
	}
	bopts := *opts
	bopts.Binary = true
	binForm, err := Seal([]byte("attack at dawn"), &bopts)
	if err != nil {
		t.Fatal(err)
	}
	for name, env := range map[string][]byte{"file": file.Bytes(), "json": jsonForm, "jsonb": binForm} {
		if _, _, err := Open(env, ring); err != nil {
			t.Fatalf("%s: unmodified envelope fails: %v", name, err)
		}
		for i := range env {
			for _, bit := range []byte{0x01, 0x20, 0x80} {
				m := bytes.Clone(env)
				m[i] ^= bit
				if got, _, err := Open(m, ring); err == nil {
					t.Fatalf("%s: flipping bit %#x of byte %d (%q) went unnoticed: %q", name, bit, i, env[i], got)
				}
			}
		}
	}
}

// TestBadInput checks hostile envelopes give clear errors.
func TestBadInput(t *testing.T) {
	k := genKey(t, keys.X25519)
	other := genKey(t, keys.X25519)
	env, err := Seal([]byte("secret"), &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}, Binary: true})
	if err != nil {
		t.Fatal(err)
	}
	huge := "[{" + strings.Repeat(`"a":"b",`, MaxHeaderSize/8+1) + `"c":1}, ""]`
	cases := []struct {
		name, data, want string
		ring             *Keyring
	}{
		{"empty", "", "truncated", nil},
		{"not an array", `{"x":1}`, `object tag "x" is not "DareEnvelope"`, nil},
		{"huge header", huge, "header exceeds", nil},
		{"lying body length", "[{}\x8b\x7f\xff\xff\xff\xff\xff\xff\xffab]", "truncated in the body", nil},
		{"lying header item", "[{\x8b\x7f\xff\xff\xff\xff\xff\xff\xff", "exceeds its", nil},
		{"unknown JSON-B tag", "[{\xd0}", "unsupported JSON-B tag 0xd0", nil},
		{"wrong key", string(env), "no key opens this envelope", &Keyring{Private: []keys.PrivateKey{other}}},
		{"no keys", string(env), "no key opens this envelope", nil},
		{"truncated", string(env[:len(env)-30]), "truncated", &Keyring{Private: []keys.PrivateKey{k}}},
		{"bad curve", `[{"enc":"A256CBC","Salt":"AAAAAAAAAAAAAAAAAAAAAA","recipients":[{"epk":{"PublicKeyECDH":{"crv":"P256","Public":"AA"}},"wmk":"AA"}]},""]`, `unknown curve "P256"`, &Keyring{Private: []keys.PrivateKey{k}}},
		{"strip tag", strings.Replace(string(env), EncA256CBCETM, EncA256CBC, 1), "", &Keyring{Private: []keys.PrivateKey{k}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(io.Discard, strings.NewReader(c.data), c.ring)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestDowngrade: rewriting enc to the legacy identifier fails while the tag
// is there; stripping the tag as well gives a legacy envelope whose keys
// differ (key separation), so no plaintext is recovered.
func TestDowngrade(t *testing.T) {
	k := genKey(t, keys.X25519)
	ring := &Keyring{Private: []keys.PrivateKey{k}}
	env, err := Seal([]byte("secret message"), &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}})
	if err != nil {
		t.Fatal(err)
	}
	m := strings.Replace(string(env), `"enc":"`+EncA256CBCETM+`"`, `"enc":"`+EncA256CBC+`"`, 1)
	if _, _, err := Open([]byte(m), ring); !errors.Is(err, ErrAuthentication) && !errors.Is(err, ErrPadding) {
		t.Fatalf("enc rewritten: error = %v, want ErrAuthentication or ErrPadding", err)
	}
	i := strings.LastIndex(m, `,"`+tagMember+`"`)
	stripped := m[:i] + "}]"
	got, res, err := Open([]byte(stripped), ring)
	if err == nil && (bytes.Contains(got, []byte("secret")) || res.Authenticated) {
		t.Fatalf("downgrade released the plaintext: %q", got)
	}
}
