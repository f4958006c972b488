package sdk_test

import (
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"
	"github.com/mathmesh/mesh/sdk"
	pluginv1 "github.com/mathmesh/mesh/sdk/proto/mesh/plugin/v1"
	"github.com/mathmesh/mesh/sdk/sdktest"
	"google.golang.org/grpc"
)

// hostOver returns a plugin-side Host connected in-process to agent.
func hostOver(t *testing.T, agent sdk.HostBackend) (sdk.Host, *grpc.ClientConn) {
	t.Helper()
	conn, srv := plugin.TestGRPCConn(t, func(s *grpc.Server) { sdk.RegisterHostServices(s, agent) })
	t.Cleanup(func() { _ = conn.Close(); srv.Stop() })
	return sdk.NewHost(conn), conn
}

func openChan(t *testing.T, host sdk.Host) sdk.Channel {
	t.Helper()
	ch, err := host.Keys().Open(t.Context(), sdk.ChannelOpen{Endpoint: "ssh-agent"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.Close() })
	return ch
}

func TestChannelSchemes(t *testing.T) {
	agent := sdktest.NewFakeAgent()
	host, _ := hostOver(t, agent)
	ch := openChan(t, host)
	digest := sha256.Sum256([]byte("message"))

	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecInfo, _ := agent.AddKey(ec, []string{"cms-sign"}, "")
	s, err := ch.Signer(ecInfo, "cms-sign")
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.Sign(nil, digest[:], crypto.SHA256)
	if err != nil || !ecdsa.VerifyASN1(&ec.PublicKey, digest[:], sig) {
		t.Fatalf("ecdsa: %v", err)
	}

	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	rInfo, _ := agent.AddKey(rk, []string{"cms-sign", "cms-decrypt"}, "")
	rs, _ := ch.Signer(rInfo, "cms-sign")
	sig, err = rs.Sign(nil, digest[:], crypto.SHA256)
	if err != nil || rsa.VerifyPKCS1v15(&rk.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		t.Fatalf("rsa pkcs1: %v", err)
	}
	sig, err = rs.Sign(nil, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256})
	if err != nil || rsa.VerifyPSS(&rk.PublicKey, crypto.SHA256, digest[:], sig, nil) != nil {
		t.Fatalf("rsa pss: %v", err)
	}
	ct, _ := rsa.EncryptOAEP(sha256.New(), rand.Reader, &rk.PublicKey, []byte("content key"), nil)
	dec, _ := ch.Decrypter(rInfo, "cms-decrypt")
	pt, err := dec.Decrypt(nil, ct, &rsa.OAEPOptions{Hash: crypto.SHA256})
	if err != nil || string(pt) != "content key" {
		t.Fatalf("rsa oaep: %q %v", pt, err)
	}

	xk, _ := ecdh.X25519().GenerateKey(rand.Reader)
	xInfo, _ := agent.AddKey(xk, []string{"openpgp-decrypt"}, "")
	peer, _ := ecdh.X25519().GenerateKey(rand.Reader)
	shared, err := ch.Agree(t.Context(), sdk.AgreeRequest{Handle: xInfo.Handle, PeerPublic: peer.PublicKey().Bytes(), Purpose: "openpgp-decrypt"})
	want, _ := peer.ECDH(xk.PublicKey())
	if err != nil || string(shared) != string(want) {
		t.Fatalf("x25519 agree: %v", err)
	}
}

func TestChannelRefusals(t *testing.T) {
	agent := sdktest.NewFakeAgent()
	host, _ := hostOver(t, agent)
	ch := openChan(t, host)
	k, _ := agent.AddKey(newKey(t), []string{"ssh-auth"}, "")
	foreign, _ := agent.AddForeignKey(newKey(t), []string{"ssh-auth"})
	sign := func(handle, purpose string, input []byte) error {
		_, err := ch.Sign(t.Context(), sdk.SignRequest{Handle: handle, Input: input, InputKind: sdk.InputMessage,
			Scheme: sdk.SchemeEd25519, Purpose: purpose})
		return err
	}
	if err := sign(foreign.Handle, "ssh-auth", []byte("x")); !errors.Is(err, sdk.ErrUnknownKey) {
		t.Errorf("foreign handle: %v", err)
	}
	if err := sign(k.Handle, "cms-sign", []byte("x")); !errors.Is(err, sdk.ErrDenied) {
		t.Errorf("wrong purpose: %v", err)
	}
	if err := sign(k.Handle, "ssh-auth", make([]byte, sdk.MaxKeyInputBytes+1)); !errors.Is(err, sdk.ErrInvalid) {
		t.Errorf("oversized input: %v", err)
	}
	if _, err := ch.Signer(k, "cms-sign"); !errors.Is(err, sdk.ErrInvalid) {
		t.Errorf("signer for a purpose the key lacks: %v", err)
	}
	agent.SetLocked(true)
	if err := sign(k.Handle, "ssh-auth", []byte("x")); !errors.Is(err, sdk.ErrLocked) {
		t.Errorf("locked: %v", err)
	}
	if _, err := host.Keys().Open(t.Context(), sdk.ChannelOpen{}); !errors.Is(err, sdk.ErrLocked) {
		t.Errorf("open while locked: %v", err)
	}
	agent.SetLocked(false)
	if err := ch.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sign(k.Handle, "ssh-auth", []byte("x")); !errors.Is(err, sdk.ErrUnavailable) {
		t.Errorf("sign on a closed channel: %v", err)
	}
}

