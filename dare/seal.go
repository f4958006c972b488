package dare

import (
	"bytes"
	"fmt"
)

// Seal returns payload as an envelope held in memory, for Mesh objects that
// embed envelopes (`Enveloped…` fields, dare.md §2.1): the JSON array form
// `[header,"base64url body",trailer]` with compact JSON, or with
// opts.Binary the JSON-B form `[header body trailer]`.
func Seal(payload []byte, opts *EncodeOptions) ([]byte, error) {
	if opts.SequenceFrame != nil {
		return nil, errFrameForm
	}
	e, err := NewEncoder(opts)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	pw, err := e.PayloadWriter(&body)
	if err != nil {
		return nil, err
	}
	if _, err := pw.Write(payload); err != nil {
		e.Abort()
		return nil, err
	}
	if err := pw.Close(); err != nil {
		return nil, err
	}
	e.form = formJSON
	if opts.Binary {
		e.form = formJSONB
	}
	t, err := e.TrailerBytes()
	if err != nil {
		return nil, err
	}
	out := append([]byte{'['}, e.hdr...)
	if opts.Binary {
		out = appendJSONBItem(out, 0x88, body.Bytes())
	} else {
		out = append(out, ',', '"')
		out = b64.AppendEncode(out, body.Bytes())
		out = append(out, '"', ',')
	}
	out = append(out, t...)
	return append(out, ']'), nil
}

// Open decodes an envelope held in memory (any form Decode accepts) and
// returns the payload only if every check passed.
func Open(envelope []byte, ring *Keyring) ([]byte, *Result, error) {
	var out bytes.Buffer
	res, err := Decode(&out, bytes.NewReader(envelope), ring)
	if err != nil {
		return nil, nil, err
	}
	if res.PlainSize != int64(out.Len()) {
		return nil, nil, fmt.Errorf("dare: internal error: payload size %d, decoded %d", res.PlainSize, out.Len())
	}
	return out.Bytes(), res, nil
}
