package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// Accepting a device on an administration device that does not hold the
// account seed (docs/devices.md §7): the signature keys it holds are
// granted whole, and each decryption key it holds as a share d_A is
// re-shared: the new device gets d_N = d_A − r, and the service, asked
// with one Operate of Reshare operations, answers s_N = s_A + r enveloped
// to itself, which goes into the new device's CapabilityDecryptServiced in
// the same Transact as the rest of the connection (connectDevice). If that
// Transact fails, nothing was stored anywhere: the service's answers are
// inert without a capability naming them.

// ErrReshareRefused is returned when the service refuses to re-share this
// device's key shares to a new device.
var ErrReshareRefused = errors.New("client: the service refused to re-share this device's key shares")

// connectWithoutSeed connects device with roles from this administration
// device's own grants (profile.ActivatedDevice.ConnectDevice), which must
// include every right of roles, and completes the re-shares with the
// service.
func (a *Account) connectWithoutSeed(ctx context.Context, device *profile.ProfileDevice, roles []string, opts *profile.ConnectOptions) (*profile.DeviceConnection, error) {
	act, err := a.activation()
	if err != nil {
		return nil, err
	}
	if err := act.CheckGrant(roles); err != nil {
		return nil, fmt.Errorf("%w (a device without the account seed of %s grants only what it holds)", err, a.rec.AccountAddress)
	}
	conn, err := act.ConnectDevice(device, roles, opts)
	if err != nil {
		return nil, err
	}
	shares, err := a.reshare(ctx, conn.Reshares, conn.Keys.Authentication.Fingerprint())
	if err != nil {
		return nil, err
	}
	conn.Serviced = append(conn.Serviced, shares...)
	return conn, nil
}

// reshare asks the service for s_N of every re-share, in one Operate per
// MaxEnvelopesPerRequest operations; grantee is the new device's overlaid
// authentication key. Any refusal fails the whole connection.
func (a *Account) reshare(ctx context.Context, rs []profile.Reshare, grantee string) ([]profile.ServicedShare, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	cred, err := a.credential()
	if err != nil {
		return nil, err
	}
	pc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	host, err := a.accessEncrypt()
	if err != nil {
		return nil, err
	}
	out := make([]profile.ServicedShare, 0, len(rs))
	for start := 0; start < len(rs); start += protocol.MaxEnvelopesPerRequest {
		batch := rs[start:min(len(rs), start+protocol.MaxEnvelopesPerRequest)]
		req := &protocol.OperateRequest{MeshRequestUser: protocol.MeshRequestUser{Account: a.rec.ProfileUdf},
			AccountAddress: a.rec.AccountAddress}
		for _, r := range batch {
			req.Operations = append(req.Operations, protocol.CryptographicOperation{Reshare: &protocol.CryptographicOperationReshare{
				KeyId: r.KeyId, ShareId: r.CapabilityID, SharePublic: r.SharePublic, GranteeUdf: grantee,
				EnvelopedDelta: r.EnvelopedDelta}})
		}
		resp, err := pc.Operate(ctx, cred, req)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrReshareRefused, err)
		}
		if len(resp.Results) != len(batch) {
			return nil, fmt.Errorf("client: Operate answered %d results for %d re-shares", len(resp.Results), len(batch))
		}
		for i, res := range resp.Results {
			r := &batch[i]
			switch {
			case res.Error != nil:
				return nil, fmt.Errorf("%w: the %s key share %s: %s", ErrReshareRefused, r.Resource, r.KeyId, res.Error.Error)
			case res.Reshare == nil || len(res.Reshare.EnvelopedKeyShare) == 0:
				return nil, fmt.Errorf("client: Operate result %d carries no re-shared key share", i)
			case len(res.Reshare.EnvelopedKeyShare) > MaxReshareAnswer:
				return nil, fmt.Errorf("client: Operate result %d: the re-shared key share is %d bytes, limit %d", i, len(res.Reshare.EnvelopedKeyShare), MaxReshareAnswer)
			}
			if err := checkShareEnvelope(res.Reshare.EnvelopedKeyShare, r.CapabilityID, host); err != nil {
				return nil, fmt.Errorf("client: Operate result %d: %w", i, err)
			}
			out = append(out, r.Serviced(res.Reshare.EnvelopedKeyShare))
		}
	}
	return out, nil
}

// checkShareEnvelope checks what the client can see of the service's
// answer without the host key: a DARE envelope with exactly one recipient,
// the host's AccessEncrypt key (nobody else may open s_N). The service
// checks the rest each time it uses the share (kid = capability Id).
func checkShareEnvelope(env []byte, capID string, host keys.PublicKey) error {
	rs := recipientsOf(env)
	if len(rs) != 1 {
		return fmt.Errorf("the re-shared key share %s has %d recipients, want the host alone", capID, len(rs))
	}
	if rs[0].Kid != host.Fingerprint() {
		return fmt.Errorf("the re-shared key share %s is enveloped to %s, not the host key %s", capID, rs[0].Kid, host.Fingerprint())
	}
	return nil
}
