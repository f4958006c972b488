package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/udf"
)

// Encryption groups (protocol.md §7 F8; architecture draft §4.4;
// threshold.md §3.4; docs/groups.md). A group is an account of its own at
// its service: a ProfileGroup bound with BindAccount under the group's
// account key credential. The user who creates it keeps the group seed in a
// CatalogedGroup of their MMM_Application catalog, enveloped to their
// EscrowEncryption key, and administers the group: only the holder of the
// group seed can authenticate as the group, so only it can write the
// group's MMM_Member and MMM_Access catalogs. Files are encrypted to the
// group's CommonEncryption key; a member decrypts with its share of that
// key and the service's share, which the service gives only while the
// member's capability is in the group's MMM_Access.

// ErrNotGroupAdministrator is returned when the account does not
// administer the group named (it holds no CatalogedGroup for it).
var ErrNotGroupAdministrator = errors.New("client: this account does not administer the group")

// ErrGroupExists is returned by CreateGroup when the account already
// administers a group of that address.
var ErrGroupExists = errors.New("client: the group already exists")

// DefaultGroupGrant are the roles of the administrator's devices that get
// the group (CatalogedGroup.Grant; protocol.md F8 create step 1).
var DefaultGroupGrant = []string{profile.RoleSuper, profile.RoleAdmin}

// GroupResult describes a group.
type GroupResult struct {
	Group         string `json:"group"`
	ProfileUDF    string `json:"profile_udf"`
	EncryptionKey string `json:"encryption_key"`
	Service       string `json:"service"`
	Administrator string `json:"administrator"`
}

// group is an administered group opened from its CatalogedGroup: the group
// as an Account (its seed, record and local catalog copies, under the
// group's profile UDF in the data directory but not in the registry).
type group struct {
	acct    *Account
	profile *profile.ProfileGroup
}

