package service

import (
	"bytes"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/protocol"
)

// envelopeInfo is a checked envelope from a request.
type envelopeInfo struct {
	canon      []byte // compact JSON form: what is stored and hashed
	envelopeID string
	meta       *dare.ContentMeta // never nil
}

// checkEnvelope checks that raw is one well-formed DARE envelope of at most
// max bytes (dare.md §2.1) whose payload digest and signatures (where the
// signer is unknown, only the structure) verify, without any key: the
// service stores envelopes opaquely and never needs their plaintext. It
// returns the envelope in compact JSON, so that the Merkle leaves
// (protocol.ContainerTree) are computed on the bytes Download returns.
func checkEnvelope(what string, raw jsonb.Raw, max int) (*envelopeInfo, error) {
	if len(raw) == 0 {
		return nil, refuse(protocol.StatusBadRequest, "%s is empty", what)
	}
	if len(raw) > 2*max {
		return nil, refuse(protocol.StatusTooLarge, "%s is %d bytes, limit %d", what, len(raw), max)
	}
	canon, err := jsonb.Marshal(raw)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "malformed envelope in %s", what)
	}
	if len(canon) > max {
		return nil, refuse(protocol.StatusTooLarge, "%s is %d bytes, limit %d", what, len(canon), max)
	}
	res, err := dare.Verify(bytes.NewReader(canon), &dare.Keyring{})
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "%s is not a valid DARE envelope", what)
	}
	info := &envelopeInfo{canon: canon, meta: res.ContentMeta}
	if res.Header != nil {
		info.envelopeID = res.Header.EnvelopeID
	}
	if info.meta == nil {
		info.meta = &dare.ContentMeta{}
	}
	return info, nil
}
