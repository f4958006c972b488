package dare

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"filippo.io/edwards25519"
	"github.com/cloudflare/circl/ecc/goldilocks"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// Regression tests of the security review (docs/dare.md §2): each names the
// finding it guards.

// threeParts encodes payload with the Encoder API and returns the header
// record, stored body and trailer record (formRecord).
func threeParts(t *testing.T, payload []byte, opts *EncodeOptions) (hdr, body, trl []byte) {
	t.Helper()
	e, err := NewEncoder(opts)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	pw, err := e.PayloadWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw.Write(payload); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	trl, err = e.TrailerBytes()
	if err != nil {
		t.Fatal(err)
	}
	return e.HeaderBytes(), b.Bytes(), trl
}

// decodeParts runs the Decoder API over three parts.
func decodeParts(hdr, body, trl []byte, ring *Keyring) ([]byte, error) {
	d, err := NewDecoder(hdr, ring, nil)
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	r, err := d.PayloadReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	pt, err := io.ReadAll(r)
	if err != nil {
		d.Abort()
		return nil, fmt.Errorf("payload: %w", err)
	}
	if _, err := d.Finish(trl); err != nil {
		return nil, err
	}
	return pt, nil
}

// TestNoPaddingOracle: a change to the last blocks of an authenticated body
// is reported as ErrAuthentication whatever the padding decrypts to, never
// as ErrPadding, and the payload reader itself does not fail on padding
// (finding: the padding was checked before the tag, a CBC padding oracle).
func TestNoPaddingOracle(t *testing.T) {
	k := genKey(t, keys.X25519)
	ring := &Keyring{Private: []keys.PrivateKey{k}}
	opts := &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}}
	hdr, body, trl := threeParts(t, []byte("attack at dawn, 24 bytes"), opts)
	var file bytes.Buffer
	if _, err := Encode(&file, strings.NewReader("attack at dawn, 24 bytes"), 24, opts); err != nil {
		t.Fatal(err)
	}
	env := file.Bytes()
	bodyEnd := bytes.LastIndex(env, []byte(",\n{"))
	for v := 0; v < 256; v++ {
		// The last byte of the penultimate block sets the last plaintext
		// byte, that is the padding length.
		m := bytes.Clone(body)
		m[len(m)-blockSize-1] = byte(v)
		if bytes.Equal(m, body) {
			continue
		}
		if _, err := decodeParts(hdr, m, trl, ring); !errors.Is(err, ErrAuthentication) || errors.Is(err, ErrPadding) {
			t.Fatalf("record, byte value %#x: error = %v, want ErrAuthentication only", v, err)
		}
		f := bytes.Clone(env)
		f[bodyEnd-blockSize-1] = byte(v)
		if bytes.Equal(f, env) {
			continue
		}
		if _, _, err := Open(f, ring); !errors.Is(err, ErrAuthentication) || errors.Is(err, ErrPadding) {
			t.Fatalf("file, byte value %#x: error = %v, want ErrAuthentication only", v, err)
		}
	}
}

// TestNoAnnotationPaddingOracle: a modified EDS of an authenticated envelope
// is not decrypted before the tag verified (finding: annotations were
// decrypted, and their padding reported, by NewDecoder).
func TestNoAnnotationPaddingOracle(t *testing.T) {
	k := genKey(t, keys.Ed25519)
	ring := &Keyring{Private: []keys.PrivateKey{k}}
	hdr, body, trl := threeParts(t, []byte("x"), &EncodeOptions{Recipients: []keys.PublicKey{k.Public()},
		Annotations: [][]byte{[]byte("subject: twenty bytes")}})
	if got, err := decodeParts(hdr, body, trl, ring); err != nil || string(got) != "x" {
		t.Fatalf("unmodified: %q %v", got, err)
	}
	var h Header
	if err := jsonb.Unmarshal(hdr, &h); err != nil {
		t.Fatal(err)
	}
	eds := h.Annotations[0]
	for v := 0; v < 256; v++ {
		if eds[len(eds)-blockSize-1] == byte(v) {
			continue
		}
		m := h
		m.Annotations = [][]byte{bytes.Clone(eds)}
		m.Annotations[0][len(eds)-blockSize-1] = byte(v)
		mh, err := jsonb.Marshal(&m)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDecoder(mh, ring, nil)
		if err != nil {
			t.Fatalf("byte value %#x: NewDecoder reveals %v", v, err)
		}
		d.Abort()
		if _, err := decodeParts(mh, body, trl, ring); !errors.Is(err, ErrAuthentication) || errors.Is(err, ErrPadding) {
			t.Fatalf("byte value %#x: error = %v, want ErrAuthentication only", v, err)
		}
	}
}

