package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/shamir"
	"github.com/mathmesh/mesh/udf"
)

// Escrow and recovery (protocol.md §7 F9; architecture draft §4.5;
// udf.md §7.4). The account seed is split with Shamir secret sharing into
// share UDFs; a quorum of them rebuilds the seed on a new device, which
// regenerates every account key (the same profile UDF), authenticates with
// the account key credential, fetches the account's data and connects
// itself as a super/admin/web device. Application secrets, including the
// seeds of the groups the account administers, come back with it: they
// are escrowed to EscrowEncryption, whose key derives from the seed.

// Escrow limits: a quorum of at least 2 (a quorum of 1 would make each
// share the seed itself) and at most shamir.MaxShares shares.
const (
	MinEscrowQuorum = 2
	MaxEscrowShares = shamir.MaxShares
)

// EscrowResult is the outcome of Escrow. Shares are secrets: whoever holds
// a quorum holds the account.
type EscrowResult struct {
	Account string   `json:"account"`
	Quorum  int      `json:"quorum"`
	Shares  []string `json:"shares"`
}

// Escrow splits the account seed into n shares, any quorum of which
// recover it (F9 step 1). Only the device holding the seed can do this.
func (a *Account) Escrow(quorum, n int) (*EscrowResult, error) {
	if quorum < MinEscrowQuorum || n < quorum || n > MaxEscrowShares {
		return nil, fmt.Errorf("client: escrow needs %d <= quorum <= shares <= %d; got quorum %d, shares %d",
			MinEscrowQuorum, MaxEscrowShares, quorum, n)
	}
	if a.secrets == nil {
		return nil, fmt.Errorf("%w: escrow needs the account seed of %s, which only the device that created (or recovered) the account holds",
			ErrNotAdministrator, a.rec.AccountAddress)
	}
	shares, err := shamir.EscrowSeed(a.secrets.Seed(), quorum, n, a.c.cfg.Rand)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	out := &EscrowResult{Account: a.rec.ProfileUdf, Quorum: quorum}
	for _, s := range shares {
		out.Shares = append(out.Shares, s.UDF())
	}
	return out, nil
}

// RecoverResult is the outcome of RecoverAccount.
type RecoverResult struct {
	Account string   `json:"account"`
	Address string   `json:"address"`
	Service string   `json:"service"`
	Device  string   `json:"device"`
	Roles   []string `json:"roles"`
	Fetched int64    `json:"fetched"`
}

// ErrNotAccountSeed is returned when shares recover something other than
// an account seed: shares of different secrets, or too few of them.
var ErrNotAccountSeed = errors.New("client: the shares do not recover an account seed")

// RecoverSeed combines escrow shares into an account seed and returns it
// with the account keys it derives; shares of different secrets or fewer
// than the quorum are refused.
func RecoverSeed(shares []shamir.Share) (*profile.AccountSecrets, error) {
	seed, err := shamir.RecoverSeed(shares)
	if err != nil {
		return nil, fmt.Errorf("%w (shares of different secrets, or fewer than the quorum?): %w", ErrNotAccountSeed, err)
	}
	alg, _, err := udf.ParseSeed(seed)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotAccountSeed, err)
	}
	if alg != udf.MeshProfileAccount {
		return nil, fmt.Errorf("%w: they hold a %v seed", ErrNotAccountSeed, alg)
	}
	return profile.AccountFromSeed(seed)
}

// RecoverAccount rebuilds an account on this device from escrow shares
// (F9 step 2): the seed gives the account keys; the service (found from
// address, --service or $MESH_SERVICE) is asked, with the account key
// credential, for the account's profile — no Bind — which must be the
// one the seed derives; then this device is connected as a super, admin
// and web device (F1 step 7) and every container is fetched.
func (c *Client) RecoverAccount(ctx context.Context, shares []shamir.Share, address string) (*RecoverResult, error) {
	acct, err := RecoverSeed(shares)
	if err != nil {
		return nil, err
	}
	if address == "" && c.cfg.Service == "" && c.cfg.Env == "" {
		return nil, errors.New("client: name the account's address with --account ADDRESS (or its service with --service URL) so that its service can be found")
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
		if e.ProfileUdf == acct.UDF() {
			return nil, fmt.Errorf("client: the account %s (%s) is already on this machine", e.AccountAddress, e.ProfileUdf)
		}
	}
	dev, err := c.device()
	if err != nil {
		return nil, err
	}
	pc, _, err := c.connect(ctx, address, "", "")
	if err != nil {
		return nil, err
	}
	rec, err := c.recoveredRecord(ctx, pc, acct, address, dev.UDF())
	if err != nil {
		return nil, err
	}
	entry := &AccountEntry{ProfileUdf: rec.ProfileUdf, AccountAddress: rec.AccountAddress, Created: c.cfg.Now().UTC()}
	if err := c.stagePending(acct, rec, reg, entry); err != nil {
		return nil, err
	}
	a := &Account{c: c, entry: entry, rec: rec, secrets: acct, pc: pc}
	if err := a.initialize(ctx, dev); err != nil {
		return nil, c.unstage(rec.ProfileUdf, fmt.Errorf("client: connecting this device to the recovered account %s: %w", rec.AccountAddress, err))
	}
	res, err := a.sync(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("client: the account %s was recovered, but the sync failed (run `account sync`): %w", rec.AccountAddress, err)
	}
	return &RecoverResult{Account: rec.ProfileUdf, Address: rec.AccountAddress, Service: rec.Service, Device: rec.DeviceUdf,
		Roles: rec.Roles, Fetched: res.Fetched}, nil
}

// recoveredRecord asks the service (Status, account key credential) for
// the account's profile and host assignment and checks them against the
// recovered seed, the address named and the service answering.
func (c *Client) recoveredRecord(ctx context.Context, pc *protocol.Client, acct *profile.AccountSecrets, address, device string) (*accountRecord, error) {
	ca, err := acct.CommonAuthentication()
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	cred, err := protocol.NewAccountCredential(acct.UDF(), ca)
	if err != nil {
		return nil, err
	}
	st, err := pc.Status(ctx, cred, &protocol.StatusRequest{MeshRequestUser: protocol.MeshRequestUser{Account: acct.UDF()}})
	if err != nil {
		return nil, fmt.Errorf("client: the service at %s does not hold the account %s: %w", pc.Endpoint(), acct.UDF(), err)
	}
	pu, err := profile.VerifyProfileUser(st.EnvelopedProfileAccount)
	if err != nil {
		return nil, fmt.Errorf("client: the account profile from the service: %w", err)
	}
	if pu.UDF() != acct.UDF() {
		return nil, fmt.Errorf("client: the service returned profile %s for account %s", pu.UDF(), acct.UDF())
	}
	if address != "" && !strings.EqualFold(address, pu.AccountAddress) {
		return nil, fmt.Errorf("client: the recovered account is %s, not %s", pu.AccountAddress, address)
	}
	if pu.ServiceUdf != "" && pu.ServiceUdf != pc.Service().UDF {
		return nil, fmt.Errorf("client: the account is bound to service %s, but %s is %s", pu.ServiceUdf, pc.Endpoint(), pc.Service().UDF)
	}
	return &accountRecord{
		ProfileUdf: acct.UDF(), AccountAddress: pu.AccountAddress, Service: pc.Endpoint(), ServiceUdf: pc.Service().UDF,
		EnvelopedProfileUser: st.EnvelopedProfileAccount, EnvelopedAccountHostAssignment: st.EnvelopedAccountHostAssignment,
		DeviceUdf: device, Roles: DefaultRoles,
	}, nil
}
