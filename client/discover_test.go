package client

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeResolver answers SRV and TXT queries from maps; a missing name is
// NXDOMAIN, like the real resolver.
type fakeResolver struct {
	srv     map[string][]*net.SRV
	txt     map[string][]string
	srvErr  error
	queries []string
}

func (f *fakeResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	q := "_" + service + "._" + proto + "." + name
	f.queries = append(f.queries, "SRV "+q)
	if f.srvErr != nil {
		return "", nil, f.srvErr
	}
	r, ok := f.srv[q]
	if !ok {
		return "", nil, &net.DNSError{Err: "no such host", Name: q, IsNotFound: true}
	}
	return q, r, nil
}

func (f *fakeResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	f.queries = append(f.queries, "TXT "+name)
	r, ok := f.txt[name]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return r, nil
}

func TestDiscoveryPrecedence(t *testing.T) {
	res := &fakeResolver{srv: map[string][]*net.SRV{
		"_mmm._tcp.example.com": {{Target: "host1.example.com.", Port: 443, Priority: 1, Weight: 1}},
	}}
	tests := []struct {
		name string
		d    Discovery
		want []Endpoint
	}{
		{"flag beats env and DNS", Discovery{Override: "http://127.0.0.1:9", Env: "http://127.0.0.2:9", Resolver: res},
			[]Endpoint{{URL: "http://127.0.0.1:9/.well-known/mmm/", Source: "--service"}}},
		{"env beats DNS", Discovery{Env: "https://svc.example.net/.well-known/mmm/1-1", Resolver: res},
			[]Endpoint{{URL: "https://svc.example.net/.well-known/mmm/1-1/", Source: "MESH_SERVICE"}}},
		{"SRV", Discovery{Resolver: res},
			[]Endpoint{{URL: "https://host1.example.com:443/.well-known/mmm/", Source: "SRV"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.d.Endpoints(context.Background(), "Alice@Example.COM")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("endpoints (-want +got):\n%s", d)
			}
		})
	}
}