func TestChannelConfirmDenied(t *testing.T) {
	agent := sdktest.NewFakeAgent()
	host, _ := hostOver(t, agent)
	ch := openChan(t, host)
	pk, _ := x509PKCS8(newKey(t))
	k, err := host.Keys().ImportVolatile(t.Context(), sdk.VolatileKey{PKCS8: pk, Purposes: []string{"ssh-auth"},
		Constraints: sdk.Constraints{Confirm: true}, Comment: "ssh-add -c"})
	if err != nil {
		t.Fatal(err)
	}
	agent.SetApprover(func(sdk.Prompt) (sdk.Decision, error) { return sdk.Decision{Allow: false}, nil })
	_, err = ch.Sign(t.Context(), sdk.SignRequest{Handle: k.Handle, Input: []byte("x"), InputKind: sdk.InputMessage,
		Scheme: sdk.SchemeEd25519, Purpose: "ssh-auth"})
	if !errors.Is(err, sdk.ErrDenied) {
		t.Fatalf("denied prompt: %v", err)
	}
	if n := len(agent.Prompts()); n != 1 {
		t.Fatalf("%d prompts, want 1", n)
	}
	for _, b := range pk {
		if b != 0 {
			t.Fatal("ImportVolatile left the PKCS#8 bytes in the caller's buffer")
		}
	}
}

type blockingOps struct{}

func (blockingOps) Sign(ctx context.Context, _ sdk.SignRequest) ([]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
func (blockingOps) Decrypt(context.Context, sdk.DecryptRequest) ([]byte, error) { return nil, nil }
func (blockingOps) Agree(context.Context, sdk.AgreeRequest) ([]byte, error)     { return nil, nil }
func (blockingOps) UpdateContext(context.Context, sdk.ClientContext) error      { return nil }
func (blockingOps) Close() error                                                { return nil }

type blockingAgent struct{ *sdktest.FakeAgent }

func (blockingAgent) OpenChannel(context.Context, sdk.ChannelOpen) (sdk.KeyOps, error) {
	return blockingOps{}, nil
}

func TestChannelDeadlineAndConcurrency(t *testing.T) {
	host, _ := hostOver(t, blockingAgent{sdktest.NewFakeAgent()})
	ch := openChan(t, host)
	var wg sync.WaitGroup
	start := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
			defer cancel()
			_, err := ch.Sign(ctx, sdk.SignRequest{Handle: "kh_x", Input: []byte("x")})
			if !errors.Is(err, sdk.ErrTimeout) {
				t.Errorf("hung agent: %v, want ErrTimeout", err)
			}
		}()
	}
	wg.Wait()
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("8 concurrent timed-out operations took %v", took)
	}
}

func TestChannelMalformedStream(t *testing.T) {
	_, conn := hostOver(t, sdktest.NewFakeAgent())
	keys := pluginv1.NewKeysServiceClient(conn)
	for name, first := range map[string]*pluginv1.OpenRequest{
		"no open":     {Id: 0, Op: &pluginv1.OpenRequest_Sign{Sign: &pluginv1.SignOp{}}},
		"open id 5":   {Id: 5, Op: &pluginv1.OpenRequest_Open{Open: &pluginv1.ChannelOpen{}}},
		"empty oneof": {Id: 0},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := keys.Open(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(first); err != nil {
				t.Fatal(err)
			}
			_, err = s.Recv()
			if !errors.Is(sdk.FromStatus(err), sdk.ErrInvalid) {
				t.Fatalf("malformed channel start: %v, want ErrInvalid", err)
			}
		})
	}
	t.Run("op after open with id 0 and oversized input", func(t *testing.T) {
		s, _ := keys.Open(t.Context())
		_ = s.Send(&pluginv1.OpenRequest{Op: &pluginv1.OpenRequest_Open{Open: &pluginv1.ChannelOpen{}}})
		if r, err := s.Recv(); err != nil || r.Error != nil {
			t.Fatalf("open: %v %v", r, err)
		}
		_ = s.Send(&pluginv1.OpenRequest{Id: 1, Op: &pluginv1.OpenRequest_Sign{Sign: &pluginv1.SignOp{Input: make([]byte, sdk.MaxKeyInputBytes+1)}}})
		r, err := s.Recv()
		if err != nil || r.Id != 1 || r.Error.GetCode() != sdk.CodeInvalid {
			t.Fatalf("oversized sign: %v %v", r, err)
		}
		_ = s.Send(&pluginv1.OpenRequest{Id: 2})
		r, err = s.Recv()
		if err != nil || r.Id != 2 || r.Error.GetCode() != sdk.CodeInvalid {
			t.Fatalf("empty op: %v %v", r, err)
		}
	})
	t.Run("message over the gRPC limit", func(t *testing.T) {
		s, _ := keys.Open(t.Context())
		_ = s.Send(&pluginv1.OpenRequest{Op: &pluginv1.OpenRequest_Open{Open: &pluginv1.ChannelOpen{Endpoint: string(make([]byte, sdk.MaxMessageBytes+10))}}})
		_, err := s.Recv()
		if !errors.Is(sdk.FromStatus(err), sdk.ErrInvalid) {
			t.Fatalf("oversized message: %v, want ErrInvalid", err)
		}
	})
}
