package service_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
)

// recorder is a RoundTripper that keeps a copy of the last Transact.
type recorder struct {
	host   string
	header http.Header
	body   []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(string(body), `{"Transact"`) {
		r.host, r.header, r.body = req.URL.Host, req.Header.Clone(), body
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(req)
}

// TestReplayAfterRestart: finding 4. A Transact captured on the wire is
// refused when replayed, before and after a restart of the service.
func TestReplayAfterRestart(t *testing.T) {
	srv := servicetest.Start(t, nil)
	c := srv.Client(t)
	a := bind(t, srv, c, "alice@example.com")
	rec := &recorder{}
	vc, err := protocol.NewClient(srv.URL, &protocol.ClientOptions{ServiceUDF: srv.Service.UDF(),
		HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		t.Fatal(err)
	}
	transact(t, vc, a.cred, "MMM_Bookmark", entry(t, "pay bob 10"))
	if rec.body == nil {
		t.Fatal("the Transact was not recorded")
	}
	replay := func(url string) int {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(rec.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = rec.header.Clone()
		req.Host = rec.host // the host the client MAC'd, whatever port serves now
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := replay(srv.URL); code != http.StatusUnauthorized {
		t.Fatalf("replay before restart: HTTP %d, want 401", code)
	}
	dir := srv.Dir
	srv.Close()
	srv2 := servicetest.Start(t, &servicetest.Options{DataDir: dir})
	if code := replay(srv2.URL); code != http.StatusUnauthorized {
		t.Errorf("replay after restart: HTTP %d, want 401", code)
	}
	c2 := srv2.Client(t)
	st, err := c2.Status(ctx, a.cred, &protocol.StatusRequest{})
	if err != nil {
		t.Fatalf("a fresh request after the restart: %v", err)
	}
	for _, cs := range st.ContainerStatus {
		if cs.Container == "MMM_Bookmark" && cs.Index != 1 {
			t.Errorf("MMM_Bookmark holds %d entries, want 1", cs.Index)
		}
	}
}
