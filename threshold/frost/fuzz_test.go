package frost

import (
	"bytes"
	"crypto/rand"
	"testing"
)

// FuzzDecodeCommitment: never panics; an accepted commitment re-encodes to
// the identical bytes (the encoding is canonical).
func FuzzDecodeCommitment(f *testing.F) {
	for _, cs := range []*Ciphersuite{Ed25519, Ed448} {
		keys, _, err := cs.Deal(cs.idScalar(7).Bytes(), 2, 2, rand.Reader)
		if err != nil {
			f.Fatal(err)
		}
		n, _ := keys[1].Commit(rand.Reader)
		f.Add(cs.EncodeCommitment(n.Commitment()))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, cs := range []*Ciphersuite{Ed25519, Ed448} {
			c, err := cs.DecodeCommitment(b)
			if err != nil {
				continue
			}
			if again := cs.EncodeCommitment(c); !bytes.Equal(again, b) {
				t.Fatalf("%s: %x re-encodes as %x", cs.Name(), b, again)
			}
		}
	})
}

// FuzzDecodeSignatureShare: never panics; accepted shares are canonical.
func FuzzDecodeSignatureShare(f *testing.F) {
	for _, v := range loadVectors(f) {
		cs := suiteByName(f, v.Ciphersuite)
		for _, s := range v.Signers {
			f.Add(append(cs.idScalar(s.ID).Bytes(), unhex(f, s.SigShare)...))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, cs := range []*Ciphersuite{Ed25519, Ed448} {
			s, err := cs.DecodeSignatureShare(b)
			if err != nil {
				continue
			}
			if again := cs.EncodeSignatureShare(s); !bytes.Equal(again, b) {
				t.Fatalf("%s: %x re-encodes as %x", cs.Name(), b, again)
			}
		}
	})
}
