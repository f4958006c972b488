// Package dare implements DARE envelopes (Data At Rest Encryption), following
// our spec notes /work/shared/spec/dare.md (cited as "dare.md §n"), which
// follow draft-hallambaker-mesh-dare-12 and the reference implementation
// ([REF], [REF-2024]). Design notes for users: docs/dare.md.
//
// An envelope is [Header, Body, Trailer] (dare.md §2). This package
//
//   - reads every form of dare.md §2.1: the JSON array (base64url body), the
//     tagged {"DareEnvelope": [...]} form, JSON-B, and the streamed .dare
//     file form (JSON text header and trailer around a JSON-B data item);
//     [REF] text layout (base64 wrapped inside strings) is accepted;
//   - decrypts recipients by Edwards ECDH on Ed25519/Ed448 keys and by
//     X25519/X448 (dare.md §4.2), KEK = HKDF-SHA-512 and RFC 3394 unwrap
//     (§4.3, trying the "", "master" and "dare-master" info strings),
//     payload keys by HKDF-SHA-256 (§5), AES-256-CBC (§5), EDS annotations
//     (§6), and verifies Gen-A and Gen-B signatures and witnesses (§7);
//   - writes, by default, our authenticated mode A256CBC-ETM-S512: an
//     HMAC-SHA-512 EnvelopeTag over the header bytes as written, the payload
//     digest and the trailer (auth.go, docs/dare.md), with key separation
//     from the legacy A256CBC; signatures are Gen-B (pure EdDSA over the
//     manifest, §7.3); symmetric-key recipients for type-32 UDF keys
//     (SymmetricKey, EARLs);
//   - streams bodies of any size in constant memory, with the cipher and
//     SHA-512 on two goroutines (pipeline.go).
//
// # Whole envelopes
//
// Encode/EncodeFile write the file form; Decode/DecodeFile read any form
// (DecodeFile renames its output into place only after every check);
// Verify checks without releasing plaintext; Seal/Open handle envelopes
// held in memory (Mesh objects' `Enveloped…` fields).
//
// # Envelopes in three parts (for DARE sequences)
//
// Sequence frames store header, payload and trailer as separate records
// (dare.md §8.1). Writing:
//
//	e, err := dare.NewEncoder(&dare.EncodeOptions{Recipients: ..., Header: &dare.Header{SequenceInfo: ...}})
//	hdr := e.HeaderBytes()             // the header record, exactly as stored
//	pw, err := e.PayloadWriter(record) // stored size: e.StoredSize(n)
//	io.Copy(pw, payload); pw.Close()
//	trl, err := e.TrailerBytes()       // the trailer record
//
// and reading:
//
//	d, err := dare.NewDecoder(hdr, ring, &dare.DecodeOptions{Exchange: x})
//	pr, err := d.PayloadReader(payloadRecord)
//	io.Copy(tmp, pr)                   // unverified until Finish succeeds
//	res, err := d.Finish(trl)          // nil trl when there is no trailer
//
// EncodeOptions.SequenceFrame and DecodeOptions.SequenceFrame (frame.go)
// mark the parts as a sequence frame's records: the envelope tag then binds
// that form and the frame's context, and the encoder adds the frame's
// chain and tree digests (SequenceFrame.Link) to the trailer before the
// tag. Encoder.Exchange and Decoder.Exchange return the key exchange, which
// EncodeOptions.Exchange (with OmitRecipients) and DecodeOptions.Exchange
// reuse for frames that share one exchange (dare.md §8.9). The header and
// trailer types (Header, Trailer, Recipient, Signature, ContentMeta,
// Policy, SequenceInfo) carry the exact JSON names of dare.md §2.2-§2.5.
//
// Limits on everything read are in limits.go.
package dare
