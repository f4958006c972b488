package client

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// Account is one account of this machine, opened from its local data.
type Account struct {
	c     *Client
	entry *AccountEntry
	rec   *accountRecord
	// secrets is the account seed's key set, when this device holds it.
	secrets *profile.AccountSecrets
	pc      *protocol.Client
	// activated is this device's connection to the account, loaded from
	// rec.CatalogedDevice on first use; serviced are its key shares
	// wrapped as keys.Agreer (docs/devices.md §3).
	activated *profile.ActivatedDevice
	device    *catalog.CatalogedDevice
	serviced  map[string]*servicedKey
	cred      *protocol.Credential
}

// Open opens the account named by sel (profile fingerprint, address or
// local name; empty for the default) from local data only.
func (c *Client) Open(sel string) (*Account, error) {
	reg, err := c.cfg.Home.LoadRegistry()
	if err != nil {
		return nil, err
	}
	e, err := reg.Find(sel)
	if err != nil {
		return nil, err
	}
	rec, err := c.cfg.Home.loadRecord(e.ProfileUdf)
	if err != nil {
		return nil, err
	}
	a := &Account{c: c, entry: e, rec: rec}
	seed, err := c.cfg.Home.AccountSeed(e.ProfileUdf)
	switch {
	case err == nil:
		if a.secrets, err = profile.AccountFromSeed(seed); err != nil {
			return nil, fmt.Errorf("client: the seed of %s: %w", e.ProfileUdf, err)
		}
		if a.secrets.UDF() != e.ProfileUdf {
			return nil, fmt.Errorf("client: the seed stored for %s derives account %s: the local data is damaged", e.ProfileUdf, a.secrets.UDF())
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, err
	}
	return a, nil
}

// ProfileUDF returns the account profile fingerprint.
func (a *Account) ProfileUDF() string { return a.rec.ProfileUdf }

// Address returns the account address.
func (a *Account) Address() string { return a.rec.AccountAddress }

// Profile returns the verified account profile.
func (a *Account) Profile() (*profile.ProfileUser, error) {
	p, err := profile.VerifyProfileUser(a.rec.EnvelopedProfileUser)
	if err != nil {
		return nil, fmt.Errorf("client: the stored profile of %s: %w", a.rec.ProfileUdf, err)
	}
	if p.UDF() != a.rec.ProfileUdf {
		return nil, fmt.Errorf("client: the stored profile is %s, not %s: the local data is damaged", p.UDF(), a.rec.ProfileUdf)
	}
	return p, nil
}

// service returns the protocol client of the account's service, after a
// Hello that checks the pinned service profile.
func (a *Account) service(ctx context.Context) (*protocol.Client, error) {
	if a.pc != nil {
		return a.pc, nil
	}
	pc, _, err := a.c.connect(ctx, a.rec.AccountAddress, a.rec.Service, a.rec.ServiceUdf)
	if err != nil {
		return nil, err
	}
	a.pc = pc
	return pc, nil
}

// EncryptionKey returns the account's CommonEncryption public key, the key
// files are encrypted to (protocol.md F2 step 1).
func (a *Account) EncryptionKey() (keys.PublicKey, error) {
	p, err := a.Profile()
	if err != nil {
		return nil, err
	}
	if p.CommonEncryption == nil {
		return nil, fmt.Errorf("client: the profile of %s has no CommonEncryption key", a.rec.AccountAddress)
	}
	k, err := p.CommonEncryption.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: CommonEncryption of %s: %w", a.rec.AccountAddress, err)
	}
	return k, nil
}

