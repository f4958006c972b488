package service_test

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// rogueService is the Mesh service of evil.com as discovery finds it: a
// real service key whose Hello presents its self-signed ProfileService.
// The test holds its key, so it can post whatever a rogue service would.
func rogueService(t *testing.T, sender string) (*protocol.Credential, string) {
	t.Helper()
	ss, err := profile.NewService(nil)
	if err != nil {
		t.Fatal(err)
	}
	env, err := ss.SignedProfile("rogue", nil)
	if err != nil {
		t.Fatal(err)
	}
	hello, err := protocol.EncodeResponse(protocol.TxHello, &protocol.MeshHelloResponse{
		MeshResponse: protocol.MeshResponse{Status: http.StatusCreated}, EnvelopedProfileService: env})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", protocol.ContentType)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(hello)
	}))
	t.Cleanup(hs.Close)
	auth, err := ss.Authentication()
	if err != nil {
		t.Fatal(err)
	}
	cred, err := protocol.NewServiceCredential(sender, env, auth)
	if err != nil {
		t.Fatal(err)
	}
	return cred, hs.URL + protocol.WellKnownPath
}

// TestPostSenderIsTheService: the genuine service of evil.com may post
// only in the name of evil.com's accounts. A contact request in the clear
// whose Sender is an account of another domain, or whose payload is not
// the type its ContentMeta declares (the type the inbound policy filters
// on), is refused, and nothing reaches the recipient's MMM_Inbound.
func TestPostSenderIsTheService(t *testing.T) {
	cred, url := rogueService(t, "mallory@evil.com")
	srv := servicetest.Start(t, &servicetest.Options{Peers: map[string]string{"evil.com": url}})
	c := srv.Client(t)
	bob := bind(t, srv, c, "bob@example.com")
	mallory, err := profile.NewAccount(nil)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := mallory.CommonSignature()
	if err != nil {
		t.Fatal(err)
	}
	contact := func(sender string) []byte {
		msg := &spool.MessageContact{Subject: "hello"}
		msg.Sender, msg.Recipient = sender, bob.address
		env, err := spool.Seal(msg, &profile.SealOptions{Signers: []keys.Signer{sig}})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	post := func(env []byte) error {
		_, err := c.Post(ctx, cred, &protocol.PostRequest{Accounts: []string{bob.address}, Messages: []jsonb.Raw{env}})
		return err
	}

	// A confirmation request labelled as a contact request.
	id, err := udf.Nonce(rand.Reader, 128)
	if err != nil {
		t.Fatal(err)
	}
	eid, err := udf.EnvelopeID(id)
	if err != nil {
		t.Fatal(err)
	}
	rc := &spool.RequestConfirmation{Text: "pay 100 to mallory?"}
	rc.MessageId, rc.Sender, rc.Recipient = id, "mallory@evil.com", bob.address
	payload, err := jsonb.MarshalTagged(spool.TagRequestConfirmation, rc, jsonb.JSON)
	if err != nil {
		t.Fatal(err)
	}
	disguised, err := dare.Seal(payload, &dare.EncodeOptions{Signers: []keys.Signer{sig}, Header: &dare.Header{EnvelopeID: eid},
		ContentMeta: &dare.ContentMeta{UniqueID: id, MessageType: spool.TagMessageContact, ContentType: "application/mmm/object"}})
	if err != nil {
		t.Fatal(err)
	}

	wantStatus(t, "a contact request in the name of another domain", post(contact("carol@good.example")), protocol.StatusRefused)
	wantStatus(t, "a confirmation request labelled MessageContact", post(disguised), protocol.StatusBadRequest)
	if n := inboundCount(t, c, bob); n != 0 {
		t.Fatalf("bob's MMM_Inbound has %d entries after refused Posts", n)
	}
	if err := post(contact("Mallory@evil.com")); err != nil {
		t.Fatalf("the service of evil.com posting for its own account: %v", err)
	}
	if n := inboundCount(t, c, bob); n != 1 {
		t.Fatalf("bob's MMM_Inbound has %d entries, want the one contact request", n)
	}
}
