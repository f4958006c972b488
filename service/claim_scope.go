package service

import (
	"bytes"
	"slices"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// MMM_Local holds PIN registrations, connection answers, claims and the
// markers that close them, found by EnvelopeId. PollClaim and Complete
// take that id from the caller, so each returns only the kind of entry it
// is for (docs/protocol.md §5): PollClaim a MessageClaim of the
// publication asked about, Complete a RespondConnection encrypted to the
// device that asks. Anything else under the id reads as "not found".

// isClaimOf reports whether env is a MessageClaim of publication pubID.
func isClaimOf(env []byte, pubID string) bool {
	var mc spool.MessageClaim
	if _, err := profile.OpenAs(env, nil, spool.TagMessageClaim, &mc); err != nil {
		return false
	}
	return udf.Equal(mc.PublicationId, pubID)
}

// isResponseFor reports whether env is a RespondConnection encrypted to
// the Encryption key of dev, the device whose credential made the request.
func isResponseFor(env []byte, dev *profile.ProfileDevice) bool {
	if dev == nil || dev.Encryption == nil {
		return false
	}
	key, err := dev.Encryption.PublicKey()
	if err != nil {
		return false
	}
	res, err := dare.Verify(bytes.NewReader(env), &dare.Keyring{})
	if err != nil || res.ContentMeta == nil || res.ContentMeta.MessageType != spool.TagRespondConnection {
		return false
	}
	return slices.Contains(res.Recipients, key.Fingerprint())
}

// requireDevice authorizes Complete: the device credential of the device
// that asked to connect (its RespondConnection is encrypted to it).
func requireDevice(p *principal) error {
	if p == nil || p.cred.kind != protocol.CredentialDevice {
		return refuse(protocol.StatusNotAuthorized, "Complete needs the device credential of the device that asked to connect")
	}
	return nil
}
