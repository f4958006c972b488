package dare

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/keywrap"
)

// vectorFile is testdata/vectors.json: the VERIFIED vectors of dare.md §15
// (V-1..V-14) in our own format, plus negative vectors made by one edit.
type vectorFile struct {
	Message    string            `json:"message"`
	Envelopes  []envelopeVector  `json:"envelopes"`
	Keychain   []keychainVector  `json:"keychain"`
	Signatures []signatureVector `json:"signatures"`
	EDS        []edsVector       `json:"eds"`
}

type keySpec struct {
	Crv     string `json:"crv"`
	Private string `json:"private"`
}

type envelopeVector struct {
	ID        string    `json:"id"`
	Envelope  string    `json:"envelope"`
	Private   []keySpec `json:"private"`
	Trusted   []keySpec `json:"trusted"`
	Plaintext string    `json:"plaintext"`
	Error     string    `json:"error"` // negative vectors: the failing check
	Expect    struct {
		Encrypted     *bool             `json:"encrypted"`
		Authenticated *bool             `json:"authenticated"`
		Signed        *bool             `json:"signed"`
		DigestChecked *bool             `json:"digest_checked"`
		Signatures    []SignatureStatus `json:"signatures"`
		Annotations   []string          `json:"annotations"`
		ContentType   string            `json:"content_type"`
	} `json:"expect"`
}

type keychainVector struct {
	ID, Private, Epk, Wmk, Info, Salt                  string
	IKM, KEK, Seed, Key, IV, Ciphertext                string
	IKMPrefix, IKMSuffix, KEKPrefix, KEKSuffix         string
	CiphertextPrefix, CiphertextSuffix, BodyPrefix     string
	Signer, PayloadDigestPrefix, SignaturePrefix, Witn string
}

func (k *keychainVector) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*k = keychainVector{ID: m["id"], Private: m["private"], Epk: m["epk"], Wmk: m["wmk"], Info: m["info"],
		Salt: m["salt"], IKM: m["ikm"], KEK: m["kek"], Seed: m["seed"], Key: m["key"], IV: m["iv"],
		Ciphertext: m["ciphertext"], IKMPrefix: m["ikm_prefix"], IKMSuffix: m["ikm_suffix"],
		KEKPrefix: m["kek_prefix"], KEKSuffix: m["kek_suffix"], CiphertextPrefix: m["ciphertext_prefix"],
		CiphertextSuffix: m["ciphertext_suffix"], BodyPrefix: m["body_prefix"], Signer: m["signer"],
		PayloadDigestPrefix: m["payload_digest_prefix"], SignaturePrefix: m["signature_prefix"], Witn: m["witness"]}
	return nil
}

type signatureVector struct {
	ID              string `json:"id"`
	Signer          string `json:"signer"`
	Generation      string `json:"generation"`
	PayloadDigest   string `json:"payload_digest"`
	ManifestHex     string `json:"manifest_hex"`
	Signature       string `json:"signature"`
	Valid           bool   `json:"valid"`
	SignerPublicHex string `json:"signer_public_hex"`
}

type edsVector struct {
	ID        string `json:"id"`
	Plaintext string `json:"plaintext"`
	Index     int    `json:"index"`
	EDSHex    string `json:"eds_hex"`
	EDS       string `json:"eds"`
	Seed      string `json:"seed"`
	Salt      string `json:"salt"`
	Key       string `json:"key"`
	IV        string `json:"iv"`
}