// TestReframingDetected: the envelope tag binds the form (finding: a file
// form envelope could be re-framed as a JSON or JSON-B array, its chunks
// re-cut, or a sequence frame's records lifted into a standalone
// envelope, without detection).
func TestReframingDetected(t *testing.T) {
	k := genKey(t, keys.X448)
	ring := &Keyring{Private: []keys.PrivateKey{k}}
	opts := &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}}
	payload := bytes.Repeat([]byte("0123456789abcdef"), (5*streamChunkSize/2)/16)
	frame := func(hdr []byte, items [][]byte, sep string, trl []byte) []byte {
		out := append([]byte{'['}, hdr...)
		out = append(out, sep...)
		for _, it := range items {
			out = append(out, it...)
		}
		out = append(out, sep...)
		return append(append(out, trl...), ']')
	}
	item := func(base byte, b []byte) []byte {
		var buf bytes.Buffer
		writeDataTag(&buf, base, uint64(len(b)))
		return append(buf.Bytes(), b...)
	}
	chunks := func(b []byte, size int) [][]byte {
		var out [][]byte
		for len(b) > 0 {
			n := min(size, len(b))
			out = append(out, item(0x8c, b[:n]))
			b = b[n:]
		}
		return append(out, item(0x88, nil))
	}
	json := func(hdr, body, trl []byte) []byte {
		return []byte("[" + string(hdr) + `,"` + b64.EncodeToString(body) + `",` + string(trl) + "]")
	}
	for _, size := range []int64{int64(len(payload)), -1} {
		var file bytes.Buffer
		e, err := Encode(&file, bytes.NewReader(payload), size, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got, _, err := Open(file.Bytes(), ring); err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("size %d: unmodified envelope: %v", size, err)
		}
		hdr, trl := e.HeaderBytes(), e.trailer
		stored := file.Bytes()[1+len(hdr)+2 : file.Len()-len(trl)-3]
		var body bytes.Buffer
		if _, err := io.Copy(&body, newDataItemReader(newScanner(bytes.NewReader(stored)))); err != nil {
			t.Fatal(err)
		}
		variants := map[string][]byte{
			"JSON form":       json(hdr, body.Bytes(), trl),
			"JSON-B form":     frame(hdr, [][]byte{item(0x88, body.Bytes())}, "", trl),
			"re-cut chunks":   frame(hdr, chunks(body.Bytes(), streamChunkSize/2), ",\n", trl),
			"one data item":   frame(hdr, [][]byte{item(0x88, body.Bytes())}, ",\n", trl),
			"canonical chunk": frame(hdr, chunks(body.Bytes(), streamChunkSize), ",\n", trl),
		}
		for name, env := range variants {
			if bytes.Equal(env, file.Bytes()) {
				continue // the unmodified framing itself
			}
			if _, _, err := Open(env, ring); !errors.Is(err, ErrAuthentication) {
				t.Errorf("size %d, %s: error = %v, want ErrAuthentication", size, name, err)
			}
		}
		if _, err := decodeParts(hdr, body.Bytes(), trl, ring); !errors.Is(err, ErrAuthentication) {
			t.Errorf("size %d: file parts as a sequence record: error = %v, want ErrAuthentication", size, err)
		}
	}
	hdr, body, trl := threeParts(t, payload[:100], opts)
	if _, err := decodeParts(hdr, body, trl, ring); err != nil {
		t.Fatalf("record: %v", err)
	}
	for name, env := range map[string][]byte{
		"file form": frame(hdr, [][]byte{item(0x88, body)}, ",\n", trl),
		"JSON form": json(hdr, body, trl),
	} {
		if _, _, err := Open(env, ring); !errors.Is(err, ErrAuthentication) {
			t.Errorf("record lifted into the %s: error = %v, want ErrAuthentication", name, err)
		}
	}
}