// AccountInfo describes an account for `account get` and `account list`.
type AccountInfo struct {
	Address    string   `json:"address"`
	ProfileUDF string   `json:"profile_udf"`
	Local      string   `json:"local,omitempty"`
	Default    bool     `json:"default"`
	Service    string   `json:"service"`
	ServiceUDF string   `json:"service_udf"`
	DeviceUDF  string   `json:"device_udf"`
	Roles      []string `json:"roles,omitempty"`
	// HoldsSeed is true on the device that holds the account seed.
	HoldsSeed bool `json:"holds_seed"`
	// Keys are the fingerprints of the account's public keys.
	Keys map[string]string `json:"keys,omitempty"`
	// Containers are the local copies and their entry counts.
	Containers map[string]int64 `json:"containers,omitempty"`
	Synced     string           `json:"synced,omitempty"`
}

// Info describes the account from local data.
func (a *Account) Info(withKeys bool) (*AccountInfo, error) {
	reg, err := a.c.cfg.Home.LoadRegistry()
	if err != nil {
		return nil, err
	}
	i := &AccountInfo{
		Address: a.rec.AccountAddress, ProfileUDF: a.rec.ProfileUdf, Local: a.entry.Local,
		Default: reg.Default == a.rec.ProfileUdf, Service: a.rec.Service, ServiceUDF: a.rec.ServiceUdf,
		DeviceUDF: a.rec.DeviceUdf, Roles: a.rec.Roles, HoldsSeed: a.secrets != nil,
	}
	if a.rec.Synced != nil {
		i.Synced = a.rec.Synced.UTC().Format("2006-01-02T15:04:05Z")
	}
	if !withKeys {
		return i, nil
	}
	p, err := a.Profile()
	if err != nil {
		return nil, err
	}
	i.Keys = map[string]string{}
	for name, kd := range map[string]*keys.KeyData{
		"ProfileSignature": p.ProfileSignature, "AdministratorSignature": p.AdministratorSignature,
		"CommonEncryption": p.CommonEncryption, "CommonAuthentication": p.CommonAuthentication,
		"CommonSignature": p.CommonSignature, "EscrowEncryption": p.EscrowEncryption,
	} {
		if kd != nil {
			i.Keys[name] = kd.Udf
		}
	}
	i.Containers = map[string]int64{}
	for _, c := range a.rec.Containers {
		i.Containers[c.Container] = c.Index
	}
	return i, nil
}

// Accounts lists the accounts of this machine.
func (c *Client) Accounts() ([]*AccountInfo, error) {
	reg, err := c.cfg.Home.LoadRegistry()
	if err != nil {
		return nil, err
	}
	var out []*AccountInfo
	for _, e := range reg.Accounts {
		a, err := c.Open(e.ProfileUdf)
		if err != nil {
			return nil, err
		}
		i, err := a.Info(false)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, nil
}

// DeleteAccount unbinds the account at its service (protocol.md §4.3) and
// then removes its local data and registry entry. If the service refuses,
// nothing local is removed. An account the service no longer knows
// (NotFound) is removed locally.
func (c *Client) DeleteAccount(ctx context.Context, sel string) (*AccountInfo, error) {
	unlock, err := c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	a, err := c.Open(sel)
	if err != nil {
		return nil, err
	}
	info, err := a.Info(false)
	if err != nil {
		return nil, err
	}
	cred, err := a.credential()
	if err != nil {
		return nil, err
	}
	pc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	req := &protocol.UnbindRequest{MeshRequestUser: protocol.MeshRequestUser{Account: a.rec.ProfileUdf}}
	if _, err := pc.UnbindAccount(ctx, cred, req); err != nil && !errors.Is(err, protocol.ErrNotFound) {
		return nil, fmt.Errorf("client: deleting %s at its service: %w", a.rec.AccountAddress, err)
	}
	reg, err := c.cfg.Home.LoadRegistry()
	if err != nil {
		return nil, err
	}
	reg.Remove(a.rec.ProfileUdf)
	if err := c.cfg.Home.SaveRegistry(reg); err != nil {
		return nil, err
	}
	if err := c.cfg.Home.removeAccountDir(a.rec.ProfileUdf); err != nil {
		return nil, err
	}
	return info, nil
}
