package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/cloudflare/circl/sign/ed448"
)

// standardVectors is testdata/standard_vectors.json.
type standardVectors struct {
	Comment    string
	Signatures []struct {
		ID, Alg, Seed, Public, Msg, Sig string
	}
	Ladders []struct {
		ID, Alg, Scalar, U, Out string
	}
	Agreements []struct {
		ID, Alg, Private, Public, PeerPrivate, PeerPublic, Shared string
	}
	InvalidPublic []struct {
		ID, Alg, Public, Fail string
	}
}

// TestStandardVectors runs RFC 8032 §7.1 test 1 and §7.4 "blank",
// RFC 7748 §5.2 and §6, the Edwards ECDH IKMs of dare.md §15 and the
// negative public keys (threshold.md §8.3 item 6).
func TestStandardVectors(t *testing.T) {
	var v standardVectors
	loadJSON(t, "standard_vectors.json", &v)
	for _, c := range v.Signatures {
		t.Run(c.ID, func(t *testing.T) {
			priv, err := newFromSeed(mustAlg(t, c.Alg), unhex(t, c.Seed))
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(priv.Public().Bytes()); got != c.Public {
				t.Errorf("public = %s, want %s", got, c.Public)
			}
			msg := unhex(t, c.Msg)
			sig, err := priv.(Signer).Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(sig); got != c.Sig {
				t.Errorf("signature = %s, want %s", got, c.Sig)
			}
			if !Verify(priv.Public(), msg, sig) {
				t.Error("Verify rejects the vector signature")
			}
			sig[0] ^= 1
			if Verify(priv.Public(), msg, sig) {
				t.Error("Verify accepts a corrupted signature")
			}
		})
	}
	for _, c := range v.Ladders {
		t.Run(c.ID, func(t *testing.T) {
			var out []byte
			var err error
			if mustAlg(t, c.Alg) == X25519 {
				out, err = x25519Agree(unhex(t, c.Scalar), unhex(t, c.U))
			} else {
				out, err = x448Agree(unhex(t, c.Scalar), unhex(t, c.U))
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(out); got != c.Out {
				t.Errorf("output = %s, want %s", got, c.Out)
			}
		})
	}
	for _, c := range v.Agreements {
		t.Run(c.ID, func(t *testing.T) {
			alg := mustAlg(t, c.Alg)
			priv, err := newFromSeed(alg, unhex(t, c.Private))
			if err != nil {
				t.Fatal(err)
			}
			if c.Public != "" && !bytes.HasPrefix(priv.Public().Bytes(), unhex(t, c.Public)) {
				t.Errorf("public = %x, want prefix %s", priv.Public().Bytes(), c.Public)
			}
			var peer PublicKey
			if c.PeerPrivate != "" {
				peerPriv, err := newFromSeed(alg, unhex(t, c.PeerPrivate))
				if err != nil {
					t.Fatal(err)
				}
				peer = peerPriv.Public()
				if !bytes.HasPrefix(peer.Bytes(), unhex(t, c.PeerPublic)) {
					t.Errorf("peer public = %x, want prefix %s", peer.Bytes(), c.PeerPublic)
				}
				back, err := peerPriv.(Agreer).Agree(priv.Public())
				if err != nil {
					t.Fatal(err)
				}
				if got := hex.EncodeToString(back); got != c.Shared {
					t.Errorf("reverse agreement = %s, want %s", got, c.Shared)
				}
			} else {
				peer, err = ParsePublicKey(alg, unhex(t, c.PeerPublic))
				if err != nil {
					t.Fatal(err)
				}
			}
			shared, err := priv.(Agreer).Agree(peer)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(shared); got != c.Shared {
				t.Errorf("agreement = %s, want %s", got, c.Shared)
			}
		})
	}
	for _, c := range v.InvalidPublic {
		t.Run(c.ID, func(t *testing.T) {
			_, err := ParsePublicKey(mustAlg(t, c.Alg), unhex(t, c.Public))
			if err == nil {
				t.Fatalf("accepted, want a %q failure", c.Fail)
			}
			if !errors.Is(err, ErrInvalidPublicKey) {
				t.Errorf("error %q does not wrap ErrInvalidPublicKey", err)
			}
			if !strings.Contains(err.Error(), c.Fail) {
				t.Errorf("error %q, want the %q check to fail", err, c.Fail)
			}
		})
	}
}

// TestStockVerifiers checks that the package's own RFC 8032 signers agree
// with crypto/ed25519 and circl/sign/ed448 for standard seeds.
func TestStockVerifiers(t *testing.T) {
	for i := range 20 {
		seed25 := bytes.Repeat([]byte{byte(i + 1)}, ed25519SeedSize)
		k25, err := newEd25519FromSeed(seed25)
		if err != nil {
			t.Fatal(err)
		}
		msg := []byte(strings.Repeat("message ", i))
		sig, err := k25.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		if want := ed25519.Sign(ed25519.NewKeyFromSeed(seed25), msg); !bytes.Equal(sig, want) {
			t.Errorf("Ed25519 seed %d: signature differs from crypto/ed25519", i)
		}

		seed448 := bytes.Repeat([]byte{byte(i + 1)}, ed448SeedSize)
		k448, err := newEd448FromSeed(seed448)
		if err != nil {
			t.Fatal(err)
		}
		sig, err = k448.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		if want := ed448.Sign(ed448.NewKeyFromSeed(seed448), msg, ""); !bytes.Equal(sig, want) {
			t.Errorf("Ed448 seed %d: signature differs from circl", i)
		}
	}
}
