package sequence

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/keys"
)

// TestEncryptedModes appends encrypted frames under each policy (dare.md
// §8.9), reopens, appends more, and checks where the key exchanges are,
// that ExchangePosition points at them, that every frame decrypts, and that
// the sequence verifies.
func TestEncryptedModes(t *testing.T) {
	priv, err := keys.Generate(keys.X25519, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := keys.Generate(keys.X25519, nil)
	ring := &dare.Keyring{Private: []keys.PrivateKey{priv}}
	tests := []struct {
		mode string
		// wantExchange[i] is the frame whose recipients frame i uses.
		wantExchange []int64
	}{
		{Isolated, []int64{-1, 1, 2, 3, 4, 5}},
		{Once, []int64{0, 0, 0, 0, 0, 0}},
		{Session, []int64{-1, 1, 1, 1, 4, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "enc.dare")
			s, err := Create(path, Options{Type: Merkle, Encryption: &Encryption{Mode: tc.mode, Recipients: []keys.PublicKey{priv.Public()}}})
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= 3; i++ {
				if _, err := s.Append(Entry{Payload: payloadFor(i)}); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			s, err = Open(path, Options{Keyring: ring})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for i := 4; i <= 5; i++ {
				if _, err := s.Append(Entry{Payload: payloadFor(i)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Verify(); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			for i := int64(1); i <= 5; i++ {
				f, err := s.Frame(i)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(f.Payload, []byte("payload")) || f.Header.Enc == "" || len(f.Header.Salt) != 16 {
					t.Fatalf("frame %d is not encrypted: enc %q", i, f.Header.Enc)
				}
				xp := f.Header.SequenceInfo.ExchangePosition
				switch want := tc.wantExchange[i]; {
				case want == i:
					if xp != nil || len(f.Header.Recipients) == 0 {
						t.Errorf("frame %d: want its own recipients, ExchangePosition %v", i, xp)
					}
				case xp == nil || *xp != want || len(f.Header.Recipients) != 0:
					t.Errorf("frame %d: ExchangePosition %v, want %d and no recipients", i, xp, want)
				}
				pt, err := s.Plaintext(f, ring)
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				if !bytes.Equal(pt, payloadFor(int(i))) {
					t.Fatalf("frame %d decrypts to %q", i, pt)
				}
				if _, err := s.Plaintext(f, &dare.Keyring{Private: []keys.PrivateKey{other}}); !errors.Is(err, dare.ErrNoKey) {
					t.Errorf("frame %d with the wrong key: %v", i, err)
				}
			}
		})
	}
}

// TestOnceNeedsKeyToAppend: a Once sequence cannot be appended to without
// a key for frame 0.
func TestOnceNeedsKeyToAppend(t *testing.T) {
	priv, _ := keys.Generate(keys.X25519, nil)
	path := filepath.Join(t.TempDir(), "once.dare")
	s, err := Create(path, Options{Encryption: &Encryption{Mode: Once, Recipients: []keys.PublicKey{priv.Public()}}})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, dare.ErrNoKey) {
		t.Fatalf("Open for append without a key = %v, want ErrNoKey", err)
	}
	s, err = Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open without a key: %v", err)
	}
	s.Close()
}

// TestEnvelopeAppend stores an encrypted envelope through the envelope-append
// path (dare.md §8.8): its body is kept as stored and its recipients are
// copied, so the frame decrypts with the recipient's key. Authenticated
// envelopes are refused.
func TestEnvelopeAppend(t *testing.T) {
	priv, _ := keys.Generate(keys.X25519, nil)
	s, _ := newSeq(t, Merkle, 1)
	defer s.Close()
	for _, legacy := range []bool{true, false} {
		e, err := dare.NewEncoder(&dare.EncodeOptions{Recipients: []keys.PublicKey{priv.Public()}, Legacy: legacy})
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		w, _ := e.PayloadWriter(&body)
		w.Write([]byte("enveloped message"))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		h := e.Header()
		i, err := s.Append(Entry{Payload: body.Bytes(), Envelope: &h})
		if !legacy {
			if err == nil {
				t.Fatal("an authenticated envelope was re-framed")
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		f, _ := s.Frame(i)
		if !bytes.Equal(f.Payload, body.Bytes()) || len(f.Header.Recipients) != 1 {
			t.Fatal("envelope body or recipients not stored as given")
		}
		pt, err := s.Plaintext(f, &dare.Keyring{Private: []keys.PrivateKey{priv}})
		if err != nil || string(pt) != "enveloped message" {
			t.Fatalf("Plaintext = %q, %v", pt, err)
		}
	}
	if err := s.Verify(); err != nil {
		t.Fatal(err)
	}
}