// TestTorsionEpk: an Edwards ephemeral key with a small-order component is
// rejected (review: Edwards ECDH multiplies by s reduced mod L, so such an
// epk would reveal s mod 8 on edwards25519 through whether the envelope
// opens; package keys validates the subgroup, this guards that it stays
// so on the recipient path).
func TestTorsionEpk(t *testing.T) {
	// A point of order 8 on edwards25519 (RFC 8032 small-order list).
	t8b, _ := hex.DecodeString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
	t8, err := new(edwards25519.Point).SetBytes(t8b)
	if err != nil {
		t.Fatal(err)
	}
	if new(edwards25519.Point).MultByCofactor(t8).Equal(edwards25519.NewIdentityPoint()) != 1 {
		t.Fatal("test point is not of small order")
	}
	// The point (0, -1) of order 2 on edwards448: y = p - 1.
	var t2b [57]byte
	for i := range 56 {
		t2b[i] = 0xff
	}
	t2b[0], t2b[28] = 0xfe, 0xfe
	t2, err := goldilocks.FromBytes(t2b[:])
	if err != nil {
		t.Fatal(err)
	}
	add := map[keys.Algorithm]func([]byte) []byte{
		keys.Ed25519: func(p []byte) []byte {
			q, _ := new(edwards25519.Point).SetBytes(p)
			return new(edwards25519.Point).Add(q, t8).Bytes()
		},
		keys.Ed448: func(p []byte) []byte {
			q, _ := goldilocks.FromBytes(p)
			out := make([]byte, 57)
			goldilocks.Curve{}.Add(q, t2).ToBytes(out)
			return out
		},
	}
	for alg, mix := range add {
		k := genKey(t, alg)
		ring := &Keyring{Private: []keys.PrivateKey{k}}
		x, err := NewExchange(nil, []keys.PublicKey{k.Public()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := x.Recipients()
		if _, err := OpenExchange(r, ring); err != nil {
			t.Fatalf("%v: unmodified: %v", alg, err)
		}
		epk := *r[0].Epk.PublicKeyECDH
		epk.Public = mix(epk.Public)
		r[0].Epk = &TaggedKey{PublicKeyECDH: &epk}
		if _, err := OpenExchange(r, ring); err == nil || !strings.Contains(err.Error(), "prime-order subgroup") {
			t.Errorf("%v: epk with a torsion component: error = %v", alg, err)
		}
		epk.Public = add[alg](nil2identity(alg))
		if _, err := OpenExchange(r, ring); err == nil {
			t.Errorf("%v: small-order epk accepted", alg)
		}
	}
}

// nil2identity returns the encoding of the identity point.
func nil2identity(alg keys.Algorithm) []byte {
	if alg == keys.Ed25519 {
		return edwards25519.NewIdentityPoint().Bytes()
	}
	out := make([]byte, 57)
	goldilocks.Curve{}.Identity().ToBytes(out)
	return out
}

// TestWitnessInPlaintext: removing the encryption header of a signed and
// encrypted envelope (to pass the ciphertext off as a signed plaintext) is
// detected by the witness it still carries.
func TestWitnessInPlaintext(t *testing.T) {
	k := genKey(t, keys.X25519)
	s := genKey(t, keys.Ed25519).(keys.Signer)
	_, body, trl := threeParts(t, []byte("secret"), &EncodeOptions{Recipients: []keys.PublicKey{k.Public()},
		Signers: []keys.Signer{s}, Legacy: true})
	env := []byte(`[{"dig":"S512"},"` + b64.EncodeToString(body) + `",` + string(trl) + `]`)
	_, _, err := Open(env, &Keyring{Trusted: []keys.PublicKey{s.Public()}})
	if err == nil || !strings.Contains(err.Error(), "witness in an envelope that is not encrypted") {
		t.Fatalf("error = %v", err)
	}
}

// TestSignatureTrust: only trusted keys verify; a kid, alg or signature
// changed by an attacker never verifies; the key that verified is
// reported (finding: a signature whose kid names no trusted key but that
// another trusted key verifies was shown under the claimed kid).
func TestSignatureTrust(t *testing.T) {
	a := genKey(t, keys.Ed25519).(keys.Signer)
	b := genKey(t, keys.Ed25519).(keys.Signer)
	env, err := Seal([]byte("signed text"), &EncodeOptions{Signers: []keys.Signer{a}})
	if err != nil {
		t.Fatal(err)
	}
	kid := a.Public().Fingerprint()
	trust := func(k ...keys.Signer) *Keyring {
		r := &Keyring{}
		for _, s := range k {
			r.Trusted = append(r.Trusted, s.Public())
		}
		return r
	}
	_, res, err := Open(env, trust(b))
	if err != nil || res.Signed || res.Signatures[0].Verified {
		t.Fatalf("untrusted signer: %+v %v", res, err)
	}
	cases := []struct{ name, old, new, want string }{
		{"kid names another trusted key", kid, b.Public().Fingerprint(), "does not verify"},
		{"alg names another curve", `"alg":"ED25519"`, `"alg":"ED448"`, "does not verify"},
		{"unknown alg", `"alg":"ED25519"`, `"alg":"RS256"`, `unsupported signature algorithm "RS256"`},
	}
	for _, c := range cases {
		m := strings.Replace(string(env), c.old, c.new, 1)
		if _, _, err := Open([]byte(m), trust(a, b)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error = %v, want %q", c.name, err, c.want)
		}
	}
	m := strings.Replace(string(env), kid, "MAAA-AAAA-AAAA", 1)
	_, res, err = Open([]byte(m), trust(a))
	if err != nil || !res.Signed || res.Signatures[0].Signer != kid || res.Signatures[0].Kid == kid {
		t.Fatalf("kid not reproducible: %+v %v", res.Signatures, err)
	}
}

// TestRecipientLimit: more than MaxRecipients entries are refused before
// any key agreement is tried.
func TestRecipientLimit(t *testing.T) {
	entries := strings.Repeat(`{"kid":"x","wmk":"AA"},`, MaxRecipients)
	env := `[{"enc":"A256CBC","Salt":"AAAAAAAAAAAAAAAAAAAAAA","recipients":[` + entries + `{}]},""]`
	_, err := Decode(io.Discard, strings.NewReader(env), &Keyring{})
	if want := fmt.Sprintf("%d recipients, limit %d", MaxRecipients+1, MaxRecipients); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want %q", err, want)
	}
}
