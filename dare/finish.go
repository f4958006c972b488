package dare

import (
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/jsonb"
)

// parseHeader reads a header object (JSON or JSON-B), accepting the
// [REF-2020] field names of dare.md §13.
func parseHeader(b []byte, h *Header) error {
	if err := jsonb.Unmarshal(b, h); err != nil {
		return fmt.Errorf("dare: header: %w", err)
	}
	var old struct {
		EnvelopeID    string         `json:"EnvelopeID,omitempty"`
		Annotations   [][]byte       `json:"Annotations,omitempty"`
		ContainerInfo *SequenceInfo  `json:"ContainerInfo,omitempty"`
		ContainerIdx  *SequenceIndex `json:"ContainerIndex,omitempty"`
	}
	if err := jsonb.Unmarshal(b, &old); err != nil {
		return fmt.Errorf("dare: header: %w", err)
	}
	if h.EnvelopeID == "" {
		h.EnvelopeID = old.EnvelopeID
	}
	if h.Annotations == nil {
		h.Annotations = old.Annotations
	}
	if h.SequenceInfo == nil {
		h.SequenceInfo = old.ContainerInfo
	}
	if h.SequenceIndex == nil {
		h.SequenceIndex = old.ContainerIdx
	}
	if h.TreeDigest == nil {
		h.TreeDigest = h.ApexDigest
	}
	return nil
}

// Finish checks the envelope once the payload was read to its end (dare.md
// §10 steps 3-4, §7.4): the PayloadDigest, the envelope tag of an
// authenticated envelope (in constant time), signatures and witnesses.
// trailerBytes is nil when the envelope has no trailer.
func (d *Decoder) Finish(trailerBytes []byte) (*Result, error) {
	if d.finished {
		return nil, errors.New("dare: Finish called twice")
	}
	if d.body == nil {
		return nil, errors.New("dare: Finish called before the payload was read")
	}
	d.finished = true
	pd, n := d.body.finish()
	d.res.StoredSize = n
	if len(trailerBytes) > MaxTrailerSize {
		return nil, fmt.Errorf("dare: trailer of %d bytes exceeds %d", len(trailerBytes), MaxTrailerSize)
	}
	var t Trailer
	if len(trailerBytes) > 0 {
		if err := jsonb.Unmarshal(trailerBytes, &t); err != nil {
			return nil, fmt.Errorf("dare: trailer: %w", err)
		}
	}
	d.res.Trailer = &t
	if d.Authenticated() && !d.noKey {
		// The tag is checked before anything that depends on the
		// decrypted data: the padding and the annotations (no padding
		// oracle, docs/dare.md §2.4).
		if err := d.checkTag(trailerBytes, pd); err != nil {
			return nil, err
		}
		if d.body.padErr != nil {
			return nil, d.body.padErr
		}
		if err := d.openAnnotations(); err != nil {
			return nil, err
		}
	} else if t.EnvelopeTag != nil && !d.Authenticated() {
		// A tag only exists in our authenticated mode: the header's enc
		// was changed (downgrade attempt) or the trailer was moved.
		return nil, fmt.Errorf("%w: trailer has an %q but the header's enc is %q", ErrAuthentication, tagMember, d.header.Enc)
	}
	claimed := t.PayloadDigest
	if claimed == nil {
		claimed = d.header.PayloadDigest
	}
	if claimed != nil {
		if !hmacEqual(claimed, pd) {
			return nil, errors.New("dare: payload digest mismatch: the body was modified or truncated")
		}
		d.res.DigestChecked = true
	}
	d.res.PayloadDigest = pd
	d.res.PlainSize = d.body.delivered
	if d.noKey {
		d.res.PlainSize = -1
		d.res.KeyMissing = true
	}
	if err := d.checkSignatures(&t, claimed); err != nil {
		return nil, err
	}
	return &d.res, nil
}

// checkTag verifies the envelope tag (docs/dare.md "Authenticated
// encryption"). It runs before anything else in the trailer is trusted.
func (d *Decoder) checkTag(stored, pd []byte) error {
	if len(stored) == 0 {
		return fmt.Errorf("dare: authenticated envelope (%s) has no trailer", EncA256CBCETM)
	}
	t0, tag, err := splitTag(stored)
	if err != nil {
		return err
	}
	if !hmacEqual(tag, computeTag(d.keys.macKey, d.form, d.ctx, d.hdr, pd, t0)) {
		return ErrAuthentication
	}
	d.res.Authenticated = true
	return nil
}