// CreateGroup creates the encryption group address (protocol.md F8 create):
// a fresh group seed and signed ProfileGroup naming the group's service;
// the CatalogedGroup with the seed escrowed to this account's
// EscrowEncryption key in MMM_Application; then BindAccount as the group.
// The escrow is written first, so that a group bound at the service always
// has an administrator; if the bind fails the entry is deleted again.
func (a *Account) CreateGroup(ctx context.Context, address string) (*GroupResult, error) {
	if _, err := ServiceDomain(address); err != nil {
		return nil, err
	}
	if err := a.requireGroupSeed(); err != nil {
		return nil, err
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := a.findGroup(ctx, address); err == nil {
		return nil, fmt.Errorf("%w: %s administers %s", ErrGroupExists, a.rec.AccountAddress, address)
	} else if !errors.Is(err, ErrNotGroupAdministrator) {
		return nil, err
	}
	stored, pin := "", ""
	if sameDomain(address, a.rec.AccountAddress) {
		stored, pin = a.rec.Service, a.rec.ServiceUdf
	}
	pc, _, err := a.c.connect(ctx, address, stored, pin)
	if err != nil {
		return nil, err
	}
	gs, err := profile.NewAccount(a.c.cfg.Rand)
	if err != nil {
		return nil, fmt.Errorf("client: making the group: %w", err)
	}
	now := a.c.cfg.Now()
	penv, err := gs.SignedProfileGroup(address, pc.Service().UDF, &profile.SealOptions{Rand: a.c.cfg.Rand, Created: now})
	if err != nil {
		return nil, fmt.Errorf("client: signing the group profile: %w", err)
	}
	escrow, err := a.escrowSeal(gs.Seed(), gs.UDF())
	if err != nil {
		return nil, err
	}
	cg := &catalog.CatalogedGroup{EnvelopedProfileGroup: penv}
	cg.Key, cg.Grant, cg.EnvelopedEscrow = address, DefaultGroupGrant, []jsonb.Raw{escrow}
	if err := a.putLocked(ctx, profile.StoreApplication, cg); err != nil {
		return nil, fmt.Errorf("client: recording the group in %s: %w", profile.StoreApplication, err)
	}
	g := a.groupAccount(gs, address, penv, pc)
	if err := g.bind(ctx); err != nil {
		if derr := a.deleteLocked(ctx, profile.StoreApplication, cg.PrimaryKey()); derr != nil {
			return nil, fmt.Errorf("%w (and removing the group entry failed: %v)", err, derr)
		}
		_ = a.c.cfg.Home.removeAccountDir(gs.UDF())
		return nil, err
	}
	return a.groupResult(g, gs)
}

// requireGroupSeed refuses group administration on a device without the
// account seed: the group seed is escrowed to EscrowEncryption, whose
// private key only the seed holder derives.
func (a *Account) requireGroupSeed() error {
	if a.secrets == nil {
		return fmt.Errorf("%w: administering groups needs the account seed of %s (its EscrowEncryption key), which this device does not hold",
			ErrNotAdministrator, a.rec.AccountAddress)
	}
	return nil
}

func (a *Account) groupResult(g *Account, gs *profile.AccountSecrets) (*GroupResult, error) {
	enc, err := gs.CommonEncryption()
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return &GroupResult{Group: g.rec.AccountAddress, ProfileUDF: gs.UDF(), EncryptionKey: enc.Public().Fingerprint(),
		Service: g.rec.Service, Administrator: a.rec.AccountAddress}, nil
}

// groupAccount returns the group as an Account acting with the group's
// account key credential. Its record lives under the group's profile UDF;
// the group seed is never written there (it stays escrowed).
func (a *Account) groupAccount(gs *profile.AccountSecrets, address string, penv []byte, pc *protocol.Client) *Account {
	rec := &accountRecord{ProfileUdf: gs.UDF(), AccountAddress: address, Service: pc.Endpoint(), ServiceUdf: pc.Service().UDF,
		EnvelopedProfileUser: penv, DeviceUdf: a.rec.DeviceUdf}
	return &Account{c: a.c, entry: &AccountEntry{ProfileUdf: rec.ProfileUdf, AccountAddress: address}, rec: rec, secrets: gs, pc: pc}
}

// findGroup returns this account's CatalogedGroup for address, after a
// sync of MMM_Application; ErrNotGroupAdministrator if there is none. The
// data directory must be locked.
func (a *Account) findGroup(ctx context.Context, address string) (*catalog.CatalogedGroup, error) {
	ck, err := a.storeKeys(profile.StoreApplication)
	if err != nil {
		return nil, err
	}
	if _, err := a.sync(ctx, []string{profile.StoreApplication}); err != nil {
		return nil, err
	}
	lc, err := a.c.cfg.Home.openContainer(a.rec.ProfileUdf, profile.StoreApplication, true)
	if err != nil {
		return nil, err
	}
	defer lc.Close()
	cat, err := catalog.Open(lc, profile.StoreApplication, ck)
	if err != nil {
		return nil, fmt.Errorf("client: the local copy of %s: %w", profile.StoreApplication, err)
	}
	e, err := cat.Find(func(e catalog.Entry) bool {
		g, ok := e.(*catalog.CatalogedGroup)
		return ok && strings.EqualFold(g.Key, address)
	})
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s holds no CatalogedGroup for %s", ErrNotGroupAdministrator, a.rec.AccountAddress, address)
	}
	if err != nil {
		return nil, err
	}
	return e.(*catalog.CatalogedGroup), nil
}

// openGroup opens the group address this account administers: it recovers
// the group seed from the escrow, checks it against the signed ProfileGroup
// and loads (or starts) the group's local record. The data directory must
// be locked.
func (a *Account) openGroup(ctx context.Context, address string) (*group, error) {
	if err := a.requireGroupSeed(); err != nil {
		return nil, err
	}
	cg, err := a.findGroup(ctx, address)
	if err != nil {
		return nil, err
	}
	pg, err := profile.VerifyProfileGroup(cg.EnvelopedProfileGroup)
	if err != nil {
		return nil, fmt.Errorf("client: the profile of group %s: %w", address, err)
	}
	if len(cg.EnvelopedEscrow) == 0 {
		return nil, fmt.Errorf("client: the CatalogedGroup of %s holds no escrowed seed", address)
	}
	seed, err := a.escrowOpen(cg.EnvelopedEscrow[0])
	if err != nil {
		return nil, fmt.Errorf("client: the escrowed seed of group %s: %w", address, err)
	}
	gs, err := profile.AccountFromSeed(seed)
	if err != nil {
		return nil, fmt.Errorf("client: the escrowed seed of group %s: %w", address, err)
	}
	if gs.UDF() != pg.UDF() {
		return nil, fmt.Errorf("client: the escrowed seed of group %s derives %s, but its profile is %s", address, gs.UDF(), pg.UDF())
	}
	g := &Account{c: a.c, entry: &AccountEntry{ProfileUdf: gs.UDF(), AccountAddress: pg.AccountAddress}, secrets: gs}
	if ok, err := exists(a.c.cfg.Home.accountRecordPath(gs.UDF())); err != nil {
		return nil, err
	} else if ok {
		if g.rec, err = a.c.cfg.Home.loadRecord(gs.UDF()); err != nil {
			return nil, err
		}
	} else {
		pc, _, err := a.c.connect(ctx, pg.AccountAddress, "", pg.ServiceUdf)
		if err != nil {
			return nil, err
		}
		g = a.groupAccount(gs, pg.AccountAddress, cg.EnvelopedProfileGroup, pc)
	}
	if len(g.rec.EnvelopedAccountHostAssignment) == 0 {
		if err := g.fetchHostAssignment(ctx); err != nil {
			return nil, err
		}
	}
	return &group{acct: g, profile: pg}, nil
}

