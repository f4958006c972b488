package rfc8032

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/hex"
	"testing"

	"filippo.io/edwards25519"
	"github.com/cloudflare/circl/ecc/goldilocks"
	"github.com/cloudflare/circl/sign/ed448"
)

// seeded expands an RFC 8032 seed into (s, prefix, A) as §5.1.5 does, so
// that the scalar-based signer can be checked against crypto/ed25519.
func seeded25519(t *testing.T, seed []byte) (*edwards25519.Scalar, []byte, []byte) {
	t.Helper()
	h := sha512.Sum512(seed)
	s, err := edwards25519.NewScalar().SetBytesWithClamping(h[:32])
	if err != nil {
		t.Fatal(err)
	}
	return s, h[32:], new(edwards25519.Point).ScalarBaseMult(s).Bytes()
}

// seeded448 is the §5.2.5 expansion for Ed448.
func seeded448(t *testing.T, seed []byte) (*goldilocks.Scalar, []byte, []byte) {
	t.Helper()
	h := sha3.SumSHAKE256(seed, 114)
	h[0] &= 0xFC
	h[56] = 0
	h[55] |= 0x80
	var s goldilocks.Scalar
	s.FromBytes(h[:57])
	A := make([]byte, Ed448PublicSize)
	if err := (goldilocks.Curve{}).ScalarBaseMult(&s).ToBytes(A); err != nil {
		t.Fatal(err)
	}
	return &s, h[57:], A
}

// TestSignEd25519MatchesStdlib: RFC 8032 §7.1 TEST 2, and equality with
// crypto/ed25519 over several messages.
func TestSignEd25519MatchesStdlib(t *testing.T) {
	seed, _ := hex.DecodeString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
	want, _ := hex.DecodeString("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da" +
		"085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
	s, prefix, A := seeded25519(t, seed)
	if got := SignEd25519(s, prefix, A, []byte{0x72}); !bytes.Equal(got, want) {
		t.Fatalf("RFC 8032 §7.1 TEST 2:\n got %x\nwant %x", got, want)
	}
	std := ed25519.NewKeyFromSeed(seed)
	for _, msg := range [][]byte{nil, []byte("m"), bytes.Repeat([]byte{0xA5}, 1000)} {
		if got, want := SignEd25519(s, prefix, A, msg), ed25519.Sign(std, msg); !bytes.Equal(got, want) {
			t.Errorf("message of %d bytes: got %x, crypto/ed25519 gives %x", len(msg), got, want)
		}
	}
}

// TestSignEd448MatchesCircl: equality with circl's Ed448 for pure and
// context signatures (RFC 8032 §5.2.6 dom4 with a context).
func TestSignEd448MatchesCircl(t *testing.T) {
	seed := bytes.Repeat([]byte{0x5C}, ed448.SeedSize)
	s, prefix, A := seeded448(t, seed)
	priv := ed448.NewKeyFromSeed(seed)
	for _, c := range []struct{ ctx, msg string }{
		{"", ""}, {"", "message"}, {"foo", "message"}, {string(bytes.Repeat([]byte{1}, 255)), "x"},
	} {
		got := SignEd448(s, prefix, A, []byte(c.ctx), []byte(c.msg))
		want := ed448.Sign(priv, []byte(c.msg), c.ctx)
		if !bytes.Equal(got, want) {
			t.Errorf("ctx %d bytes, msg %q: got %x, circl gives %x", len(c.ctx), c.msg, got, want)
		}
		if !ed448.Verify(ed448.PublicKey(A), []byte(c.msg), got, c.ctx) {
			t.Errorf("ctx %d bytes, msg %q: signature does not verify", len(c.ctx), c.msg)
		}
	}
}

// TestPreconditionsPanic: a wrong-length prefix or an over-long context is
// a caller bug and must not yield a signature.
func TestPreconditionsPanic(t *testing.T) {
	s25, p25, A25 := seeded25519(t, make([]byte, 32))
	s448, p448, A448 := seeded448(t, make([]byte, 57))
	for name, f := range map[string]func(){
		"Ed25519 short prefix": func() { SignEd25519(s25, p25[:31], A25, nil) },
		"Ed448 short prefix":   func() { SignEd448(s448, p448[:56], A448, nil, nil) },
		"Ed448 long context":   func() { SignEd448(s448, p448, A448, make([]byte, 256), nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
