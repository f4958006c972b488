package dare

import (
	"fmt"
)

// checkSignatures implements dare.md §7.4 steps 2-3 over the signatures of
// the trailer and (catalog frames, dare.md §8.8) the header. A signature
// whose kid names a trusted key and does not verify is an error; one by an
// unknown key is reported unverified. Witnesses are checked when the seed
// is known.
func (d *Decoder) checkSignatures(t *Trailer, pd []byte) error {
	sigs := append(append([]Signature(nil), t.Signatures...), d.header.Signatures...)
	if len(sigs) > MaxSignatures {
		return fmt.Errorf("dare: %d signatures, limit %d", len(sigs), MaxSignatures)
	}
	if len(sigs) == 0 {
		return nil
	}
	if len(pd) == 0 {
		return fmt.Errorf("dare: signed envelope has no payload digest")
	}
	dig := d.header.Dig
	if dig == "" {
		dig = DigS512
	}
	chain := t.ChainDigest
	if chain == nil {
		chain = d.header.ChainDigest
	}
	for i := range sigs {
		s := &sigs[i]
		st := SignatureStatus{Kid: s.Kid, Alg: s.Alg, Generation: "A", Witness: "not checked"}
		if isGenB(s.Alg) {
			st.Generation = "B"
		}
		candidates, byKid := signatureKeys(d.trusted, s)
		if !knownSignatureAlg(s.Alg, dig) {
			// An algorithm we do not implement: an error if the signer
			// is one we trust, else reported as not verified.
			if byKid {
				return fmt.Errorf("dare: signature %d (kid %q): unsupported signature algorithm %q", i, s.Kid, s.Alg)
			}
			candidates = nil
		}
		for _, k := range candidates {
			if verifySignature(k, s, dig, pd, chain) {
				st.Verified, st.Signer = true, k.Fingerprint()
				break
			}
		}
		// A trusted key named by kid that does not verify is a forgery or
		// a modification; other keys merely failed to match.
		st.KeyKnown = byKid || st.Verified
		if byKid && !st.Verified {
			return fmt.Errorf("dare: signature %d (kid %q, alg %q) does not verify", i, s.Kid, s.Alg)
		}
		if err := d.checkWitness(s, t, dig, pd, chain, &st); err != nil {
			return fmt.Errorf("dare: signature %d (kid %q): %w", i, s.Kid, err)
		}
		d.res.Signed = d.res.Signed || st.Verified
		d.res.Signatures = append(d.res.Signatures, st)
	}
	return nil
}

// checkWitness recomputes the witness of dare.md §7.2 (Gen-A, per
// signature, info = signature bytes) or §7.3 (Gen-B, trailer WitnessValue,
// info = manifest) and compares it in constant time.
func (d *Decoder) checkWitness(s *Signature, t *Trailer, dig string, pd, chain []byte, st *SignatureStatus) error {
	if d.header.Enc == "" && (s.Witness != nil || t.WitnessValue != nil || d.header.WitnessValue != nil) {
		// A witness only exists in an encrypted envelope (dare.md §7.2,
		// §7.3): its encryption header was removed to pass the
		// ciphertext off as a signed plaintext.
		return fmt.Errorf("witness in an envelope that is not encrypted (was its encryption header removed?)")
	}
	if d.x == nil {
		return nil
	}
	var want, info []byte
	if st.Generation == "B" {
		want, info = t.WitnessValue, manifest(dig, pd, chain)
		if want == nil {
			want = d.header.WitnessValue
		}
	} else {
		want, info = s.Witness, s.Signature
	}
	if want == nil {
		st.Witness = "absent"
		return nil
	}
	got, err := witness(d.x.seed, d.header.Salt, info)
	if err != nil {
		return err
	}
	if !hmacEqual(got, want) {
		return fmt.Errorf("witness does not match (the signer did not know the encryption key, or it was modified)")
	}
	st.Witness = "ok"
	return nil
}
