package dare

// Result describes a decoded or verified envelope.
type Result struct {
	Header  *Header  `json:"-"`
	Trailer *Trailer `json:"-"`

	Enc        string   `json:"enc,omitempty"`
	Dig        string   `json:"dig,omitempty"`
	Encrypted  bool     `json:"encrypted"`
	Recipients []string `json:"recipients,omitempty"`
	// Authenticated is true when the envelope tag of our authenticated mode
	// was verified: no byte of header, body or trailer was changed by
	// anyone without the key.
	Authenticated bool `json:"authenticated"`
	// KeyMissing is set by Verify when no key opened the envelope: the
	// envelope tag and witnesses were not checked.
	KeyMissing bool `json:"key_missing,omitempty"`
	// Signed is true when at least one signature verified under a trusted key.
	Signed     bool              `json:"signed"`
	Signatures []SignatureStatus `json:"signatures,omitempty"`
	// DigestChecked is true when a PayloadDigest was present and matched.
	DigestChecked bool   `json:"digest_checked"`
	PayloadDigest []byte `json:"payload_digest,omitempty"`
	// StoredSize is the body size as stored; PlainSize the payload size.
	StoredSize  int64        `json:"stored_size"`
	PlainSize   int64        `json:"plain_size"`
	ContentMeta *ContentMeta `json:"content_meta,omitempty"`
	Annotations [][]byte     `json:"-"`
}

// Integrity summarises the protection in one phrase for users: what a
// reader can rely on.
func (r *Result) Integrity() string {
	switch {
	case r.Authenticated && r.Signed:
		return "authenticated and signed"
	case r.KeyMissing && r.Enc == EncA256CBCETM && r.Signed:
		return "signed; envelope tag not checked (no key to open the envelope)"
	case r.KeyMissing && r.Enc == EncA256CBCETM:
		return "NOT checked: no key to open the envelope, so its tag cannot be verified"
	case r.Authenticated:
		return "authenticated (" + EncA256CBCETM + " envelope tag verified)"
	case r.Signed:
		return "signed (signature verified; not encrypted-then-MACed)"
	case r.Encrypted:
		return "NOT authenticated: legacy " + r.Enc + " without a verified signature; anyone may have modified it"
	case r.DigestChecked:
		return "NOT authenticated: plaintext with a payload digest only (detects accidental corruption)"
	}
	return "NOT authenticated: no digest, no signature"
}
