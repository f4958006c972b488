package spool

import (
	"testing"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
)

// TestRespondConnectionFits: an accepting RespondConnection for a device
// with the default roles (the most keys) fits in one message.
func TestRespondConnectionFits(t *testing.T) {
	a := newActors(t)
	req, _ := NewRequestConnection("alice@example.com", a.devEnv, "", nil)
	reqEnv, _ := Seal(req, nil)
	ack, _, err := Acknowledge(reqEnv, a.user, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := a.acct.ConnectDevice(a.devProf, profile.DefaultRoles, nil)
	if err != nil {
		t.Fatal(err)
	}
	userEnv, _ := a.acct.SignedProfileUser("alice@example.com", "", nil)
	resp, err := NewRespondConnection(ack, ResultAccept, catalog.NewCatalogedDevice(a.acct.UDF(), userEnv, a.devEnv, conn))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := publicBase(a.devProf)
	env, err := Seal(resp, &profile.SealOptions{Recipients: []keys.PublicKey{base}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("RespondConnection with roles %v: %d bytes of %d", profile.DefaultRoles, len(env), MaxMessageSize)
}
