package sequence

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// encSeq creates a sequence of type typ encrypted under mode to one X25519
// key, with n data frames, and returns it with a keyring that opens it.
func encSeq(t *testing.T, typ Type, mode string, n int) (*Sequence, *dare.Keyring) {
	t.Helper()
	priv, err := keys.Generate(keys.X25519, nil)
	if err != nil {
		t.Fatal(err)
	}
	ring := &dare.Keyring{Private: []keys.PrivateKey{priv}}
	path := filepath.Join(t.TempDir(), "enc.dare")
	s, err := Create(path, Options{Type: typ, Sync: SyncNone, Encryption: &Encryption{Mode: mode, Recipients: []keys.PublicKey{priv.Public()}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if _, err := s.Append(Entry{Payload: payloadFor(i), Meta: &dare.ContentMeta{UniqueID: fmt.Sprint("id", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	return s, ring
}

// decryptAt opens path read-only and decrypts frame i: what a reader with
// the key gets.
func decryptAt(path string, i int64, ring *dare.Keyring) ([]byte, *dare.Result, error) {
	s, err := Open(path, Options{ReadOnly: true, Keyring: ring})
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	f, err := s.Frame(i)
	if err != nil {
		return nil, nil, err
	}
	return s.Decrypt(f, ring)
}

// verifyAt opens path read-only and runs Verify (no key).
func verifyAt(t *testing.T, path string) error {
	t.Helper()
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Verify()
}

// wantVerifyError checks that err is a *VerifyError for frame index and
// check.
func wantVerifyError(t *testing.T, what string, err error, index int64, check string) {
	t.Helper()
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Index != index || ve.Check != check {
		t.Errorf("%s: err = %v, want a VerifyError for frame %d (%s)", what, err, index, check)
	}
}

// TestAuthenticatedFrames: every encrypted frame is written in dare's
// authenticated mode, with the chain or tree digest in the trailer before
// the tag, and decrypts as authenticated; the policy names the mode.
func TestAuthenticatedFrames(t *testing.T) {
	for _, mode := range []string{Isolated, Once, Session} {
		for _, typ := range []Type{Merkle, Chain, List} {
			t.Run(mode+"/"+typ.String(), func(t *testing.T) {
				s, ring := encSeq(t, typ, mode, 3)
				defer s.Close()
				var warnings []string
				s.opts.Warn = func(m string) { warnings = append(warnings, m) }
				if p := s.frame0.Policy; p == nil || p.Enc != dare.EncA256CBCETM || p.Encryption != mode {
					t.Fatalf("policy %+v", p)
				}
				for i := int64(0); i < s.Len(); i++ {
					f, err := s.Frame(i)
					if err != nil {
						t.Fatal(err)
					}
					if f.Header.Enc == "" {
						if i != 0 || mode == Once {
							t.Fatalf("frame %d is not encrypted", i)
						}
						continue
					}
					tb := string(f.TrailerBytes)
					if f.Header.Enc != dare.EncA256CBCETM || !strings.Contains(tb, `,"EnvelopeTag":"`) || !strings.HasSuffix(tb, `"}`) {
						t.Fatalf("frame %d: enc %q, trailer %s", i, f.Header.Enc, tb)
					}
					if typ == Merkle && (f.Trailer.TreeDigest == nil || strings.Index(tb, "TreeDigest") > strings.Index(tb, "EnvelopeTag")) {
						t.Fatalf("frame %d: no TreeDigest before the tag: %s", i, tb)
					}
					if typ == Chain && f.Trailer.ChainDigest == nil {
						t.Fatalf("frame %d: no ChainDigest: %s", i, tb)
					}
					pt, err := s.Plaintext(f, ring)
					if err != nil {
						t.Fatalf("frame %d: %v", i, err)
					}
					_, res, err := s.Decrypt(f, ring)
					if err != nil || !res.Authenticated {
						t.Fatalf("frame %d: Decrypt = %+v, %v", i, res, err)
					}
					want := payloadFor(int(i))
					if i == 0 {
						want = []byte{}
					}
					if !bytes.Equal(pt, want) {
						t.Fatalf("frame %d decrypts to %q", i, pt)
					}
				}
				if len(warnings) != 0 {
					t.Errorf("warnings for authenticated frames: %q", warnings)
				}
				if err := s.Verify(); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestTamperEveryByte changes every byte of an encrypted frame in the
// middle of the file (tags, header, payload, trailer), one at a time, in
// each mode: a reader holding the key never gets that frame's plaintext.
// The targets include the frame holding a shared exchange (Once frame 0,
// Session frame 1). The frame is read from the changed file image with the
// state of the sequence as opened (its frame 0 context and policy).
func TestTamperEveryByte(t *testing.T) {
	tests := []struct {
		mode    string
		typ     Type
		targets []int64
	}{
		{Isolated, Merkle, []int64{2}},
		{Once, Merkle, []int64{0, 2}},
		{Session, Merkle, []int64{1, 2}},
		{Session, List, []int64{2}},
	}
	for _, tc := range tests {
		t.Run(tc.mode+"/"+tc.typ.String(), func(t *testing.T) {
			s, ring := encSeq(t, tc.typ, tc.mode, 3)
			frames := rawFrames(t, s)
			file := join(frames)
			offsets := s.Offsets()
			for _, target := range tc.targets {
				start := int(offsets[target])
				read := func() ([]byte, error) {
					f, err := readFrame(bytes.NewReader(file), int64(start), int64(len(file)), target)
					if err != nil {
						return nil, err
					}
					pt, _, err := s.Decrypt(f, ring)
					return pt, err
				}
				if _, err := read(); err != nil {
					t.Fatalf("untouched frame %d: %v", target, err)
				}
				for i := start; i < start+len(frames[target]); i++ {
					file[i] ^= 0x01
					pt, err := read()
					if err == nil || pt != nil {
						t.Fatalf("frame %d: byte %d of the frame (file offset %d) changed, Decrypt = %q, %v", target, i-start, i, pt, err)
					}
					file[i] ^= 0x01
				}
			}
			// The same through the file: a changed ciphertext byte of
			// frame 2 fails its tag for a reader that opens the file.
			f2, err := s.Frame(2)
			if err != nil {
				t.Fatal(err)
			}
			at := bytes.Index(file, f2.Payload) + len(f2.Payload)/2
			path := s.Path()
			s.Close()
			file[at] ^= 0x01
			if err := os.WriteFile(path, file, 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err = decryptAt(path, 2, ring)
			wantVerifyError(t, "changed ciphertext byte", err, 2, "envelope tag")
		})
	}
}

// rewriteFrame rebuilds frame i of frames with edited header and trailer.
func rewriteFrame(t *testing.T, s *Sequence, i int64, editH func(*dare.Header), editT func(*dare.Trailer)) []byte {
	t.Helper()
	f, err := s.Frame(i)
	if err != nil {
		t.Fatal(err)
	}
	h, tr := *f.Header, *f.Trailer
	si := *h.SequenceInfo
	h.SequenceInfo = &si
	editH(&h)
	editT(&tr)
	hb, err := jsonb.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := jsonb.Marshal(&tr)
	if err != nil {
		t.Fatal(err)
	}
	return appendFrame(nil, hb, f.Payload, tb)
}

// TestSwapSessionFrames: two frames sharing a Session exchange swapped are
// detected by Verify and by Decrypt (Index); with the Index also rewritten
// to the new position, the tag fails (in a List sequence Verify has no
// tree to see it: only the tag does).
func TestSwapSessionFrames(t *testing.T) {
	for _, typ := range []Type{Merkle, List} {
		t.Run(typ.String(), func(t *testing.T) {
			s, ring := encSeq(t, typ, Session, 4)
			path := s.Path()
			frames := rawFrames(t, s)
			relabeled := rewriteFrame(t, s, 3, func(h *dare.Header) { h.SequenceInfo.Index = int64p(2) }, func(*dare.Trailer) {})
			s.Close()

			swapped := append([][]byte(nil), frames...)
			swapped[2], swapped[3] = swapped[3], swapped[2]
			if err := os.WriteFile(path, join(swapped), 0o600); err != nil {
				t.Fatal(err)
			}
			wantVerifyError(t, "Verify of swapped frames", verifyAt(t, path), 2, "sequence info")
			_, _, err := decryptAt(path, 2, ring)
			wantVerifyError(t, "Decrypt of a swapped frame", err, 2, "sequence info")

			// PreviousFrame(2) = PreviousFrame(3) = 1: the same TreePosition.
			moved := append([][]byte(nil), frames...)
			moved[2] = relabeled
			if err := os.WriteFile(path, join(moved), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err = decryptAt(path, 2, ring)
			wantVerifyError(t, "Decrypt of a frame moved with its Index rewritten", err, 2, "envelope tag")
			if !errors.Is(err, dare.ErrAuthentication) {
				t.Errorf("err = %v, want ErrAuthentication", err)
			}
		})
	}
}

// TestDowngrade: relabeling an authenticated frame's enc to the legacy
// A256CBC and stripping its tag is caught by Verify (no key needed) and by
// Decrypt, through the policy; rewriting the policy as well breaks the tag
// of every other authenticated frame, whose context is frame 0's header.
func TestDowngrade(t *testing.T) {
	legacy := func(h *dare.Header) { h.Enc = dare.EncA256CBC }
	strip := func(tr *dare.Trailer) { tr.EnvelopeTag = nil }
	for _, mode := range []string{Isolated, Once, Session} {
		t.Run(mode, func(t *testing.T) {
			s, ring := encSeq(t, Merkle, mode, 3)
			path := s.Path()
			frames := rawFrames(t, s)
			edits := map[string][]byte{
				"relabel and strip": rewriteFrame(t, s, 2, legacy, strip),
				"strip the tag":     rewriteFrame(t, s, 2, func(*dare.Header) {}, strip),
				"relabel only":      rewriteFrame(t, s, 2, legacy, func(*dare.Trailer) {}),
			}
			frame0 := rewriteFrame(t, s, 0, func(h *dare.Header) {
				p := *h.Policy
				p.Enc = dare.EncA256CBC
				h.Policy = &p
			}, func(*dare.Trailer) {})
			s.Close()
			for name, edited := range edits {
				c := append([][]byte(nil), frames...)
				c[2] = edited
				if err := os.WriteFile(path, join(c), 0o600); err != nil {
					t.Fatal(err)
				}
				wantVerifyError(t, name+": Verify", verifyAt(t, path), 2, "encryption mode")
				pt, _, err := decryptAt(path, 2, ring)
				wantVerifyError(t, name+": Decrypt", err, 2, "encryption mode")
				if pt != nil || !errors.Is(err, dare.ErrAuthentication) {
					t.Errorf("%s: Decrypt = %q, %v", name, pt, err)
				}
			}
			c := append([][]byte(nil), frames...)
			c[0], c[2] = frame0, edits["relabel and strip"]
			if err := os.WriteFile(path, join(c), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := decryptAt(path, 1, ring)
			wantVerifyError(t, "policy rewritten: Decrypt of an untouched frame", err, 1, "envelope tag")
			pt, res, err := decryptAt(path, 2, ring)
			if err == nil && (res.Authenticated || bytes.Equal(pt, payloadFor(2))) {
				t.Errorf("downgraded frame under a rewritten policy: %q, authenticated %v", pt, res.Authenticated)
			}
		})
	}
}

// TestLegacyFramesRead: A256CBC frames (the reference's, and ours before
// the authenticated mode), here a Session sequence with ExchangePosition,
// still verify and decrypt, reported as not authenticated; a sequence
// whose policy requires the authenticated mode refuses to append them.
func TestLegacyFramesRead(t *testing.T) {
	priv, _ := keys.Generate(keys.X25519, nil)
	ring := &dare.Keyring{Private: []keys.PrivateKey{priv}}
	h0 := &dare.Header{
		Policy:       &dare.Policy{Enc: dare.EncA256CBC, Dig: dare.DigS512, Encryption: Session},
		SequenceInfo: &dare.SequenceInfo{DataEncoding: dataEncodingJSON, ContainerType: List.String(), Index: int64p(0)},
	}
	hb0, _ := jsonb.Marshal(h0)
	file := appendFrame(nil, hb0, []byte{}, []byte{})
	var x *dare.Exchange
	for i := int64(1); i <= 3; i++ {
		opts := dare.EncodeOptions{Legacy: true, Header: &dare.Header{SequenceInfo: &dare.SequenceInfo{Index: int64p(i)}}}
		if x == nil {
			opts.Recipients = []keys.PublicKey{priv.Public()}
		} else {
			opts.Exchange, opts.OmitRecipients = x, true
			opts.Header.SequenceInfo.ExchangePosition = int64p(1)
		}
		e, err := dare.NewEncoder(&opts)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		w, _ := e.PayloadWriter(&body)
		w.Write(payloadFor(int(i)))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		tb, err := e.TrailerBytes()
		if err != nil {
			t.Fatal(err)
		}
		x = e.Exchange()
		file = appendFrame(file, e.HeaderBytes(), body.Bytes(), tb)
	}
	path := filepath.Join(t.TempDir(), "legacy.dare")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	s, err := Open(path, Options{ReadOnly: true, Verify: true, Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := int64(1); i <= 3; i++ {
		f, _ := s.Frame(i)
		pt, err := s.Plaintext(f, ring)
		if err != nil || !bytes.Equal(pt, payloadFor(int(i))) {
			t.Fatalf("frame %d: %q, %v", i, pt, err)
		}
		if _, res, err := s.Decrypt(f, ring); err != nil || res.Authenticated {
			t.Fatalf("frame %d: Decrypt = %+v, %v, want unauthenticated", i, res, err)
		}
	}
	if len(warnings) != 3 || !strings.Contains(warnings[0], "frame 1: NOT authenticated") {
		t.Errorf("warnings = %q, want one NOT authenticated per frame", warnings)
	}

	enc, _ := encSeq(t, Merkle, Isolated, 0)
	defer enc.Close()
	f, _ := s.Frame(1)
	if _, err := enc.Append(Entry{Payload: f.Payload, Envelope: f.Header}); err == nil || !strings.Contains(err.Error(), "policy requires") {
		t.Errorf("legacy envelope appended under an authenticated policy: %v", err)
	}
}

// BenchmarkAppendSession: appending 100-byte entries to a Session-encrypted
// Merkle sequence (one key exchange, then a Salt, keys and an envelope tag
// per frame), without fsync.
func BenchmarkAppendSession(b *testing.B) {
	priv, _ := keys.Generate(keys.X25519, nil)
	s, err := Create(filepath.Join(b.TempDir(), "b.dare"), Options{Sync: SyncNone, Encryption: &Encryption{Mode: Session, Recipients: []keys.PublicKey{priv.Public()}}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.SetBytes(100)
	for b.Loop() {
		if _, err := s.Append(entry100); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecryptSession: Decrypt of one 100-byte Session frame (the
// exchange is cached): checks, keys, tag, digest, decryption.
func BenchmarkDecryptSession(b *testing.B) {
	priv, _ := keys.Generate(keys.X25519, nil)
	ring := &dare.Keyring{Private: []keys.PrivateKey{priv}}
	s, err := Create(filepath.Join(b.TempDir(), "b.dare"), Options{Sync: SyncNone, Encryption: &Encryption{Mode: Session, Recipients: []keys.PublicKey{priv.Public()}}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for range 3 {
		if _, err := s.Append(entry100); err != nil {
			b.Fatal(err)
		}
	}
	f, err := s.Frame(3)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(100)
	for b.Loop() {
		if _, _, err := s.Decrypt(f, ring); err != nil {
			b.Fatal(err)
		}
	}
}
