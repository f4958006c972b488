package threshold

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/cloudflare/circl/dh/x448"
	"github.com/cloudflare/circl/sign/ed448"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func loadJSON(tb testing.TB, name string, v any) {
	tb.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatal(err)
	}
}

func curveByName(tb testing.TB, name string) *Curve {
	for _, c := range []*Curve{X25519, X448, Ed25519, Ed448} {
		if c.Name() == name {
			return c
		}
	}
	tb.Fatalf("unknown curve %q", name)
	return nil
}

// oracleX is the standard-library X25519 / circl X448 function, used to
// check the transcription of the vectors and as the independent oracle.
func oracleX(tb testing.TB, c *Curve, scalar, u []byte) []byte {
	tb.Helper()
	if c == X25519 {
		var out [32]byte
		priv, err := ecdh.X25519().NewPrivateKey(scalar)
		if err != nil {
			tb.Fatal(err)
		}
		pub, err := ecdh.X25519().NewPublicKey(u)
		if err != nil {
			tb.Fatal(err)
		}
		s, err := priv.ECDH(pub)
		if err != nil {
			tb.Fatal(err)
		}
		copy(out[:], s)
		return out[:]
	}
	var out, k, p x448.Key
	copy(k[:], scalar)
	copy(p[:], u)
	if !x448.Shared(&out, &k, &p) {
		tb.Fatal("x448 oracle: low-order input")
	}
	return out[:]
}

type rfc7748Vector struct {
	ID, Curve, Scalar, U, Out, Ours string
}

// TestRFC7748Vectors checks the RFC 7748 vectors against the oracle and
// against this package: prime-order inputs must give the same agreement,
// twist or torsion inputs must be refused.
func TestRFC7748Vectors(t *testing.T) {
	var f struct{ Vectors []rfc7748Vector }
	loadJSON(t, "rfc7748.json", &f)
	for _, v := range f.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			c := curveByName(t, v.Curve)
			scalar, u, out := unhex(t, v.Scalar), unhex(t, v.U), unhex(t, v.Out)
			if got := oracleX(t, c, scalar, u); !bytes.Equal(got, out) {
				t.Fatalf("oracle = %x, want %x (transcription error)", got, out)
			}
			k, err := c.PrivateKeyFromRFC7748(scalar)
			if err != nil {
				t.Fatal(err)
			}
			got, err := k.Agree(u)
			switch v.Ours {
			case "agree":
				if err != nil || !bytes.Equal(got, out) {
					t.Fatalf("Agree = %x, %v; want %x", got, err, out)
				}
			case "reject":
				if !errors.Is(err, ErrInvalidPoint) {
					t.Fatalf("Agree = %x, %v; want ErrInvalidPoint", got, err)
				}
			default:
				t.Fatalf("unknown outcome %q", v.Ours)
			}
		})
	}
}

type rfc8032Vector struct {
	ID, Curve, Seed, Public, Message, Context, Signature string
}

// TestRFC8032Vectors signs through the explicit (scalar, prefix) signer and
// checks the RFC 8032 §7 signatures byte for byte and with the stock verifiers.
func TestRFC8032Vectors(t *testing.T) {
	var f struct{ Vectors []rfc8032Vector }
	loadJSON(t, "rfc8032.json", &f)
	for _, v := range f.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			c := curveByName(t, v.Curve)
			k, prefix, err := c.PrivateKeyFromRFC8032Seed(unhex(t, v.Seed))
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewSigner(k, prefix)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(s.Public()); got != v.Public {
				t.Fatalf("public = %s, want %s", got, v.Public)
			}
			msg, ctx := unhex(t, v.Message), unhex(t, v.Context)
			sig, err := s.SignContext(msg, ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(sig); got != v.Signature {
				t.Fatalf("signature = %s, want %s", got, v.Signature)
			}
			if !stdVerify(c, s.Public(), msg, sig, string(ctx)) {
				t.Fatal("stock verifier rejects the signature")
			}
		})
	}
}

func stdVerify(c *Curve, pub, msg, sig []byte, ctx string) bool {
	if c == Ed25519 {
		return ed25519.Verify(pub, msg, sig)
	}
	return ed448.Verify(pub, msg, sig, ctx)
}

type keygenVector struct {
	ID, Curve, Kind                  string
	Private1, Public1                string
	Private2, Public2                string
	CompositeScalar, CompositePublic string `json:"-"`
	CompositeScalarJ                 string `json:"composite_scalar"`
	CompositePublicJ                 string `json:"composite_public"`
}