func TestDiscoveryFallbackAndPin(t *testing.T) {
	res := &fakeResolver{txt: map[string][]string{
		"_mmm._tcp.example.org": {"v=other", "udf=MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP"},
	}}
	got, err := (&Discovery{Resolver: res}).Endpoints(context.Background(), "bob@example.org")
	if err != nil {
		t.Fatal(err)
	}
	want := []Endpoint{{URL: "https://mmm.example.org/.well-known/mmm/", ServiceUDF: "MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP", Source: "fallback"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("endpoints (-want +got):\n%s", d)
	}
	if want := []string{"TXT _mmm._tcp.example.org", "SRV _mmm._tcp.example.org"}; !cmp.Equal(want, res.queries) {
		t.Errorf("queries %v, want %v", res.queries, want)
	}
}

func TestDiscoveryErrors(t *testing.T) {
	tests := []struct {
		name, address string
		d             Discovery
		want          string
	}{
		{"no at", "alice", Discovery{}, "not an account address"},
		{"empty domain", "alice@", Discovery{}, "not an account address"},
		{"bad char", "alice@exa_mple.com", Discovery{}, "invalid character '_' at position 9"},
		{"empty label", "alice@example..com", Discovery{}, "empty label"},
		{"bad scheme", "alice@example.com", Discovery{Override: "ftp://x/"}, "scheme must be http or https"},
		{"env no host", "alice@example.com", Discovery{Env: "http:///x"}, "has no host (from MESH_SERVICE)"},
		{"dns failure", "alice@example.com", Discovery{Resolver: &fakeResolver{srvErr: &net.DNSError{Err: "server misbehaving", IsTemporary: true}}}, "server misbehaving"},
		{"decidedly absent", "alice@example.com", Discovery{Resolver: &fakeResolver{srv: map[string][]*net.SRV{
			"_mmm._tcp.example.com": {{Target: ".", Port: 0}}}}}, "runs no Mesh service"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.d.Endpoints(context.Background(), tc.address)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestOrderSRV checks RFC 2782 ordering with a scripted random source.
func TestOrderSRV(t *testing.T) {
	srvs := []*net.SRV{
		{Target: "c", Priority: 20, Weight: 5},
		{Target: "a", Priority: 10, Weight: 60},
		{Target: "z", Priority: 10, Weight: 0},
		{Target: "b", Priority: 10, Weight: 40},
	}
	// Within priority 10 the running sums are z:0, a:60, b:100. A draw of
	// 61 picks b; then (z:0, a:60) a draw of 0 picks z; then a; then c,
	// alone at priority 20.
	draws := []int{61, 0, 0, 0}
	var bounds []int
	intn := func(n int) int {
		bounds = append(bounds, n)
		v := draws[0]
		draws = draws[1:]
		return v
	}
	var got []string
	for _, s := range OrderSRV(srvs, intn) {
		got = append(got, s.Target)
	}
	if want := []string{"b", "z", "a", "c"}; !cmp.Equal(want, got) {
		t.Errorf("order %v, want %v", got, want)
	}
	if want := []int{101, 61, 61, 6}; !cmp.Equal(want, bounds) {
		t.Errorf("intn bounds %v, want %v", bounds, want)
	}
}

// TestOrderSRVDistribution checks that the weighted pick follows the
// weights: with weights 3 and 1, the first choice is the heavy record about
// three times in four.
func TestOrderSRVDistribution(t *testing.T) {
	srvs := []*net.SRV{{Target: "light", Weight: 1}, {Target: "heavy", Weight: 3}}
	heavy := 0
	const n = 4000
	for i := 0; i < n; i++ {
		if OrderSRV(srvs, nil2rand(i))[0].Target == "heavy" {
			heavy++
		}
	}
	// r is uniform in [0,4]: light wins for r <= 1 (2 of 5), heavy for 2..4.
	if heavy < n*55/100 || heavy > n*65/100 {
		t.Errorf("heavy first %d of %d times, want about 60%%", heavy, n)
	}
}

// nil2rand is a deterministic uniform source for the distribution test.
func nil2rand(seed int) func(int) int {
	x := uint64(seed)*0x9E3779B97F4A7C15 + 1
	return func(n int) int {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return int(x % uint64(n))
	}
}

// TestDiscoverLoopback discovers a real loopback HTTPS server through SRV
// records: the first target (priority 1) refuses connections, so the
// client falls over to the second, which answers.
func TestDiscoverLoopback(t *testing.T) {
	var hits int
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != WellKnownPath || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		hits++
		fmt.Fprint(w, `{"MeshHelloResponse":{}}`)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	_, port, _ := net.SplitHostPort(u.Host)
	var livePort uint16
	fmt.Sscan(port, &livePort)

	// A port nobody listens on: bind and close.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadPort := uint16(l.Addr().(*net.TCPAddr).Port)
	l.Close()

	res := &fakeResolver{srv: map[string][]*net.SRV{"_mmm._tcp.example.com": {
		{Target: "127.0.0.1.", Port: livePort, Priority: 2, Weight: 1},
		{Target: "127.0.0.1.", Port: deadPort, Priority: 1, Weight: 1},
	}}}
	eps, err := (&Discovery{Resolver: res}).Endpoints(context.Background(), "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 2 || !strings.Contains(eps[0].URL, fmt.Sprint(":", deadPort, "/")) {
		t.Fatalf("endpoints %+v: the priority-1 target must come first", eps)
	}
	hc := srv.Client()
	probe := func(ctx context.Context, ep Endpoint) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, strings.NewReader(`{"Hello":{}}`))
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return nil
	}
	got, err := FirstReachable(context.Background(), eps, probe)
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != eps[1].URL || hits != 1 {
		t.Errorf("reached %s after %d hits, want %s after 1", got.URL, hits, eps[1].URL)
	}

	// With only the dead target, the error names it.
	_, err = FirstReachable(context.Background(), eps[:1], probe)
	if err == nil || !strings.Contains(err.Error(), eps[0].URL) || !strings.Contains(err.Error(), "SRV") {
		t.Errorf("error %v, want one naming %s", err, eps[0].URL)
	}
}
