package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
	"github.com/mathmesh/mesh/spool"
	"github.com/mathmesh/mesh/udf"
)

// Tests of the recipient's inbound policy (service/inbound_policy.go;
// docs/messaging.md §4) and of the sender's outbound checks (§2), through
// Transact Outbound between accounts of one service: each rule alone, then
// the order in which they apply. A refused message leaves the recipient's
// MMM_Inbound as it was.

// sealMessage signs msg from sender to recipient with the sender's
// CommonSignature, in the clear.
func sealMessage(t *testing.T, from *account, to string, msg spool.Any) []byte {
	t.Helper()
	sig, err := from.secrets.CommonSignature()
	if err != nil {
		t.Fatal(err)
	}
	b := msg.Base()
	b.Sender, b.Recipient = from.address, to
	env, err := spool.Seal(msg, &profile.SealOptions{Signers: []keys.Signer{sig}})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func sendMessage(c *protocol.Client, from *account, to string, env []byte) error {
	_, err := c.Transact(ctx, from.cred, &protocol.TransactRequest{Outbound: []jsonb.Raw{env}, Accounts: []string{to}})
	return err
}

// inboundCount returns the number of entries in a's MMM_Inbound.
func inboundCount(t *testing.T, c *protocol.Client, a *account) int64 {
	t.Helper()
	st, err := c.Status(ctx, a.cred, &protocol.StatusRequest{Spools: []string{protocol.SpoolInbound}})
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range st.ContainerStatus {
		if cs.Container == protocol.SpoolInbound {
			return cs.Index
		}
	}
	return 0
}

// policyCase checks one delivery: wantErr "" means accepted, otherwise
// the error must contain it and the recipient's Inbound must not grow.
func policyCase(t *testing.T, c *protocol.Client, from, to *account, env []byte, wantErr string) {
	t.Helper()
	before := inboundCount(t, c, to)
	err := sendMessage(c, from, to.address, env)
	after := inboundCount(t, c, to)
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("refused: %v", err)
	case wantErr == "" && after != before+1:
		t.Fatalf("accepted, but MMM_Inbound went from %d to %d entries", before, after)
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		t.Fatalf("got %v, want an error containing %q", err, wantErr)
	case wantErr != "" && after != before:
		t.Fatalf("refused, but MMM_Inbound went from %d to %d entries", before, after)
	}
}

func contactRequest() spool.Any { return &spool.MessageContact{Subject: "hello"} }
func confirmation() spool.Any   { return &spool.RequestConfirmation{Text: "ok?"} }

func TestInboundPolicyRules(t *testing.T) {
	srv := servicetest.Start(t, &servicetest.Options{Domains: []string{"example.com", "example.net"}})
	c := srv.Client(t)
	alice := bind(t, srv, c, "alice@example.com")
	bob := bind(t, srv, c, "bob@example.net")
	carol := bind(t, srv, c, "carol@example.net")

	t.Run("6 a stranger may not send anything but a contact request", func(t *testing.T) {
		policyCase(t, c, bob, alice, sealMessage(t, bob, alice.address, confirmation()), "not a contact of alice@example.com")
	})
	t.Run("5 a stranger may send a contact request", func(t *testing.T) {
		policyCase(t, c, bob, alice, sealMessage(t, bob, alice.address, contactRequest()), "")
	})
	t.Run("1 a replay is refused", func(t *testing.T) {
		env := sealMessage(t, carol, alice.address, contactRequest())
		policyCase(t, c, carol, alice, env, "")
		policyCase(t, c, carol, alice, env, "replay")
	})
	t.Run("4 a reply to a message the account sent is accepted", func(t *testing.T) {
		sent := &spool.MessageContact{Subject: "from alice"}
		policyCase(t, c, alice, carol, sealMessage(t, alice, carol.address, sent), "")
		rid, err := udf.ResponseID(sent.MessageId)
		if err != nil {
			t.Fatal(err)
		}
		reply := &spool.RequestConfirmation{Text: "reply"}
		reply.MessageId = rid
		policyCase(t, c, carol, alice, sealMessage(t, carol, alice.address, reply), "")
		// The same type without the reply id is still refused.
		policyCase(t, c, carol, alice, sealMessage(t, carol, alice.address, confirmation()), "not a contact")
	})
	t.Run("3 an allowed sender may send anything", func(t *testing.T) {
		writeAccess(t, c, alice, catalog.NewInboundContact("BOB@example.net", true), catalog.EventNew)
		policyCase(t, c, bob, alice, sealMessage(t, bob, alice.address, confirmation()), "")
	})
	t.Run("2 a blocked sender is refused, contact requests included", func(t *testing.T) {
		writeAccess(t, c, alice, catalog.NewInboundContact(bob.address, false), catalog.EventUpdate)
		policyCase(t, c, bob, alice, sealMessage(t, bob, alice.address, confirmation()), "has blocked messages from bob@example.net")
		policyCase(t, c, bob, alice, sealMessage(t, bob, alice.address, contactRequest()), "has blocked")
	})
}

