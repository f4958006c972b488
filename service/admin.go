package service

import (
	"context"

	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// adminContainers are the containers only an administration device may
// write (schema.md §6: admin and super hold the grant rights on MMM_Device
// and MMM_Access; ARCH 3.1: only such devices add or remove devices), in
// whatever field of Transact they arrive. MMM_Local holds the PIN
// registrations and connection answers that grant roles; checkUpdates
// already refuses it in Updates, and it is listed here as well so that the
// role check does not depend on that.
var adminContainers = map[string]bool{protocol.CatalogDevice: true, protocol.CatalogAccess: true, protocol.SpoolLocal: true}

// adminRoles are the roles that carry the Mesh administration privilege.
var adminRoles = map[string]bool{profile.RoleAdmin: true, profile.RoleSuper: true}

// requireAdminWrites refuses, with NotAdministrator, a Transact from a
// connected device whose AccessCapability lists no administration role when
// it writes MMM_Device or MMM_Access or appends to MMM_Local (PIN
// registrations and connection answers). The account key credential is the
// account itself and may write anything. The service enforces this because
// it can read the Access catalog; the encryption of the other catalogs is
// enforced by the store keys each device holds (docs/devices.md §4).
func (s *Service) requireAdminWrites(ctx context.Context, p *principal, acct *accountInfo, req *protocol.TransactRequest) error {
	if p.cred.kind != protocol.CredentialConnection {
		return nil
	}
	what := ""
	for _, u := range req.Updates {
		if adminContainers[u.Container] {
			what = u.Container
			break
		}
	}
	if what == "" && len(req.Local) > 0 {
		what = protocol.SpoolLocal
	}
	if what == "" {
		return nil
	}
	ok, err := s.isAdministrator(ctx, p, acct)
	if err != nil || ok {
		return err
	}
	return refuse(protocol.StatusNotAdministrator, "only an administration device may write %s", what)
}

// isAdministrator reports whether the caller holds the administration
// privilege on acct: the account key credential, or a connected device
// whose AccessCapability lists admin or super.
func (s *Service) isAdministrator(ctx context.Context, p *principal, acct *accountInfo) (bool, error) {
	if p.cred.kind != protocol.CredentialConnection {
		return true, nil
	}
	c, err := s.access.lookup(ctx, acct.rec.ProfileUDF, p.cred.keyID)
	if err != nil {
		return false, internal(err)
	}
	if c != nil && c.AccessCapability != nil {
		for _, r := range c.AccessCapability.Rights {
			if adminRoles[r] {
				return true, nil
			}
		}
	}
	return false, nil
}

// requireAdministrator is requireUser for the transactions that only the
// account key credential or an administration device may make
// (UnbindAccount deletes the account and all its data).
func (s *Service) requireAdministrator(ctx context.Context, p *principal) (*accountInfo, error) {
	acct, err := s.requireUser(ctx, p)
	if err != nil {
		return nil, err
	}
	ok, err := s.isAdministrator(ctx, p, acct)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse(protocol.StatusNotAdministrator, "this transaction needs the account key credential or an administration device (role admin or super)")
	}
	return acct, nil
}
