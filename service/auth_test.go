package service_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
)

// tamper is an http.RoundTripper that lets a test change requests and
// responses on their way, and keeps the last request sent.
type tamper struct {
	req  func(*http.Request, []byte) []byte
	resp func([]byte) []byte
	last *http.Request
	body []byte
}

func (tp *tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	if tp.req != nil {
		body = tp.req(r, body)
	}
	tp.last, tp.body = r.Clone(r.Context()), body
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || tp.resp == nil {
		return resp, err
	}
	rb, _ := io.ReadAll(resp.Body)
	rb = tp.resp(rb)
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(rb)), int64(len(rb))
	resp.Header.Del("Content-Length")
	return resp, nil
}

func tamperedClient(t *testing.T, srv *servicetest.Server, tp *tamper, now func() time.Time) *protocol.Client {
	t.Helper()
	c, err := protocol.NewClient(srv.URL, &protocol.ClientOptions{HTTPClient: &http.Client{Transport: tp},
		ServiceUDF: srv.Service.UDF(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Hello(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAuthenticationRefusals(t *testing.T) {
	srv := servicetest.Start(t, nil)
	a := bind(t, srv, srv.Client(t), "alice@example.com")
	status := &protocol.StatusRequest{}

	t.Run("NoCredential", func(t *testing.T) {
		_, err := srv.Client(t).Status(ctx, nil, status)
		if !errors.Is(err, protocol.ErrNotAuthorized) {
			t.Errorf("Status without credential: %v, want ErrNotAuthorized", err)
		}
	})
	t.Run("AlteredBody", func(t *testing.T) {
		tp := &tamper{}
		c := tamperedClient(t, srv, tp, nil)
		tp.req = func(_ *http.Request, b []byte) []byte {
			return bytes.Replace(b, []byte(`{"Status":{}}`), []byte(`{"Status":{ }}`), 1)
		}
		_, err := c.Status(ctx, a.cred, status)
		if !errors.Is(err, protocol.ErrNotAuthorized) || !strings.Contains(err.Error(), "MAC") {
			t.Errorf("altered body: %v, want a MAC refusal", err)
		}
	})
	t.Run("AlteredHeader", func(t *testing.T) {
		tp := &tamper{}
		c := tamperedClient(t, srv, tp, nil)
		tp.req = func(r *http.Request, b []byte) []byte {
			r.Header.Set(protocol.HeaderAccount, "alice@example.com")
			return b
		}
		if _, err := c.Status(ctx, a.cred, status); !errors.Is(err, protocol.ErrNotAuthorized) {
			t.Errorf("altered Mesh-Account: %v, want ErrNotAuthorized", err)
		}
	})
	t.Run("Replay", func(t *testing.T) {
		tp := &tamper{}
		c := tamperedClient(t, srv, tp, nil)
		if _, err := c.Status(ctx, a.cred, status); err != nil {
			t.Fatalf("Status: %v", err)
		}
		replay, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(tp.body))
		replay.Header = tp.last.Header.Clone()
		resp, err := http.DefaultClient.Do(replay)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !bytes.Contains(body, []byte("replayed")) {
			t.Errorf("replayed request: HTTP %d %s, want 401 replayed", resp.StatusCode, body)
		}
	})
	t.Run("StaleTimestamp", func(t *testing.T) {
		for _, skew := range []time.Duration{-6 * time.Minute, 6 * time.Minute} {
			c := tamperedClient(t, srv, &tamper{}, func() time.Time { return time.Now().Add(skew) })
			_, err := c.Status(ctx, a.cred, status)
			if !errors.Is(err, protocol.ErrNotAuthorized) || !strings.Contains(err.Error(), "timestamp") {
				t.Errorf("timestamp %v off: %v, want a timestamp refusal", skew, err)
			}
		}
	})
	t.Run("WrongKey", func(t *testing.T) {
		k, err := keys.Generate(keys.X448, nil)
		if err != nil {
			t.Fatal(err)
		}
		cred, err := protocol.NewAccountCredential(a.secrets.UDF(), k.(keys.Agreer))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.Client(t).Status(ctx, cred, status); !errors.Is(err, protocol.ErrNotAuthorized) {
			t.Errorf("wrong account key: %v, want ErrNotAuthorized", err)
		}
		// The right credential bytes with a MAC made by another key.
		tp := &tamper{}
		c := tamperedClient(t, srv, tp, nil)
		tp.req = func(r *http.Request, b []byte) []byte {
			r.Header.Set(protocol.HeaderCredential, b64(a.cred.Data()))
			return b
		}
		if _, err := c.Status(ctx, cred, status); !errors.Is(err, protocol.ErrNotAuthorized) {
			t.Errorf("MAC by another key: %v, want ErrNotAuthorized", err)
		}
	})
	t.Run("CrossAccount", func(t *testing.T) {
		// A connection signed by another account's administrator, with an
		// active capability there, claimed for alice.
		b := bind(t, srv, srv.Client(t), "bob@example.com")
		other := connectDevice(t, srv.Client(t), b)
		cross, err := protocol.NewConnectionCredential(a.secrets.UDF(), other.conn.Envelopes.ConnectionService, other.auth)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.Client(t).Status(ctx, cross, status); !errors.Is(err, protocol.ErrNotAuthorized) {
			t.Errorf("bob's device on alice's account: %v, want ErrNotAuthorized", err)
		}
	})
	t.Run("AlteredResponse", func(t *testing.T) {
		tp := &tamper{}
		c := tamperedClient(t, srv, tp, nil)
		tp.resp = func(b []byte) []byte { return bytes.Replace(b, []byte(`"Status":201`), []byte(`"Status":202`), 1) }
		if _, err := c.Status(ctx, a.cred, status); err == nil || !strings.Contains(err.Error(), "response MAC") {
			t.Errorf("altered response: %v, want a response MAC error", err)
		}
	})
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
