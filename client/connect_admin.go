package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// The administrator's side of a connection (protocol.md §7 F4a steps 6-7,
// F4b step 3): list the requests the service acknowledged, and accept or
// reject one by its witness.

// PendingConnection is a connection request waiting in the Inbound spool.
type PendingConnection struct {
	MessageID string `json:"message_id"`
	Witness   string `json:"witness"`
	DeviceUDF string `json:"device_udf"`
	// PinID is set when the request proves knowledge of a PIN.
	PinID string `json:"pin_id,omitempty"`
	// Invalid says why the request cannot be accepted (e.g. the witness
	// does not match); empty for a valid request.
	Invalid string `json:"invalid,omitempty"`

	ack    *spool.AcknowledgeConnection
	device *profile.ProfileDevice
	devEnv []byte
	// responseID is the RespondConnection MessageId of a claimed static-QR
	// device (F4c step 4), which has no AcknowledgeConnection.
	responseID string
}

// ErrNoRequest is returned when no pending request has the witness given.
var ErrNoRequest = errors.New("client: no pending connection request")

// PendingConnections syncs the spools and lists the connection requests
// not yet answered (F4a step 6), each with its witness recomputed here.
func (a *Account) PendingConnections(ctx context.Context) ([]*PendingConnection, error) {
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := a.sync(ctx, []string{profile.StoreInbound, profile.StoreLocal}); err != nil {
		return nil, err
	}
	return a.pendingConnections()
}

// pendingConnections reads the local Inbound spool.
func (a *Account) pendingConnections() ([]*PendingConnection, error) {
	pu, err := a.Profile()
	if err != nil {
		return nil, err
	}
	lc, err := a.c.cfg.Home.openContainer(a.rec.ProfileUdf, profile.StoreInbound, true)
	if err != nil {
		return nil, err
	}
	defer lc.Close()
	sp, err := spool.OpenSpool(lc, profile.StoreInbound, nil)
	if err != nil {
		return nil, fmt.Errorf("client: the local Inbound spool: %w", err)
	}
	var out []*PendingConnection
	for _, it := range sp.Items(func(it *spool.Item) bool { return it.Type == spool.TagAcknowledgeConnection }) {
		if sp.Status(it.MessageID) == spool.RelationshipClosed {
			continue
		}
		p := &PendingConnection{MessageID: it.MessageID}
		out = append(out, p)
		msg, _, err := sp.Open(it)
		if err != nil {
			p.Invalid = err.Error()
			continue
		}
		ack, ok := msg.(*spool.AcknowledgeConnection)
		if !ok {
			p.Invalid = "not an AcknowledgeConnection"
			continue
		}
		p.ack, p.Witness = ack, ack.Witness
		req, dev, err := ack.Request()
		if err != nil {
			p.Invalid = err.Error()
			continue
		}
		p.device, p.devEnv, p.DeviceUDF, p.PinID = dev, req.AuthenticatedData, dev.UDF(), req.PinId
		if !strings.EqualFold(req.AccountAddress, a.rec.AccountAddress) {
			p.Invalid = fmt.Sprintf("the request is for %q", req.AccountAddress)
		} else if err := ack.CheckWitness(pu); err != nil {
			p.Invalid = err.Error()
		}
	}
	return out, nil
}

// findPending returns the valid pending request with this witness.
func (a *Account) findPending(witness string) (*PendingConnection, error) {
	list, err := a.pendingConnections()
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		if udf.Equal(p.MessageID, witness) || (p.Witness != "" && udf.Equal(p.Witness, witness)) {
			if p.Invalid != "" {
				return nil, fmt.Errorf("client: the request with witness %s cannot be accepted: %s", witness, p.Invalid)
			}
			return p, nil
		}
	}
	return nil, fmt.Errorf("%w with witness %q for %s (list them with `device pending`)", ErrNoRequest, witness, a.rec.AccountAddress)
}

// ConnectionAnswer is the outcome of AcceptConnection or RejectConnection.
type ConnectionAnswer struct {
	Witness   string   `json:"witness"`
	DeviceUDF string   `json:"device_udf"`
	Result    string   `json:"result"`
	Roles     []string `json:"roles,omitempty"`
}

// AcceptConnection connects the device whose request has this witness with
// roles (F4a step 7).
func (a *Account) AcceptConnection(ctx context.Context, witness string, roles []string) (*ConnectionAnswer, error) {
	return a.answer(ctx, witness, true, roles)
}