func loadVectors(t testing.TB) *vectorFile {
	t.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func unb64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := b64.DecodeString(s)
	if err != nil {
		t.Fatalf("bad base64 %q: %v", s, err)
	}
	return b
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func privateKey(t testing.TB, crv, seed string) keys.PrivateKey {
	t.Helper()
	if crv == "" {
		crv = "Ed25519"
	}
	k, err := (&keys.PrivateKeyECDH{Curve: crv, Private: unb64(t, seed)}).PrivateKey()
	if err != nil {
		t.Fatalf("key %s: %v", seed, err)
	}
	return k
}

func keyring(t testing.TB, priv, trusted []keySpec) *Keyring {
	ring := &Keyring{}
	for _, k := range priv {
		ring.Private = append(ring.Private, privateKey(t, k.Crv, k.Private))
	}
	for _, k := range trusted {
		ring.Trusted = append(ring.Trusted, privateKey(t, k.Crv, k.Private).Public())
	}
	return ring
}

// TestEnvelopeVectors decodes every envelope vector: V-1..V-6, V-13, V-14
// and the negative vectors, each naming the check that must fail.
func TestEnvelopeVectors(t *testing.T) {
	for _, v := range loadVectors(t).Envelopes {
		t.Run(v.ID, func(t *testing.T) {
			var out bytes.Buffer
			res, err := Decode(&out, strings.NewReader(v.Envelope), keyring(t, v.Private, v.Trusted))
			if v.Error != "" {
				if err == nil || !strings.Contains(err.Error(), v.Error) {
					t.Fatalf("error = %v, want one containing %q", err, v.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != v.Plaintext {
				t.Errorf("plaintext = %q, want %q", out.String(), v.Plaintext)
			}
			checkExpect(t, &v, res)
		})
	}
}

func checkExpect(t *testing.T, v *envelopeVector, res *Result) {
	t.Helper()
	e := v.Expect
	flag := func(name string, want *bool, got bool) {
		if want != nil && *want != got {
			t.Errorf("%s = %v, want %v", name, got, *want)
		}
	}
	flag("encrypted", e.Encrypted, res.Encrypted)
	flag("authenticated", e.Authenticated, res.Authenticated)
	flag("signed", e.Signed, res.Signed)
	flag("digest_checked", e.DigestChecked, res.DigestChecked)
	if e.Signatures != nil {
		var got []SignatureStatus
		for _, s := range res.Signatures {
			got = append(got, SignatureStatus{Generation: s.Generation, Verified: s.Verified, Witness: s.Witness})
		}
		if d := cmp.Diff(e.Signatures, got); d != "" {
			t.Errorf("signatures (-want +got):\n%s", d)
		}
	}
	if e.Annotations != nil {
		var got []string
		for _, a := range res.Annotations {
			got = append(got, string(a))
		}
		if d := cmp.Diff(e.Annotations, got); d != "" {
			t.Errorf("annotations (-want +got):\n%s", d)
		}
	}
	if e.ContentType != "" && (res.ContentMeta == nil || res.ContentMeta.ContentType != e.ContentType) {
		t.Errorf("content meta = %+v, want cty %q", res.ContentMeta, e.ContentType)
	}
}

// TestKeychainVectors checks each step of dare.md §4-§5 against the
// intermediate values of V-4, V-6, V-7, V-8, V-10, V-11 and V-14.
func TestKeychainVectors(t *testing.T) {
	vf := loadVectors(t)
	for _, v := range vf.Keychain {
		t.Run(v.ID, func(t *testing.T) {
			priv := privateKey(t, "Ed25519", v.Private).(keys.Agreer)
			epk, err := keys.ParsePublicKey(keys.Ed25519, unb64(t, v.Epk))
			if err != nil {
				t.Fatal(err)
			}
			ikm, err := priv.Agree(epk)
			if err != nil {
				t.Fatal(err)
			}
			hexCheck(t, "ikm", ikm, v.IKM, v.IKMPrefix, v.IKMSuffix)
			kek, err := deriveKEK(ikm, v.Info)
			if err != nil {
				t.Fatal(err)
			}
			hexCheck(t, "kek", kek, v.KEK, v.KEKPrefix, v.KEKSuffix)
			if v.Wmk == "" {
				return
			}
			seed, err := keywrap.Unwrap(kek, unb64(t, v.Wmk))
			if err != nil {
				t.Fatal(err)
			}
			hexCheck(t, "seed", seed, v.Seed, "", "")
			checkPayload(t, vf.Message, seed, &v)
		})
	}
}

// checkPayload checks key, iv, ciphertext and (V-8) digest, signature and
// witness of a rebuilt envelope.
func checkPayload(t *testing.T, msg string, seed []byte, v *keychainVector) {
	k, err := derivePayloadKeys(seed, unb64(t, v.Salt), EncA256CBC)
	if err != nil {
		t.Fatal(err)
	}
	hexCheck(t, "key", k.key, v.Key, "", "")
	hexCheck(t, "iv", k.iv, v.IV, "", "")
	ct := cbcEncryptForTest(k, []byte(msg))
	hexCheck(t, "ciphertext", ct, v.Ciphertext, v.CiphertextPrefix, v.CiphertextSuffix)
	if v.BodyPrefix != "" && !strings.HasPrefix(b64.EncodeToString(ct), v.BodyPrefix) {
		t.Errorf("body does not start with %s", v.BodyPrefix)
	}
	if v.Signer == "" {
		return
	}
	pd := sha512.Sum512(ct)
	if !strings.HasPrefix(b64.EncodeToString(pd[:]), v.PayloadDigestPrefix) {
		t.Errorf("payload digest %s, want prefix %s", b64.EncodeToString(pd[:]), v.PayloadDigestPrefix)
	}
	sig := signEd25519Dom2ForTest(unb64(t, v.Signer), pd[:])
	if !strings.HasPrefix(b64.EncodeToString(sig), v.SignaturePrefix) {
		t.Errorf("signature %s, want prefix %s", b64.EncodeToString(sig), v.SignaturePrefix)
	}
	w, err := witness(seed, unb64(t, v.Salt), sig)
	if err != nil {
		t.Fatal(err)
	}
	if got := b64.EncodeToString(w); got != v.Witn {
		t.Errorf("witness %s, want %s", got, v.Witn)
	}
}

func hexCheck(t *testing.T, name string, got []byte, full, prefix, suffix string) {
	t.Helper()
	h := hex.EncodeToString(got)
	if full != "" && h != full {
		t.Errorf("%s = %s, want %s", name, h, full)
	}
	if !strings.HasPrefix(h, prefix) || !strings.HasSuffix(h, suffix) {
		t.Errorf("%s = %s, want %s…%s", name, h, prefix, suffix)
	}
}

// cbcEncryptForTest is a one-shot AES-CBC-PKCS#7 reference (dare.md §5).
func cbcEncryptForTest(k *payloadKeys, msg []byte) []byte {
	block, _ := aes.NewCipher(k.key)
	pad := blockSize - len(msg)%blockSize
	out := append(bytes.Clone(msg), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, k.iv).CryptBlocks(out, out)
	return out
}

// TestSignatureVectors checks Gen-A (V-5, V-9) and Gen-B (V-13) signatures
// directly, and that the generations are not interchangeable.
func TestSignatureVectors(t *testing.T) {
	for _, v := range loadVectors(t).Signatures {
		t.Run(v.ID, func(t *testing.T) {
			pub := privateKey(t, "Ed25519", v.Signer).Public()
			if v.SignerPublicHex != "" {
				hexCheck(t, "public key", pub.Bytes(), v.SignerPublicHex, "", "")
			}
			pd := unb64(t, v.PayloadDigest)
			if v.ManifestHex != "" {
				hexCheck(t, "manifest", manifest(DigS512, pd, nil), v.ManifestHex, "", "")
			}
			alg := DigS512
			if v.Generation == "B" {
				alg = AlgED25519
			}
			s := &Signature{Alg: alg, Signature: unb64(t, v.Signature)}
			if got := verifySignature(pub, s, DigS512, pd, nil); got != v.Valid {
				t.Errorf("verify = %v, want %v", got, v.Valid)
			}
		})
	}
}

// TestEDSVectors checks plaintext (V-2) and encrypted (V-12) EDS both ways.
func TestEDSVectors(t *testing.T) {
	for _, v := range loadVectors(t).EDS {
		t.Run(v.ID, func(t *testing.T) {
			var seed, salt, want []byte
			if v.Seed != "" {
				seed, salt = unhex(t, v.Seed), unb64(t, v.Salt)
				want = unb64(t, v.EDS)
				k, err := derivePayloadKeys(seed, append([]byte{byte(v.Index)}, salt...), EncA256CBC)
				if err != nil {
					t.Fatal(err)
				}
				hexCheck(t, "key", k.key, v.Key, "", "")
				hexCheck(t, "iv", k.iv, v.IV, "", "")
			} else {
				want = unhex(t, v.EDSHex)
			}
			got, err := sealEDS(v.Index, []byte(v.Plaintext), seed, salt, EncA256CBC)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("EDS = %x, want %x", got, want)
			}
			plain, err := openEDS(want, seed, salt, EncA256CBC)
			if err != nil || string(plain) != v.Plaintext {
				t.Errorf("open = %q, %v; want %q", plain, err, v.Plaintext)
			}
		})
	}
}
