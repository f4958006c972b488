package client

import (
	"crypto/sha512"
	"crypto/subtle"
	"errors"

	"github.com/mathmesh/mesh/sequence"
)

// checkFrameDigest checks a local frame's payload against its stored
// SHA-512 PayloadDigest (sequence type Digest).
func checkFrameDigest(f *sequence.Frame) error {
	want := f.PayloadDigest()
	if len(want) == 0 {
		return errors.New("frame has no payload digest")
	}
	got := sha512.Sum512(f.Payload)
	if subtle.ConstantTimeCompare(got[:], want) != 1 {
		return errors.New("payload does not match its digest: the local copy is damaged")
	}
	return nil
}