// RejectConnection refuses the request with this witness (F4a step 7,
// Result Reject).
func (a *Account) RejectConnection(ctx context.Context, witness string) (*ConnectionAnswer, error) {
	return a.answer(ctx, witness, false, nil)
}

func (a *Account) answer(ctx context.Context, witness string, accept bool, roles []string) (*ConnectionAnswer, error) {
	if _, err := a.adminKey(); err != nil {
		return nil, err
	}
	if accept {
		if err := profile.CheckRoles(roles); err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
		if len(roles) == 0 {
			return nil, errors.New("client: name at least one role to grant (e.g. --web)")
		}
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := a.sync(ctx, []string{profile.StoreInbound, profile.StoreLocal}); err != nil {
		return nil, err
	}
	p, err := a.findPending(witness)
	if err != nil {
		return nil, err
	}
	if accept {
		err = a.connectDevice(ctx, p, roles, nil)
	} else {
		err = a.rejectDevice(ctx, p)
	}
	if err != nil {
		return nil, err
	}
	out := &ConnectionAnswer{Witness: p.Witness, DeviceUDF: p.DeviceUDF, Result: spool.ResultReject}
	if accept {
		out.Result, out.Roles = spool.ResultAccept, roles
	}
	return out, nil
}

// rejectDevice answers Reject: no catalog change, the request closed.
func (a *Account) rejectDevice(ctx context.Context, p *PendingConnection) error {
	local, inbound, err := a.response(p, spool.ResultReject, nil)
	if err != nil {
		return err
	}
	return a.transactMulti(ctx, nil, func(map[string]*localContainer) (*multiUpdate, error) {
		return &multiUpdate{Inbound: [][]byte{inbound}, Local: [][]byte{local}}, nil
	})
}

// response builds the RespondConnection for the Local spool (signed with
// AdministratorSignature, encrypted to the device's base encryption key)
// and the MessageComplete that closes the request in the Inbound spool.
func (a *Account) response(p *PendingConnection, result string, cd *catalog.CatalogedDevice) (local, inbound []byte, err error) {
	admin, err := a.adminKey()
	if err != nil {
		return nil, nil, err
	}
	base, err := p.device.Encryption.PublicKey()
	if err != nil {
		return nil, nil, fmt.Errorf("client: the device's Encryption key: %w", err)
	}
	var rc *spool.RespondConnection
	if p.ack != nil {
		rc, err = spool.NewRespondConnection(p.ack, result, cd)
	} else {
		rc, err = claimResponse(p.responseID, result, cd)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	now := a.c.cfg.Now()
	if local, err = spool.Seal(rc, &profile.SealOptions{Signers: []keys.Signer{admin}, Recipients: []keys.PublicKey{base},
		Rand: a.c.cfg.Rand, Created: now}); err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	if p.ack == nil {
		return local, nil, nil
	}
	mc, err := spool.Complete(spool.RelationshipClosed, p.ack.MessageId)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	if inbound, err = spool.Seal(mc, &profile.SealOptions{Rand: a.c.cfg.Rand, Created: now}); err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	return local, inbound, nil
}

// connectDevice is F4a step 7: it connects the device with roles, its
// decryption keys granted as shares whose service halves go to MMM_Access
// (docs/devices.md §3), and sends in one Transact the CatalogedDevice, the
// AccessCapability and the CapabilityDecryptServiced entries, the
// MessageComplete closing the request and the RespondConnection; extra
// goes to the Local spool as well (the PIN's closing marker, F4b). The
// device holding the account seed splits whole keys; an administration
// device without it re-shares its own shares with the service's help
// (connectWithoutSeed, docs/devices.md §7).
func (a *Account) connectDevice(ctx context.Context, p *PendingConnection, roles []string, extra [][]byte) error {
	host, err := a.accessEncrypt()
	if err != nil {
		return err
	}
	now := a.c.cfg.Now()
	opts := &profile.ConnectOptions{Rand: a.c.cfg.Rand, Created: now,
		Service: &profile.ServiceGrant{AccessEncrypt: host, ServiceAddress: a.rec.AccountAddress}}
	var conn *profile.DeviceConnection
	if a.secrets != nil {
		conn, err = a.secrets.ConnectDevice(p.device, roles, opts)
	} else {
		conn, err = a.connectWithoutSeed(ctx, p.device, roles, opts)
	}
	if err != nil {
		return fmt.Errorf("client: connecting %s: %w", p.DeviceUDF, err)
	}
	cd := &catalog.CatalogedDevice{
		DeviceUdf: p.DeviceUDF, Udf: a.rec.ProfileUdf,
		EnvelopedProfileUser:       a.rec.EnvelopedProfileUser,
		EnvelopedProfileDevice:     p.devEnv,
		EnvelopedConnectionService: conn.Envelopes.ConnectionService,
		EnvelopedConnectionDevice:  conn.Envelopes.ConnectionDevice,
		EnvelopedActivationAccount: conn.Envelopes.ActivationAccount,
		EnvelopedActivationCommon:  conn.Envelopes.ActivationCommon,
	}
	local, inbound, err := a.response(p, spool.ResultAccept, cd)
	if err != nil {
		return err
	}
	authID := conn.Keys.Authentication.Fingerprint()
	containers := []string{profile.StoreDevice, profile.StoreAccess}
	return a.transactMulti(ctx, containers, func(copies map[string]*localContainer) (*multiUpdate, error) {
		devCat, accCat, err := a.openAdminCatalogs(copies)
		if err != nil {
			return nil, err
		}
		if devCat.Latest(cd.PrimaryKey()) != 0 {
			return nil, fmt.Errorf("client: device %s is already connected to %s", cd.DeviceUdf, a.rec.AccountAddress)
		}
		devEnv, err := devCat.Put(cd, conn.Keys.Encryption)
		if err != nil {
			return nil, fmt.Errorf("client: the device entry: %w", err)
		}
		digest := udf.ContentDigest(devEnv, profile.ContentTypeObject, udf.SHA2_512, 128)
		access := [][]byte{}
		env, err := accCat.Put(catalog.NewAccessCapability(authID, roles, devEnv, digest))
		if err != nil {
			return nil, fmt.Errorf("client: the access entry: %w", err)
		}
		access = append(access, env)
		for _, s := range conn.Serviced {
			env, err := accCat.Put(servicedCapability(&s, authID, a.rec.AccountAddress, now))
			if err != nil {
				return nil, fmt.Errorf("client: the %s key share entry: %w", s.Resource, err)
			}
			access = append(access, env)
		}
		u := &multiUpdate{
			Updates: map[string][][]byte{profile.StoreDevice: {devEnv}, profile.StoreAccess: access},
			Local:   append([][]byte{local}, extra...),
		}
		if inbound != nil {
			u.Inbound = [][]byte{inbound}
		}
		return u, nil
	})
}

// servicedCapability is the Access catalog entry of the service's share of
// one key (schema.md §5.3, §7.4): Id = the device share's key id,
// GranteeUdf = the device's authentication key.
func servicedCapability(s *profile.ServicedShare, grantee, account string, now time.Time) *catalog.CatalogedAccess {
	issued := now.UTC().Truncate(time.Second)
	return &catalog.CatalogedAccess{Capability: &catalog.Capability{CapabilityDecryptServiced: &catalog.CapabilityDecryptServiced{
		CryptographicCapability: catalog.CryptographicCapability{
			CapabilityBase: catalog.CapabilityBase{Id: s.CapabilityID, Active: true, Issued: &issued},
			KeyData:        keys.NewKeyData(s.Primary), GranteeAccount: account, GranteeUdf: grantee,
			EnvelopedKeyShare: s.EnvelopedKeyShare,
		},
		AuthenticationId: grantee,
	}}}
}

// openAdminCatalogs opens the Device and Access catalogs over the local
// copies held open by transactMulti.
func (a *Account) openAdminCatalogs(copies map[string]*localContainer) (devCat, accCat *catalog.Catalog, err error) {
	dk, err := a.storeKeys(profile.StoreDevice)
	if err != nil {
		return nil, nil, err
	}
	ak, err := a.storeKeys(profile.StoreAccess)
	if err != nil {
		return nil, nil, err
	}
	if devCat, err = catalog.Open(copies[profile.StoreDevice], profile.StoreDevice, dk); err != nil {
		return nil, nil, fmt.Errorf("client: the local copy of %s: %w", profile.StoreDevice, err)
	}
	if accCat, err = catalog.Open(copies[profile.StoreAccess], profile.StoreAccess, ak); err != nil {
		return nil, nil, fmt.Errorf("client: the local copy of %s: %w", profile.StoreAccess, err)
	}
	return devCat, accCat, nil
}
