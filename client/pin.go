package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// PIN connections (protocol.md §7 F4b; schema.md §9.3): an administrator
// registers a PIN with the roles to grant; a device that proves knowledge
// of it is connected at the administrator's next sync without a question.

// PinBits is the size of a device PIN (cli.md §4: 24 characters, 120 bits).
const PinBits = 120

// DefaultPinExpiry is how long a PIN stays valid by default (F4b: 1 day).
const DefaultPinExpiry = 24 * time.Hour

// PinResult is the outcome of CreatePin.
type PinResult struct {
	Address string    `json:"address"`
	PIN     string    `json:"pin"`
	URI     string    `json:"uri"`
	Expires time.Time `json:"expires"`
	Roles   []string  `json:"roles"`
}

// CreatePin registers a PIN that pre-authorises one device connection with
// roles until expire from now (F4b step 1): a MessagePin, signed with
// AdministratorSignature and encrypted to CommonEncryption, in MMM_Local.
func (a *Account) CreatePin(ctx context.Context, roles []string, expire time.Duration) (*PinResult, error) {
	admin, err := a.adminKey()
	if err != nil {
		return nil, err
	}
	if len(roles) == 0 {
		return nil, errors.New("client: name at least one role the PIN grants (e.g. --web)")
	}
	if expire <= 0 || expire > MaxPinExpiry {
		return nil, fmt.Errorf("client: PIN lifetime %v is not between 0 and %v", expire, MaxPinExpiry)
	}
	enc, err := a.EncryptionKey()
	if err != nil {
		return nil, err
	}
	pin, err := udf.AuthenticationKey(a.c.cfg.Rand, PinBits)
	if err != nil {
		return nil, fmt.Errorf("client: drawing a PIN: %w", err)
	}
	now := a.c.cfg.Now()
	mp, err := spool.NewMessagePin(pin, a.rec.AccountAddress, spool.ActionDevice, roles, now.Add(expire), true)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	env, err := spool.Seal(mp, &profile.SealOptions{Signers: []keys.Signer{admin}, Recipients: []keys.PublicKey{enc},
		Rand: a.c.cfg.Rand, Created: now})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	uri, err := udf.FormatConnectURI(a.rec.AccountAddress, pin)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := a.transactMulti(ctx, nil, func(map[string]*localContainer) (*multiUpdate, error) {
		return &multiUpdate{Local: [][]byte{env}}, nil
	}); err != nil {
		return nil, err
	}
	return &PinResult{Address: a.rec.AccountAddress, PIN: pin, URI: uri, Expires: *mp.Expires, Roles: roles}, nil
}

// PinOutcome reports one PIN-authenticated request handled by a sync.
type PinOutcome struct {
	Witness   string   `json:"witness"`
	DeviceUDF string   `json:"device_udf"`
	Result    string   `json:"result"`
	Roles     []string `json:"roles,omitempty"`
	Error     string   `json:"error,omitempty"`
}

// processPins is F4b step 3, run by a sync on the device that holds the
// account seed: every pending request that carries a PinId is validated
// against its MessagePin (registered, not used, not expired, witness
// matches) and, if valid, connected with the PIN's roles and the PIN
// closed so that it cannot be used again. An invalid request is reported
// and left pending; nothing changes for it.
func (a *Account) processPins(ctx context.Context) ([]PinOutcome, error) {
	if a.secrets == nil {
		return nil, nil
	}
	pending, err := a.pendingConnections()
	if err != nil {
		return nil, err
	}
	var out []PinOutcome
	for _, p := range pending {
		if p.PinID == "" || p.Invalid != "" {
			continue
		}
		o := PinOutcome{Witness: p.Witness, DeviceUDF: p.DeviceUDF, Result: spool.ResultPending}
		mp, err := a.validatePin(p)
		if err == nil {
			var closing []byte
			if closing, err = a.closePin(mp); err == nil {
				err = a.connectDevice(ctx, p, mp.Roles, [][]byte{closing})
			}
		}
		if err != nil {
			o.Error = err.Error()
		} else {
			o.Result, o.Roles = spool.ResultAccept, mp.Roles
		}
		out = append(out, o)
	}
	return out, nil
}

// validatePin finds and checks the MessagePin a request names.
func (a *Account) validatePin(p *PendingConnection) (*spool.MessagePin, error) {
	ring, err := a.pinKeyring()
	if err != nil {
		return nil, err
	}
	lc, err := a.c.cfg.Home.openContainer(a.rec.ProfileUdf, profile.StoreLocal, true)
	if err != nil {
		return nil, err
	}
	defer lc.Close()
	sp, err := spool.OpenSpool(lc, profile.StoreLocal, ring)
	if err != nil {
		return nil, fmt.Errorf("client: the local Local spool: %w", err)
	}
	req, _, err := p.ack.Request()
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	mp := signedPin(sp, p.PinID)
	if mp != nil && mp.Action != spool.ActionDevice {
		return nil, fmt.Errorf("%w: the PIN was issued for %q, not a device connection", spool.ErrPinInvalid, mp.Action)
	}
	closed := mp != nil && pinClosed(sp, mp.MessageId)
	if err := spool.ValidatePin(mp, closed, &req.MessagePinValidated, a.rec.AccountAddress, a.c.cfg.Now()); err != nil {
		return nil, err
	}
	return mp, nil
}

// closePin returns the Local spool marker that makes a PIN single-use.
func (a *Account) closePin(mp *spool.MessagePin) ([]byte, error) {
	mc, err := spool.Complete(spool.RelationshipClosed, mp.MessageId)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	admin, err := a.adminKey()
	if err != nil {
		return nil, err
	}
	env, err := spool.Seal(mc, &profile.SealOptions{Signers: []keys.Signer{admin}, Rand: a.c.cfg.Rand, Created: a.c.cfg.Now()})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return env, nil
}
