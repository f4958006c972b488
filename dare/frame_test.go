package dare

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
)

// decodeFrame runs the Decoder over three parts with the given
// SequenceFrame binding (nil: plain three parts).
func decodeFrame(hdr, body, trl []byte, ring *Keyring, f *SequenceFrame) ([]byte, *Result, error) {
	d, err := NewDecoder(hdr, ring, &DecodeOptions{SequenceFrame: f})
	if err != nil {
		return nil, nil, err
	}
	r, err := d.PayloadReader(bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	pt, err := io.ReadAll(r)
	if err != nil {
		d.Abort()
		return nil, nil, err
	}
	res, err := d.Finish(trl)
	return pt, res, err
}

// TestSequenceFrame: Link puts the chain and tree digests into the trailer
// under the tag, computed from the payload digest; the tag binds the
// sequence-frame form and its context, so the records do not verify as
// plain three parts, nor under another context, nor the other way round.
func TestSequenceFrame(t *testing.T) {
	k := genKey(t, keys.X25519)
	ring := &Keyring{Private: []keys.PrivateKey{k}}
	chain, tree := bytes.Repeat([]byte{0xc1}, 64), bytes.Repeat([]byte{0x7e}, 32)
	var gotPD []byte
	calls := 0
	frame := &SequenceFrame{Context: []byte("frame 0 header digest"), Link: func(pd []byte) ([]byte, []byte, error) {
		calls++
		gotPD = pd
		return chain, tree, nil
	}}
	opts := &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}, SequenceFrame: frame}
	hdr, body, trl := threeParts(t, []byte("frame payload"), opts)
	if calls != 1 {
		t.Fatalf("Link called %d times, want 1", calls)
	}
	var tr Trailer
	if err := jsonb.Unmarshal(trl, &tr); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotPD, tr.PayloadDigest) || !bytes.Equal(tr.ChainDigest, chain) || !bytes.Equal(tr.TreeDigest, tree) {
		t.Fatalf("trailer %s: Link saw PayloadDigest %x", trl, gotPD)
	}
	if !strings.HasSuffix(string(trl), `"}`) || !strings.Contains(string(trl), `"TreeDigest":"`+b64.EncodeToString(tree)+`","EnvelopeTag":"`) {
		t.Fatalf("the tag is not the last member after the digests: %s", trl)
	}
	pt, res, err := decodeFrame(hdr, body, trl, ring, &SequenceFrame{Context: frame.Context})
	if err != nil || string(pt) != "frame payload" || !res.Authenticated {
		t.Fatalf("decode = %q, %+v, %v", pt, res, err)
	}
	if diff := cmp.Diff(tree, res.Trailer.TreeDigest); diff != "" {
		t.Errorf("Result.Trailer.TreeDigest (-want +got):\n%s", diff)
	}
	for name, f := range map[string]*SequenceFrame{
		"as plain three parts": nil,
		"other context":        {Context: []byte("frame 0 header digesT")},
		"empty context":        {},
	} {
		if _, _, err := decodeFrame(hdr, body, trl, ring, f); !errors.Is(err, ErrAuthentication) {
			t.Errorf("%s: err = %v, want ErrAuthentication", name, err)
		}
	}
	// Plain three parts do not verify as a sequence frame either.
	hdr, body, trl = threeParts(t, []byte("frame payload"), &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}})
	if _, _, err := decodeFrame(hdr, body, trl, ring, &SequenceFrame{}); !errors.Is(err, ErrAuthentication) {
		t.Errorf("three parts read as a frame: err = %v, want ErrAuthentication", err)
	}
}

// TestSequenceFrameOptions: bad uses of SequenceFrame are errors.
func TestSequenceFrameOptions(t *testing.T) {
	k := genKey(t, keys.X25519)
	recip := []keys.PublicKey{k.Public()}
	if _, err := Seal([]byte("x"), &EncodeOptions{Recipients: recip, SequenceFrame: &SequenceFrame{}}); !errors.Is(err, errFrameForm) {
		t.Errorf("Seal with SequenceFrame: %v", err)
	}
	if _, err := Encode(io.Discard, strings.NewReader("x"), 1, &EncodeOptions{Recipients: recip, SequenceFrame: &SequenceFrame{}}); !errors.Is(err, errFrameForm) {
		t.Errorf("Encode with SequenceFrame: %v", err)
	}
	long := &SequenceFrame{Context: make([]byte, MaxFrameContext+1)}
	if _, err := NewEncoder(&EncodeOptions{Recipients: recip, SequenceFrame: long}); err == nil || !strings.Contains(err.Error(), "SequenceFrame.Context has 257 bytes") {
		t.Errorf("NewEncoder with a long context: %v", err)
	}
	hdr, _, _ := threeParts(t, nil, &EncodeOptions{Recipients: recip})
	if _, err := NewDecoder(hdr, nil, &DecodeOptions{SequenceFrame: long}); err == nil {
		t.Error("NewDecoder accepted a long context")
	}
	e, err := NewEncoder(&EncodeOptions{Recipients: recip, SequenceFrame: &SequenceFrame{Link: func([]byte) ([]byte, []byte, error) {
		return nil, nil, errors.New("tree full")
	}}})
	if err != nil {
		t.Fatal(err)
	}
	pw, _ := e.PayloadWriter(io.Discard)
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.TrailerBytes(); err == nil || !strings.Contains(err.Error(), "tree full") {
		t.Errorf("TrailerBytes with a failing Link: %v", err)
	}
}
