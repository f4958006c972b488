package service

import (
	"context"
	"errors"
	"io"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// connect answers Connect (protocol.md §4.4, F4a steps 3-4): it checks that
// the request is made by the device it describes, computes the witness
// (schema.md §9.4), appends an AcknowledgeConnection signed by the service
// to the account's Inbound spool and returns it with the account profile.
func (s *Service) connect(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.ConnectRequest
	if err := decode(protocol.TxConnect, inner, &req); err != nil {
		return nil, err
	}
	if p == nil || p.cred.kind != protocol.CredentialDevice {
		return nil, refuse(protocol.StatusNotAuthorized, "Connect needs the device credential of the device that connects")
	}
	if len(req.EnvelopedRequestConnection) > protocol.MaxMessageBytes {
		return nil, refuse(protocol.StatusTooLarge, "EnvelopedRequestConnection exceeds %d bytes", protocol.MaxMessageBytes)
	}
	var rc spool.RequestConnection
	if _, err := profile.OpenAs(req.EnvelopedRequestConnection, nil, spool.TagRequestConnection, &rc); err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "EnvelopedRequestConnection is not a valid RequestConnection envelope")
	}
	dev, err := profile.VerifyProfileDevice(rc.AuthenticatedData)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "RequestConnection.AuthenticatedData is not a valid self-signed ProfileDevice")
	}
	if dev.UDF() != p.cred.device.UDF() {
		return nil, refuse(protocol.StatusNotAuthorized, "the request describes device %s but is made by device %s", dev.UDF(), p.cred.device.UDF())
	}
	if len(rc.ClientNonce) < 16 {
		return nil, refuse(protocol.StatusBadRequest, "RequestConnection.ClientNonce must be at least 128 bits")
	}
	acct, err := s.requireAccount(ctx, rc.AccountAddress)
	if err != nil {
		return nil, err
	}
	ackEnv, err := s.acknowledge(acct, dev, &req, &rc)
	if err != nil {
		return nil, err
	}
	_, err = s.store.Append(ctx, []store.Batch{{Account: acct.rec.ProfileUDF, Container: protocol.SpoolInbound,
		Entries: []store.Entry{{Envelope: ackEnv.canon, EnvelopeID: ackEnv.envelopeID}}}})
	if err != nil {
		return nil, internal(err)
	}
	return &protocol.ConnectResponse{MeshResponse: protocol.MeshResponse{ID: req.ID},
		EnvelopedAcknowledgeConnection: ackEnv.canon, EnvelopedProfileAccount: acct.rec.Profile}, nil
}

// acknowledge builds the AcknowledgeConnection: MessageId = Witness
// (protocol.md §4.4), signed with ServiceSignature (schema.md §10 item 3).
func (s *Service) acknowledge(acct *accountInfo, dev *profile.ProfileDevice, req *protocol.ConnectRequest, rc *spool.RequestConnection) (*envelopeInfo, error) {
	serverNonce := make([]byte, 16)
	if _, err := io.ReadFull(s.rand, serverNonce); err != nil {
		return nil, internal(err)
	}
	devKey, err := dev.ProfileSignature.PublicKey()
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "device ProfileSignature is invalid")
	}
	witness, err := udf.ConnectionWitness(acct.profileKey.UDFBytes(), serverNonce, devKey.UDFBytes(), rc.ClientNonce)
	if err != nil {
		return nil, internal(err)
	}
	envID, err := udf.EnvelopeID(witness)
	if err != nil {
		return nil, internal(err)
	}
	ack := &spool.AcknowledgeConnection{
		Message:                    spool.Message{MessageId: witness, Recipient: acct.address},
		EnvelopedRequestConnection: req.EnvelopedRequestConnection,
		ServerNonce:                serverNonce, Witness: witness,
	}
	env, err := profile.Seal(ack, &profile.SealOptions{Signers: []keys.Signer{s.id.sign},
		UniqueID: witness, EnvelopeID: envID, Created: s.now(), Rand: s.rand})
	if err != nil {
		return nil, internal(err)
	}
	return checkEnvelope("AcknowledgeConnection", env, protocol.MaxMessageBytes)
}

// complete answers Complete (protocol.md §4.5): the RespondConnection an
// administrator left in the account's Local spool under
// EnvelopeID(ResponseID), or NotFound ("poll again") while there is none.
func (s *Service) complete(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error) {
	var req protocol.CompleteRequest
	if err := decode(protocol.TxComplete, inner, &req); err != nil {
		return nil, err
	}
	if err := requireDevice(p); err != nil {
		return nil, err
	}
	acct, err := s.requireAccount(ctx, req.AccountAddress)
	if err != nil {
		return nil, err
	}
	envID, err := udf.EnvelopeID(req.ResponseID)
	if err != nil {
		return nil, refuseCause(protocol.StatusBadRequest, err, "ResponseID %q is not a UDF", truncate(req.ResponseID))
	}
	env, _, err := s.store.Find(ctx, acct.rec.ProfileUDF, protocol.SpoolLocal, envID)
	if err == nil && !isResponseFor(env, p.cred.device) {
		err = store.ErrNotFound // claim_scope.go: only the answer encrypted to this device
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(protocol.StatusNotFound, "MeshResponseNotFound: no answer to this connection request yet; poll again")
	}
	if err != nil {
		return nil, internal(err)
	}
	return &protocol.CompleteResponse{MeshResponse: protocol.MeshResponse{ID: req.ID},
		EnvelopedRespondConnection: env, EnvelopedAccountHostAssignment: acct.rec.HostAssignment}, nil
}
