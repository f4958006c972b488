package service_test

import (
	"crypto/rand"
	"errors"
	"testing"

	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
	"github.com/mathmesh/mesh/udf"
)

type requestConnection struct {
	MessageId         string    `json:"MessageId,omitempty"`
	AuthenticatedData jsonb.Raw `json:"AuthenticatedData,omitempty"`
	ClientNonce       []byte    `json:"ClientNonce,omitempty"`
	AccountAddress    string    `json:"AccountAddress,omitempty"`
}

func (*requestConnection) Tag() string { return "RequestConnection" }

type respondConnection struct {
	MessageId string `json:"MessageId,omitempty"`
	Result    string `json:"Result,omitempty"`
}

func (*respondConnection) Tag() string { return "RespondConnection" }

// TestConnectComplete runs F4a steps 3-4 and 8: Connect appends an
// AcknowledgeConnection with the witness to the account's Inbound spool;
// Complete answers NotFound until a RespondConnection is in MMM_Local.
func TestConnectComplete(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")

	ds, _ := profile.NewDevice(nil)
	devEnv, err := ds.SignedProfile("phone", nil)
	if err != nil {
		t.Fatal(err)
	}
	auth, _ := ds.BaseAuthentication()
	cred, err := protocol.NewDeviceCredential("alice@example.com", devEnv, auth)
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, 16)
	rand.Read(nonce)
	sig, _ := ds.BaseSignature()
	rcEnv, err := profile.Seal(&requestConnection{AuthenticatedData: devEnv, ClientNonce: nonce, AccountAddress: "alice@example.com"},
		&profile.SealOptions{Signers: []keys.Signer{sig}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Connect(ctx, cred, &protocol.ConnectRequest{EnvelopedRequestConnection: rcEnv})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	var ack struct {
		MessageId   string `json:"MessageId"`
		ServerNonce []byte `json:"ServerNonce"`
		Witness     string `json:"Witness"`
	}
	if _, err := profile.OpenAs(resp.EnvelopedAcknowledgeConnection, nil, "AcknowledgeConnection", &ack); err != nil {
		t.Fatal(err)
	}
	// The device recomputes the witness (F4a step 5).
	pu, _ := profile.VerifyProfileUser(resp.EnvelopedProfileAccount)
	ak, _ := pu.ProfileSignature.PublicKey()
	dk, _ := ds.ProfileKey()
	want, err := udf.ConnectionWitness(ak.UDFBytes(), ack.ServerNonce, dk.Public().UDFBytes(), nonce)
	if err != nil || ack.Witness != want || ack.MessageId != want {
		t.Fatalf("witness %q, recomputed %q (%v)", ack.Witness, want, err)
	}
	st, _ := c.Status(ctx, a.cred, &protocol.StatusRequest{Spools: []string{protocol.SpoolInbound}})
	if len(st.ContainerStatus) != 1 || st.ContainerStatus[0].Index != 1 {
		t.Errorf("Inbound after Connect = %+v", st.ContainerStatus)
	}

	responseID, _ := udf.ResponseID(ack.MessageId)
	complete := &protocol.CompleteRequest{AccountAddress: "alice@example.com", ResponseID: responseID}
	if _, err := c.Complete(ctx, cred, complete); !errors.Is(err, protocol.ErrNotFound) {
		t.Fatalf("Complete before the answer: %v, want ErrNotFound", err)
	}
	envID, _ := udf.EnvelopeID(responseID)
	enc, _ := ds.BaseEncryption() // Complete returns only an answer encrypted to the asking device
	answer, err := profile.Seal(&respondConnection{MessageId: responseID, Result: "Accept"},
		&profile.SealOptions{EnvelopeID: envID, Recipients: []keys.PublicKey{enc.Public()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Transact(ctx, a.cred, &protocol.TransactRequest{Local: []jsonb.Raw{answer}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Complete(ctx, cred, complete)
	if err != nil || len(got.EnvelopedRespondConnection) == 0 {
		t.Fatalf("Complete after the answer: %v", err)
	}

	// A connection request for another device is refused.
	other, _ := profile.NewDevice(nil)
	otherEnv, _ := other.SignedProfile("", nil)
	rc2, _ := profile.Seal(&requestConnection{AuthenticatedData: otherEnv, ClientNonce: nonce, AccountAddress: "alice@example.com"}, nil)
	if _, err := c.Connect(ctx, cred, &protocol.ConnectRequest{EnvelopedRequestConnection: rc2}); !errors.Is(err, protocol.ErrNotAuthorized) {
		t.Errorf("Connect for another device: %v, want ErrNotAuthorized", err)
	}
	// Oversize messages are refused with TooLarge.
	big := make([]byte, protocol.MaxMessageBytes+1)
	if _, err := c.Transact(ctx, a.cred, &protocol.TransactRequest{Local: []jsonb.Raw{mustSeal(t, big)}}); !errors.Is(err, protocol.ErrTooLarge) {
		t.Errorf("oversize Local message: %v, want ErrTooLarge", err)
	}
}

func mustSeal(t *testing.T, payload []byte) []byte {
	t.Helper()
	env, err := dare.Seal(payload, &dare.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return env
}
