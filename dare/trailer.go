package dare

import (
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/jsonb"
)

// TrailerBytes returns the serialized trailer (dare.md §11 step 6):
// PayloadDigest, Gen-B signatures over the manifest (dare.md §7.3), the
// WitnessValue when signed and encrypted, the ChainDigest and TreeDigest of
// a sequence frame (EncodeOptions.SequenceFrame), and in authenticated mode the
// EnvelopeTag as the last member (docs/dare.md). Call it after the payload
// writer was closed without error.
func (e *Encoder) TrailerBytes() ([]byte, error) {
	switch {
	case e.state == 3:
		return append([]byte(nil), e.trailer...), nil
	case e.body == nil || !e.body.closed:
		return nil, errors.New("dare: TrailerBytes called before the payload writer was closed")
	case e.body.err != nil:
		return nil, fmt.Errorf("dare: payload failed: %w", e.body.err)
	}
	pd := e.body.digest
	t := Trailer{PayloadDigest: pd}
	if err := linkTrailer(e.opts.SequenceFrame, &t); err != nil {
		return nil, err
	}
	m := manifest(DigS512, pd, nil)
	for i, s := range e.opts.Signers {
		sig, err := signGenB(s, m)
		if err != nil {
			return nil, fmt.Errorf("dare: signer %d: %w", i, err)
		}
		t.Signatures = append(t.Signatures, sig)
	}
	if e.x != nil && len(t.Signatures) > 0 {
		w, err := witness(e.x.seed, e.header.Salt, m)
		if err != nil {
			return nil, err
		}
		t.WitnessValue = w
	}
	var t0 []byte
	var err error
	if e.opts.Binary {
		t0, err = jsonb.MarshalB(&t)
	} else {
		t0, err = jsonb.Marshal(&t)
	}
	if err != nil {
		return nil, fmt.Errorf("dare: serializing trailer: %w", err)
	}
	if e.header.Enc == EncA256CBCETM {
		tag := computeTag(e.keys.macKey, e.form, frameContext(e.opts.SequenceFrame), e.hdr, pd, t0)
		t0 = appendTag(t0, tag, e.opts.Binary)
	}
	e.trailer, e.state = t0, 3
	return append([]byte(nil), t0...), nil
}
