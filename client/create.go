package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// ErrAccountTaken is returned by CreateAccount when the service already has
// an account of that name.
var ErrAccountTaken = errors.New("client: the account name is already taken at the service")

// DefaultRoles are the roles of the device that creates an account
// (schema.md §6: MeshHost.InitializeAdminContext).
var DefaultRoles = []string{"super", "admin", "web"}

// CreateResult is the outcome of CreateAccount.
type CreateResult struct {
	Account    string `json:"account"`
	Address    string `json:"address"`
	Service    string `json:"service"`
	ServiceUDF string `json:"service_udf"`
	Device     string `json:"device"`
	Default    bool   `json:"default"`
}

// CreateAccount creates the account address at its service (protocol.md
// §7 F1): it makes the device profile if this machine has none and a fresh
// account seed, asks the service for its profile (Hello), signs the
// ProfileUser naming that service, binds the account (BindAccount, with the
// account key credential), uploads the first entries of the account's
// catalogs and makes this device its super/admin/web device.
//
// The seed and the account record are written before BindAccount and
// removed again if the service refuses, so a failed create leaves nothing
// behind and a successful one is never lost.
func (c *Client) CreateAccount(ctx context.Context, address string) (*CreateResult, error) {
	if _, err := ServiceDomain(address); err != nil {
		return nil, err
	}
	unlock, err := c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	reg, err := c.cfg.Home.LoadRegistry()
	if err != nil {
		return nil, err
	}
	for _, e := range reg.Accounts {
		if strings.EqualFold(e.AccountAddress, address) {
			return nil, fmt.Errorf("client: %s is already an account on this machine (%s)", e.AccountAddress, e.ProfileUdf)
		}
	}
	dev, err := c.device() // F1 step 1
	if err != nil {
		return nil, err
	}
	pc, _, err := c.connect(ctx, address, "", "") // F1 step 4: Hello
	if err != nil {
		return nil, err
	}
	svc := pc.Service()
	acct, err := profile.NewAccount(c.cfg.Rand) // F1 step 1: account seed and keys
	if err != nil {
		return nil, fmt.Errorf("client: making the account: %w", err)
	}
	env, err := acct.SignedProfileUser(address, svc.UDF, &profile.SealOptions{Rand: c.cfg.Rand, Created: c.cfg.Now()})
	if err != nil {
		return nil, fmt.Errorf("client: signing the account profile: %w", err)
	}
	rec := &accountRecord{
		ProfileUdf: acct.UDF(), AccountAddress: address, Service: pc.Endpoint(), ServiceUdf: svc.UDF,
		EnvelopedProfileUser: env, DeviceUdf: dev.UDF(), Roles: DefaultRoles,
	}
	entry := &AccountEntry{ProfileUdf: rec.ProfileUdf, AccountAddress: address, Created: c.cfg.Now().UTC()}
	if err := c.stagePending(acct, rec, reg, entry); err != nil {
		return nil, err
	}
	a := &Account{c: c, entry: entry, rec: rec, secrets: acct, pc: pc}
	if err := a.bind(ctx); err != nil {
		return nil, c.unstage(rec.ProfileUdf, err)
	}
	if err := a.initialize(ctx, dev); err != nil {
		return nil, fmt.Errorf("client: the account %s was created, but setting up its catalogs failed: %w", address, err)
	}
	reg, err = c.cfg.Home.LoadRegistry()
	if err != nil {
		return nil, err
	}
	return &CreateResult{
		Account: rec.ProfileUdf, Address: address, Service: rec.Service, ServiceUDF: rec.ServiceUdf,
		Device: rec.DeviceUdf, Default: reg.Default == rec.ProfileUdf,
	}, nil
}

// stagePending writes the seed, the record and the registry entry.
func (c *Client) stagePending(acct *profile.AccountSecrets, rec *accountRecord, reg *Registry, e *AccountEntry) error {
	h := c.cfg.Home
	if err := h.SaveAccountSeed(rec.ProfileUdf, acct.Seed()); err != nil {
		return err
	}
	if err := h.saveRecord(rec); err != nil {
		return c.unstage(rec.ProfileUdf, err)
	}
	if err := reg.Add(e); err != nil {
		return c.unstage(rec.ProfileUdf, err)
	}
	if err := h.SaveRegistry(reg); err != nil {
		return c.unstage(rec.ProfileUdf, err)
	}
	return nil
}

// unstage undoes stagePending after a failure and returns cause.
func (c *Client) unstage(profileUDF string, cause error) error {
	h := c.cfg.Home
	if reg, err := h.LoadRegistry(); err == nil && reg.Remove(profileUDF) {
		if err := h.SaveRegistry(reg); err != nil {
			return fmt.Errorf("%w (and undoing the local registry entry failed: %v)", cause, err)
		}
	}
	if err := h.removeAccountDir(profileUDF); err != nil {
		return fmt.Errorf("%w (and removing the local data failed: %v)", cause, err)
	}
	return cause
}

// bind is F1 step 5: BindAccount with the account key credential.
func (a *Account) bind(ctx context.Context) error {
	cred, err := a.credential()
	if err != nil {
		return err
	}
	resp, err := a.pc.BindAccount(ctx, cred, &protocol.BindRequest{
		AccountAddress: a.rec.AccountAddress, EnvelopedProfileAccount: a.rec.EnvelopedProfileUser,
	})
	if errors.Is(err, protocol.ErrAccountRegistered) {
		return fmt.Errorf("%w: %s (%v)", ErrAccountTaken, a.rec.AccountAddress, err)
	}
	if err != nil {
		return fmt.Errorf("client: creating %s at %s: %w", a.rec.AccountAddress, a.pc.Endpoint(), err)
	}
	a.rec.EnvelopedAccountHostAssignment = resp.EnvelopedAccountHostAssignment
	return a.c.cfg.Home.saveRecord(a.rec)
}