// TestInboundPolicyOrder: the rules apply in order, so an earlier rule
// wins over a later one that would decide otherwise.
func TestInboundPolicyOrder(t *testing.T) {
	// One clock for the service and the client (requests carry a
	// timestamp the service checks), moved an hour on below.
	var offset time.Duration
	clock := func() time.Time { return time.Now().Add(offset) }
	srv := servicetest.Start(t, &servicetest.Options{Domains: []string{"example.com", "example.net"}, Now: clock})
	c, err := protocol.NewClient(srv.URL, &protocol.ClientOptions{ServiceUDF: srv.Service.UDF(), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	alice := bind(t, srv, c, "alice@example.com")
	bob := bind(t, srv, c, "bob@example.net")
	dave := bind(t, srv, c, "dave@example.net")

	// 1 before 3: a replay from an allowed sender is refused.
	writeAccess(t, c, alice, catalog.NewInboundContact(bob.address, true), catalog.EventNew)
	env := sealMessage(t, bob, alice.address, confirmation())
	policyCase(t, c, bob, alice, env, "")
	policyCase(t, c, bob, alice, env, "replay")

	// 3 before 5: an allowed sender is not rate limited.
	for i := range 8 {
		if err := sendMessage(c, bob, alice.address, sealMessage(t, bob, alice.address, contactRequest())); err != nil {
			t.Fatalf("contact request %d from an allowed sender: %v", i+1, err)
		}
	}

	// 5: a stranger is limited to 5 contact requests an hour.
	for range 5 {
		policyCase(t, c, dave, alice, sealMessage(t, dave, alice.address, contactRequest()), "")
	}
	policyCase(t, c, dave, alice, sealMessage(t, dave, alice.address, contactRequest()), "too many contact requests from dave@example.net")
	offset = time.Hour
	policyCase(t, c, dave, alice, sealMessage(t, dave, alice.address, contactRequest()), "")

	// 2 before 4: a blocked sender's reply is refused.
	sent := &spool.MessageContact{Subject: "to dave"}
	policyCase(t, c, alice, dave, sealMessage(t, alice, dave.address, sent), "")
	writeAccess(t, c, alice, catalog.NewInboundContact(dave.address, false), catalog.EventNew)
	rid, err := udf.ResponseID(sent.MessageId)
	if err != nil {
		t.Fatal(err)
	}
	reply := &spool.MessageContact{Subject: "reply"}
	reply.MessageId = rid
	policyCase(t, c, dave, alice, sealMessage(t, dave, alice.address, reply), "has blocked")
}

// TestOutboundBadMessages: the bad input of the issue that the sender's
// service refuses, with nothing delivered.
func TestOutboundBadMessages(t *testing.T) {
	srv := servicetest.Start(t, &servicetest.Options{Domains: []string{"example.com", "example.net"}})
	c := srv.Client(t)
	alice := bind(t, srv, c, "alice@example.com")
	bob := bind(t, srv, c, "bob@example.net")

	t.Run("over 32 KB", func(t *testing.T) {
		// spool.Seal refuses to make it, so it is made by hand.
		sig, err := bob.secrets.CommonSignature()
		if err != nil {
			t.Fatal(err)
		}
		big, err := dare.Seal([]byte(strings.Repeat("x", protocol.MaxMessageBytes)), &dare.EncodeOptions{Signers: []keys.Signer{sig},
			ContentMeta: &dare.ContentMeta{UniqueID: "NBIG-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", MessageType: spool.TagMessageContact}})
		if err != nil {
			t.Fatal(err)
		}
		before := inboundCount(t, c, alice)
		err = sendMessage(c, bob, alice.address, big)
		wantStatus(t, "oversize message", err, protocol.StatusTooLarge)
		if inboundCount(t, c, alice) != before {
			t.Error("an oversize message was delivered")
		}
	})
	t.Run("not signed by the sender's CommonSignature", func(t *testing.T) {
		// Signed with Alice's key but sent by Bob.
		env := sealMessage(t, alice, alice.address, contactRequest())
		before := inboundCount(t, c, alice)
		err := sendMessage(c, bob, alice.address, env)
		wantStatus(t, "foreign signature", err, protocol.StatusRefused)
		if err == nil || !strings.Contains(err.Error(), "not signed with the CommonSignature key of bob@example.net") {
			t.Errorf("error %v does not name the signature check", err)
		}
		if inboundCount(t, c, alice) != before {
			t.Error("a message with a bad signature was delivered")
		}
	})
	t.Run("Sender is not the account", func(t *testing.T) {
		// Signed with Bob's key, sent by Bob, claiming to be from Carol.
		sig, err := bob.secrets.CommonSignature()
		if err != nil {
			t.Fatal(err)
		}
		forged := &spool.MessageContact{Subject: "forged"}
		forged.Sender, forged.Recipient = "carol@example.net", alice.address
		env, err := spool.Seal(forged, &profile.SealOptions{Signers: []keys.Signer{sig}})
		if err != nil {
			t.Fatal(err)
		}
		err = sendMessage(c, bob, alice.address, env)
		wantStatus(t, "forged sender", err, protocol.StatusRefused)
	})
	t.Run("unknown account", func(t *testing.T) {
		err := sendMessage(c, bob, "nobody@example.com", sealMessage(t, bob, "nobody@example.com", contactRequest()))
		wantStatus(t, "unknown recipient", err, protocol.StatusNotFound)
		if err == nil || !strings.Contains(err.Error(), `no account "nobody@example.com"`) {
			t.Errorf("error %v does not name the account", err)
		}
	})
}