// fetchHostAssignment asks Status for the AccountHostAssignment (a device
// that did not bind the account, e.g. after recovery) and records it.
func (a *Account) fetchHostAssignment(ctx context.Context) error {
	cred, err := a.credential()
	if err != nil {
		return err
	}
	pc, err := a.service(ctx)
	if err != nil {
		return err
	}
	st, err := pc.Status(ctx, cred, &protocol.StatusRequest{MeshRequestUser: protocol.MeshRequestUser{Account: a.rec.ProfileUdf}})
	if err != nil {
		return fmt.Errorf("client: status of %s: %w", a.rec.AccountAddress, err)
	}
	if len(st.EnvelopedAccountHostAssignment) == 0 {
		return fmt.Errorf("client: the service gave %s no AccountHostAssignment", a.rec.AccountAddress)
	}
	a.rec.EnvelopedAccountHostAssignment = st.EnvelopedAccountHostAssignment
	return a.c.cfg.Home.saveRecord(a.rec)
}

// escrowSeal envelopes a seed (a tagged PrivateKeyUDF, as in seed files)
// to this account's EscrowEncryption key (schema.md §7.3
// CatalogedApplication.EnvelopedEscrow; protocol.md F9 step 1).
func (a *Account) escrowSeal(seed, id string) ([]byte, error) {
	p, err := a.Profile()
	if err != nil {
		return nil, err
	}
	if p.EscrowEncryption == nil {
		return nil, fmt.Errorf("client: the profile of %s has no EscrowEncryption key", a.rec.AccountAddress)
	}
	pub, err := p.EscrowEncryption.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("client: EscrowEncryption of %s: %w", a.rec.AccountAddress, err)
	}
	payload, err := marshalSeed(seed)
	if err != nil {
		return nil, err
	}
	defer clear(payload)
	env, err := dare.Seal(payload, &dare.EncodeOptions{Recipients: []keys.PublicKey{pub}, Rand: a.c.cfg.Rand,
		ContentMeta: &dare.ContentMeta{ContentType: profile.ContentTypeObject, MessageType: seedTag, UniqueID: id}})
	if err != nil {
		return nil, fmt.Errorf("client: escrowing a seed: %w", err)
	}
	return env, nil
}

// escrowOpen decrypts an escrowed account seed with the EscrowEncryption
// private key, which only the seed holder derives.
func (a *Account) escrowOpen(env []byte) (string, error) {
	if err := a.requireGroupSeed(); err != nil {
		return "", err
	}
	k, err := a.secrets.EscrowKey()
	if err != nil {
		return "", fmt.Errorf("client: %w", err)
	}
	payload, _, err := dare.Open(env, &dare.Keyring{Private: []keys.PrivateKey{k}})
	if err != nil {
		return "", err
	}
	defer clear(payload)
	return parseSeed("EnvelopedEscrow", payload, udf.MeshProfileAccount)
}

// sameDomain reports whether two addresses have the same service domain.
func sameDomain(x, y string) bool {
	dx, err1 := ServiceDomain(x)
	dy, err2 := ServiceDomain(y)
	return err1 == nil && err2 == nil && dx == dy
}
