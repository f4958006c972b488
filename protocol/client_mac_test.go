package protocol_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
)

// boundAccount binds a fresh account and returns its account key credential.
func boundAccount(t *testing.T, srv *servicetest.Server) *protocol.Credential {
	t.Helper()
	sec, err := profile.NewAccount(nil)
	if err != nil {
		t.Fatal(err)
	}
	env, err := sec.SignedProfileUser("alice@example.com", srv.Service.UDF(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := sec.CommonAuthentication()
	if err != nil {
		t.Fatal(err)
	}
	cred, err := protocol.NewAccountCredential(sec.UDF(), ca)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client(t).BindAccount(context.Background(), cred, &protocol.BindRequest{
		AccountAddress: "alice@example.com", EnvelopedProfileAccount: env}); err != nil {
		t.Fatal(err)
	}
	return cred
}

// mitm forwards every request to the service except the authenticated
// Status, which it answers itself with status and body and no Mesh-Mac.
func mitm(t *testing.T, target string, status int, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, _ := io.ReadAll(r.Body)
		if bytes.HasPrefix(in, []byte(`{"Status"`)) && r.Header.Get(protocol.HeaderMAC) != "" {
			w.Header().Set("Content-Type", protocol.ContentType)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
			return
		}
		req, _ := http.NewRequest(r.Method, target, bytes.NewReader(in))
		req.Header = r.Header.Clone()
		req.Host = r.Host
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestUnauthenticatedAnswers is the regression test of the forged-answer
// finding of the security review (/tmp/review/mitm_test.go): an answer to
// an authenticated request without a Mesh-Mac is accepted only as a bare
// error response whose status matches the HTTP status class, and never
// decoded into the caller's response.
func TestUnauthenticatedAnswers(t *testing.T) {
	ctx := context.Background()
	srv := servicetest.Start(t, nil)
	cred := boundAccount(t, srv)
	success := `{"StatusResponse":{"Status":201,"ContainerStatus":[{"Container":"MMM_Inbound","Index":999,"Digest":"AAAA"}]}}`
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		wantError protocol.MeshServerStatus // 0: must be refused as unauthenticated
	}{
		{"success body, HTTP 500", 500, success, 0},
		{"success body, HTTP 401", 401, success, 0},
		{"success body, HTTP 200", 200, success, 0},
		{"error body with success status", 500, `{"MeshResponse":{"Status":200}}`, 0},
		{"error body, class mismatch", 500, `{"MeshResponse":{"Status":404,"StatusExtended":6}}`, 0},
		{"not JSON", 502, `<html>bad gateway</html>`, 0},
		{"bare refusal", 401, `{"MeshResponse":{"Status":401,"StatusExtended":2,"StatusDescription":"NotAuthorized: x"}}`, protocol.StatusNotAuthorized},
	} {
		m := mitm(t, srv.URL, tc.status, tc.body)
		c, err := protocol.NewClient(m.URL+protocol.WellKnownPath, &protocol.ClientOptions{ServiceUDF: srv.Service.UDF()})
		if err != nil {
			t.Fatal(err)
		}
		st, err := c.Status(ctx, cred, &protocol.StatusRequest{})
		var pe *protocol.Error
		switch {
		case err == nil:
			t.Errorf("%s: forged answer accepted: %+v", tc.name, st.ContainerStatus)
		case tc.wantError == 0 && errors.As(err, &pe):
			t.Errorf("%s: forged answer decoded as a service refusal: %v", tc.name, err)
		case tc.wantError == 0 && !strings.Contains(err.Error(), "Mesh-Mac"):
			t.Errorf("%s: error %q does not say the answer is unauthenticated", tc.name, err)
		case tc.wantError != 0 && (!errors.As(err, &pe) || pe.Extended != tc.wantError):
			t.Errorf("%s: got %v, want a %s refusal", tc.name, err, tc.wantError)
		}
	}
}

// TestRealRefusalWithoutMAC: a refusal the service cannot authenticate (a
// request timestamp outside the window) still reaches the caller as a
// service refusal.
func TestRealRefusalWithoutMAC(t *testing.T) {
	srv := servicetest.Start(t, nil)
	cred := boundAccount(t, srv)
	c, err := protocol.NewClient(srv.URL, &protocol.ClientOptions{ServiceUDF: srv.Service.UDF(),
		Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Status(context.Background(), cred, &protocol.StatusRequest{})
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Extended != protocol.StatusNotAuthorized {
		t.Fatalf("got %v, want a NotAuthorized refusal", err)
	}
}

// TestNoRedirects: the client does not follow a redirect.
func TestNoRedirects(t *testing.T) {
	srv := servicetest.Start(t, nil)
	followed := false
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed = true }))
	t.Cleanup(other.Close)
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+protocol.WellKnownPath, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redir.Close)
	for _, hc := range []*http.Client{nil, {}} {
		c, err := protocol.NewClient(redir.URL, &protocol.ClientOptions{HTTPClient: hc, ServiceUDF: srv.Service.UDF()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Hello(context.Background(), nil); err == nil {
			t.Error("Hello through a redirect succeeded")
		}
	}
	if followed {
		t.Error("the client followed the redirect")
	}
}
