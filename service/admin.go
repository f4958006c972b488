package service

import (
	"context"

	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// adminContainers are the containers only an administration device may
// write (schema.md §6: admin and super hold the grant rights on MMM_Device
// and MMM_Access; ARCH 3.1: only such devices add or remove devices).
var adminContainers = map[string]bool{protocol.CatalogDevice: true, protocol.CatalogAccess: true}

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
	c, err := s.access.lookup(ctx, acct.rec.ProfileUDF, p.cred.keyID)
	if err != nil {
		return internal(err)
	}
	if c != nil && c.AccessCapability != nil {
		for _, r := range c.AccessCapability.Rights {
			if adminRoles[r] {
				return nil
			}
		}
	}
	return refuse(protocol.StatusNotAdministrator, "only an administration device may write %s", what)
}