type decryptionVector struct {
	ID, Curve         string
	KeyPrivate        string `json:"key_private"`
	KeyPublic         string `json:"key_public"`
	EphemeralPrivate  string `json:"ephemeral_private"`
	EphemeralPublic   string `json:"ephemeral_public"`
	Share1Private     string `json:"share1_private"`
	Share2Scalar      string `json:"share2_scalar"`
	DraftShare2Scalar string `json:"draft_share2_scalar"`
	Agreement, KEK    string
}

func keyFromVector(t *testing.T, c *Curve, kind, b string) *PrivateKey {
	t.Helper()
	if kind == "rfc7748" {
		k, err := c.PrivateKeyFromRFC7748(unhex(t, b))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	k, _, err := c.PrivateKeyFromRFC8032Seed(unhex(t, b))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestThreshold06Vectors runs draft-hallambaker-threshold-06 §6.1 (key
// co-generation) and §6.2 (direct threshold decryption, with the corrected
// second shares of threshold.md §8.2).
func TestThreshold06Vectors(t *testing.T) {
	var f struct {
		Keygen     []keygenVector
		Decryption []decryptionVector
	}
	loadJSON(t, "threshold06.json", &f)
	for _, v := range f.Keygen {
		t.Run(v.ID, func(t *testing.T) {
			c := curveByName(t, v.Curve)
			k1, k2 := keyFromVector(t, c, v.Kind, v.Private1), keyFromVector(t, c, v.Kind, v.Private2)
			if got := hex.EncodeToString(k1.Public()); got != v.Public1 {
				t.Errorf("public 1 = %s, want %s", got, v.Public1)
			}
			if got := hex.EncodeToString(k2.Public()); got != v.Public2 {
				t.Errorf("public 2 = %s, want %s", got, v.Public2)
			}
			sum, err := CombinePrivate(k1, k2)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(sum.Bytes()); got != v.CompositeScalarJ {
				t.Errorf("composite scalar = %s, want %s", got, v.CompositeScalarJ)
			}
			pub, err := c.CombinePublic(k1.Public(), k2.Public())
			if err != nil {
				t.Fatal(err)
			}
			want := unhex(t, v.CompositePublicJ)
			if !bytes.Equal(pub[:len(want)], want) {
				t.Errorf("composite public = %x, want %x", pub, want)
			}
			if err := CheckOverlay(sum, pub); err != nil {
				t.Error(err)
			}
		})
	}
	for _, v := range f.Decryption {
		t.Run(v.ID, func(t *testing.T) {
			c := curveByName(t, v.Curve)
			key := keyFromVector(t, c, "rfc7748", v.KeyPrivate)
			if got := key.Public(); !bytes.Equal(got[:len(got)-1], unhex(t, v.KeyPublic)) {
				t.Errorf("key public = %x, want %s", got, v.KeyPublic)
			}
			agreement := unhex(t, v.Agreement)
			if got := oracleX(t, c, unhex(t, v.EphemeralPrivate), unhex(t, v.KeyPublic)); !bytes.Equal(got, agreement) {
				t.Fatalf("encryptor's agreement = %x, want %x", got, agreement)
			}
			share1 := keyFromVector(t, c, "rfc7748", v.Share1Private)
			share2, err := c.NewPrivateKey(unhex(t, v.Share2Scalar))
			if err != nil {
				t.Fatal(err)
			}
			if sum, err := CombinePrivate(share1, share2); err != nil || !sum.Equal(key) {
				t.Fatalf("share1 + share2 != key (%v)", err)
			}
			eph := unhex(t, v.EphemeralPublic)
			p2, err := share2.Partial(eph)
			if err != nil {
				t.Fatal(err)
			}
			got, err := share1.Decrypt(eph, p2)
			if err != nil || !bytes.Equal(got, agreement) {
				t.Fatalf("threshold agreement = %x, %v; want %x", got, err, agreement)
			}
			kek, err := KEK(got, nil)
			if err != nil || hex.EncodeToString(kek) != v.KEK {
				t.Errorf("KEK = %x, %v; want %s", kek, err, v.KEK)
			}
			// The draft's own second share does not complete the key (erratum).
			bad, err := c.NewPrivateKey(unhex(t, v.DraftShare2Scalar))
			if err != nil {
				t.Fatal(err)
			}
			pb, err := bad.Partial(eph)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := share1.Decrypt(eph, pb); err == nil && bytes.Equal(got, agreement) {
				t.Error("the draft's listed Scalar_2 unexpectedly completes the key")
			}
		})
	}
}
