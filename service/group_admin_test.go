package service_test

import (
	"testing"

	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
)

// TestGroupChangesByNonAdministrators: only the holder of a group's seed
// (its account key credential) may change the group's MMM_Member and
// MMM_Access (docs/groups.md §2). A member's request is bound to the
// member's own account whatever it names, and a credential that names the
// group but is proved with the member's key is refused; the group's
// catalogs are unchanged.
func TestGroupChangesByNonAdministrators(t *testing.T) {
	srv := servicetest.Start(t, &servicetest.Options{Domains: []string{"example.com", "example.net"}})
	c := srv.Client(t)
	group := bind(t, srv, c, "groupw@example.com")
	bob := bind(t, srv, c, "bob@example.net")
	member := entry(t, "member bob@example.net")

	// The account of a request is the credential's, not a field of it:
	// this writes Bob's own MMM_Member, never the group's (checked below).
	req := &protocol.TransactRequest{MeshRequestUser: protocol.MeshRequestUser{Account: group.secrets.UDF()},
		Updates: []protocol.ContainerUpdate{updateOf(protocol.CatalogMember, member)}}
	_, _ = c.Transact(ctx, bob.cred, req)

	// A credential naming the group, proved with Bob's key.
	bobKey, err := bob.secrets.CommonAuthentication()
	if err != nil {
		t.Fatal(err)
	}
	forged, err := protocol.NewAccountCredential(group.secrets.UDF(), bobKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, container := range []string{protocol.CatalogMember, protocol.CatalogAccess} {
		_, err := c.Transact(ctx, forged, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{updateOf(container, member)}})
		wantStatus(t, "Transact on the group's "+container+" with the member's key", err, protocol.StatusNotAuthorized)
	}

	st, err := c.Status(ctx, group.cred, &protocol.StatusRequest{Catalogs: []string{protocol.CatalogMember, protocol.CatalogAccess}})
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range st.ContainerStatus {
		if (cs.Container == protocol.CatalogMember || cs.Container == protocol.CatalogAccess) && cs.Index != 0 {
			t.Errorf("the group's %s has %d entries after changes by a non-administrator, want 0", cs.Container, cs.Index)
		}
	}
	// The group's own credential may write them.
	transact(t, c, group.cred, protocol.CatalogMember, member)
}
