package spool

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

type messageVectors struct {
	Golden []struct{ ID, JSON string } `json:"golden"`
	Pin    []struct {
		ID, Pin, Account, Action, Salted string
		PinID                            string `json:"pinId"`
	} `json:"pin"`
}

func loadVectors(t testing.TB) messageVectors {
	t.Helper()
	data, err := os.ReadFile("testdata/messages.json")
	if err != nil {
		t.Fatal(err)
	}
	var v messageVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMessageVectors(t *testing.T) {
	v := loadVectors(t)
	for _, g := range v.Golden {
		t.Run(g.ID, func(t *testing.T) {
			tag, inner, err := jsonb.ReadTag([]byte(g.JSON))
			if err != nil {
				t.Fatal(err)
			}
			msg, ok := newMessage(tag)
			if !ok {
				t.Fatalf("unknown tag %s", tag)
			}
			if err := jsonb.Unmarshal(inner, msg); err != nil {
				t.Fatal(err)
			}
			out, err := jsonb.MarshalTagged(tag, msg, jsonb.JSON)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != g.JSON {
				t.Errorf("re-encoded\n got %s\nwant %s", out, g.JSON)
			}
		})
	}
	for _, p := range v.Pin {
		t.Run(p.ID, func(t *testing.T) {
			m, err := NewMessagePin(p.Pin, p.Account, p.Action, []string{profile.RoleWeb}, time.Now().Add(time.Hour), true)
			if err != nil {
				t.Fatal(err)
			}
			if m.SaltedPin != p.Salted || m.MessageId != p.PinID {
				t.Errorf("salted %s id %s, want %s %s", m.SaltedPin, m.MessageId, p.Salted, p.PinID)
			}
		})
	}
}

type actors struct {
	acct    *profile.AccountSecrets
	user    *profile.ProfileUser
	dev     *profile.DeviceSecrets
	devEnv  []byte
	devProf *profile.ProfileDevice
}

func newActors(t *testing.T) *actors {
	t.Helper()
	acct, err := profile.AccountFromSeed(udf.Seed(udf.MeshProfileAccount, make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	user, _ := acct.ProfileUser("alice@example.com", "")
	dev, _ := profile.DeviceFromSeed(udf.Seed(udf.MeshProfileDevice, []byte("0123456789abcdef0123456789abcdef")))
	env, err := dev.SignedProfile("", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := dev.ProfileDevice("")
	return &actors{acct: acct, user: user, dev: dev, devEnv: env, devProf: p}
}

// TestConnectionFlow runs protocol.md F4b with the message types: PIN
// registration, PIN-authenticated request, acknowledgement with witness,
// validation, response and completion markers in the spools.
func TestConnectionFlow(t *testing.T) {
	a := newActors(t)
	pin, err := udf.AuthenticationKey(rand.Reader, 120)
	if err != nil {
		t.Fatal(err)
	}
	pinMsg, err := NewMessagePin(pin, "alice@example.com", ActionDevice, []string{profile.RoleWeb}, time.Now().Add(24*time.Hour), true)
	if err != nil {
		t.Fatal(err)
	}
	localKey, _ := a.acct.StoreKey(profile.StoreLocal)
	ring := &dare.Keyring{Private: []keys.PrivateKey{localKey}}
	local, err := OpenSpool(&catalog.MemoryStore{}, profile.StoreLocal, ring)
	if err != nil {
		t.Fatal(err)
	}
	pinEnv, err := Seal(pinMsg, &profile.SealOptions{Recipients: []keys.PublicKey{localKey.Public()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := local.Append(pinEnv); err != nil {
		t.Fatal(err)
	}

	// Device: request with the PIN.
	req, err := NewRequestConnection("alice@example.com", a.devEnv, pin, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqEnv, err := Seal(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Service: acknowledge.
	ack, _, err := Acknowledge(reqEnv, a.user, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ack.CheckWitness(a.user); err != nil {
		t.Fatal(err)
	}
	// Admin: find the PIN by PinId, validate, accept.
	got, _, err := ack.Request()
	if err != nil {
		t.Fatal(err)
	}
	it := local.ByMessageID(got.PinId)
	if it == nil {
		t.Fatal("PIN registration not found by PinId")
	}
	m, _, err := local.Open(it)
	if err != nil {
		t.Fatal(err)
	}
	reg := m.(*MessagePin)
	if err := ValidatePin(reg, local.Status(reg.MessageId) == RelationshipClosed, &got.MessagePinValidated, "alice@example.com", time.Now()); err != nil {
		t.Fatal(err)
	}
	conn, err := a.acct.ConnectDevice(a.devProf, reg.Roles, nil)
	if err != nil {
		t.Fatal(err)
	}
	userEnv, _ := a.acct.SignedProfileUser("alice@example.com", "", nil)
	cd := catalog.NewCatalogedDevice(a.acct.UDF(), userEnv, a.devEnv, conn)
	resp, err := NewRespondConnection(ack, ResultAccept, cd)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := publicBase(a.devProf)
	respEnv, err := Seal(resp, &profile.SealOptions{Recipients: []keys.PublicKey{base}})
	if err != nil {
		t.Fatal(err)
	}
	closed, err := Complete(RelationshipClosed, reg.MessageId)
	if err != nil {
		t.Fatal(err)
	}
	closedEnv, err := Seal(closed, &profile.SealOptions{Recipients: []keys.PublicKey{localKey.Public()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := local.Append(respEnv, closedEnv); err != nil {
		t.Fatal(err)
	}
	if err := ValidatePin(reg, local.Status(reg.MessageId) == RelationshipClosed, &got.MessagePinValidated, "alice@example.com", time.Now()); !errors.Is(err, ErrPinUsed) {
		t.Errorf("reused PIN: err = %v, want ErrPinUsed", err)
	}
	// Device: find the response by ResponseId, decrypt with its base key, accept.
	rid, _ := udf.ResponseID(ack.MessageId)
	rit := local.ByMessageID(rid)
	if rit == nil {
		t.Fatal("response not found by ResponseId")
	}
	baseKey, _ := a.dev.BaseEncryption()
	msg, _, err := Open(rit.Envelope, &dare.Keyring{Private: []keys.PrivateKey{baseKey}})
	if err != nil {
		t.Fatal(err)
	}
	rc := msg.(*RespondConnection)
	if rc.Result != ResultAccept {
		t.Fatalf("result %s", rc.Result)
	}
	if _, err := a.dev.Accept(a.user, rc.CatalogedDevice.Envelopes()); err != nil {
		t.Fatal(err)
	}
}

func publicBase(p *profile.ProfileDevice) (keys.PublicKey, error) { return p.Encryption.PublicKey() }

func TestValidatePinFailures(t *testing.T) {
	a := newActors(t)
	pin, _ := udf.AuthenticationKey(rand.Reader, 120)
	reg, _ := NewMessagePin(pin, "alice@example.com", ActionDevice, []string{profile.RoleWeb}, time.Now().Add(time.Hour), true)
	req, _ := NewRequestConnection("alice@example.com", a.devEnv, pin, nil)
	otherPin, _ := udf.AuthenticationKey(rand.Reader, 120)
	wrong, _ := NewRequestConnection("alice@example.com", a.devEnv, otherPin, nil)
	forged := *req
	forged.PinWitness = append([]byte(nil), req.PinWitness...)
	forged.PinWitness[0] ^= 1
	tests := []struct {
		name   string
		msg    *MessagePinValidated
		now    time.Time
		closed bool
		want   error
	}{
		{"ok", &req.MessagePinValidated, time.Now(), false, nil},
		{"wrong PIN", &wrong.MessagePinValidated, time.Now(), false, ErrPinInvalid},
		{"forged witness", &forged.MessagePinValidated, time.Now(), false, ErrPinInvalid},
		{"expired", &req.MessagePinValidated, time.Now().Add(2 * time.Hour), false, ErrPinExpired},
		{"used", &req.MessagePinValidated, time.Now(), true, ErrPinUsed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePin(reg, tt.closed, tt.msg, "alice@example.com", tt.now)
			if !errors.Is(err, tt.want) && !(tt.want == nil && err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestWitnessMismatch(t *testing.T) {
	a := newActors(t)
	req, _ := NewRequestConnection("alice@example.com", a.devEnv, "", nil)
	reqEnv, _ := Seal(req, nil)
	ack, _, err := Acknowledge(reqEnv, a.user, nil)
	if err != nil {
		t.Fatal(err)
	}
	ack.ServerNonce[0] ^= 1
	if err := ack.CheckWitness(a.user); err == nil || !strings.Contains(err.Error(), "witness") {
		t.Fatalf("err = %v, want a witness mismatch", err)
	}
}

func TestMessageSizeLimit(t *testing.T) {
	big := &MessageError{ErrorCode: strings.Repeat("x", MaxMessageSize)}
	if _, err := Seal(big, nil); err == nil || !strings.Contains(err.Error(), "exceeds the message limit") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzOpen: the message decoder never panics.
func FuzzOpen(f *testing.F) {
	mc, _ := Complete(RelationshipRead, "NDZ4-LGXM-W7JI-6NRH-I2AS-UPUB-QUBL")
	env, err := Seal(mc, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(env)
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, _, err := Open(data, nil)
		if err == nil && msg.Base().MessageId == "" {
			t.Fatal("accepted a message without MessageId")
		}
	})
}
