package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/mathmesh/mesh/udf"
)

// Service discovery (protocol.md §5; docs/client.md §4). The service of an
// account is, in order of precedence:
//
//  1. the URL given with --service;
//  2. the URL in $MESH_SERVICE;
//  3. the targets of the DNS SRV records _mmm._tcp.<domain>, ordered by
//     priority and, within a priority, picked by weight (RFC 2782), each
//     as https://<target>:<port>/.well-known/mmm/;
//  4. with no SRV records, https://mmm.<domain>/.well-known/mmm/.
//
// A TXT record "udf=<fingerprint>" at _mmm._tcp.<domain> pins the service
// profile that Hello must return.

// WellKnownPath is the HTTP path of the Mesh service (protocol.md §2.1).
const WellKnownPath = "/.well-known/mmm/"

// SRV service and protocol labels of the Mesh service (protocol.md §1).
const (
	srvService = "mmm"
	srvProto   = "tcp"
)

// Resolver is the part of *net.Resolver that discovery uses; tests give a
// fake one.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

var _ Resolver = (*net.Resolver)(nil)

// Endpoint is one place the service may be reached.
type Endpoint struct {
	// URL is the full endpoint, ending in /.well-known/mmm/.
	URL string
	// ServiceUDF is the service profile fingerprint from a DNS TXT "udf="
	// record, or "" when DNS gave none.
	ServiceUDF string
	// Source says where the endpoint came from: "--service", "MESH_SERVICE",
	// "SRV" or "fallback".
	Source string
}

// Discovery finds the service of an account address.
type Discovery struct {
	// Override is the --service URL, if given.
	Override string
	// Env is the value of $MESH_SERVICE, if set.
	Env string
	// Resolver answers DNS queries; nil means net.DefaultResolver.
	Resolver Resolver
	// IntN returns a uniform random number in [0, n) for the weighted pick;
	// nil means math/rand/v2.IntN (the choice is load balancing, not a secret).
	IntN func(n int) int
	// Timeout bounds the DNS queries; zero means 5 seconds.
	Timeout time.Duration
}

// ServiceDomain returns the lower-cased domain of an account address, the
// part after the last '@' (protocol.md §5 step 1).
func ServiceDomain(address string) (string, error) {
	i := strings.LastIndexByte(address, '@')
	if i <= 0 || i == len(address)-1 {
		return "", fmt.Errorf("client: %q is not an account address (expected name@domain)", address)
	}
	if len(address) > udf.MaxStringLength {
		return "", fmt.Errorf("client: account address is %d bytes, more than %d", len(address), udf.MaxStringLength)
	}
	domain := strings.ToLower(address[i+1:])
	for j, c := range domain {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "", fmt.Errorf("client: invalid character %q at position %d of the domain of %q", c, i+1+j, address)
		}
	}
	if strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", fmt.Errorf("client: %q has an empty label in its domain", address)
	}
	return domain, nil
}

// ServiceURL checks and completes a service URL given by the user: the
// scheme must be http or https, and a URL with no path gets the well-known
// path.
func ServiceURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("client: service URL %q: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("client: service URL %q: the scheme must be http or https", s)
	}
	if u.Host == "" {
		return "", fmt.Errorf("client: service URL %q has no host", s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("client: service URL %q may not have user information, a query or a fragment", s)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = WellKnownPath
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// Endpoints returns the candidate endpoints for address, best first.
func (d *Discovery) Endpoints(ctx context.Context, address string) ([]Endpoint, error) {
	if d.Override != "" {
		return single(d.Override, "--service")
	}
	if d.Env != "" {
		return single(d.Env, EnvService)
	}
	domain, err := ServiceDomain(address)
	if err != nil {
		return nil, err
	}
	timeout := d.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res := d.Resolver
	if res == nil {
		res = net.DefaultResolver
	}
	name := "_" + srvService + "._" + srvProto + "." + domain
	pin := txtPin(ctx, res, name)
	_, srvs, err := res.LookupSRV(ctx, srvService, srvProto, domain)
	if err != nil {
		var dnsErr *net.DNSError
		if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
			return nil, fmt.Errorf("client: looking up the Mesh service of %s (DNS SRV %s): %w", domain, name, err)
		}
		srvs = nil
	}
	if len(srvs) == 1 && srvs[0].Target == "." {
		return nil, fmt.Errorf("client: %s says it runs no Mesh service (SRV target \".\")", domain)
	}
	if len(srvs) == 0 {
		u := "https://mmm." + domain + WellKnownPath
		return []Endpoint{{URL: u, ServiceUDF: pin, Source: "fallback"}}, nil
	}
	if len(srvs) > MaxSRVRecords {
		srvs = srvs[:MaxSRVRecords]
	}
	intn := d.IntN
	if intn == nil {
		intn = rand.IntN
	}
	var eps []Endpoint
	for _, s := range OrderSRV(srvs, intn) {
		host := strings.TrimSuffix(s.Target, ".")
		if host == "" {
			continue
		}
		u := url.URL{Scheme: "https", Host: net.JoinHostPort(host, fmt.Sprint(s.Port)), Path: WellKnownPath}
		eps = append(eps, Endpoint{URL: u.String(), ServiceUDF: pin, Source: "SRV"})
	}
	if len(eps) == 0 {
		return nil, fmt.Errorf("client: the SRV records of %s name no usable target", name)
	}
	return eps, nil
}

func single(raw, source string) ([]Endpoint, error) {
	u, err := ServiceURL(raw)
	if err != nil {
		return nil, fmt.Errorf("%w (from %s)", err, source)
	}
	return []Endpoint{{URL: u, Source: source}}, nil
}

// txtPin returns the fingerprint of the first valid "udf=" TXT string at
// name, or "". A failed TXT lookup only means no pin.
func txtPin(ctx context.Context, res Resolver, name string) string {
	txts, err := res.LookupTXT(ctx, name)
	if err != nil {
		return ""
	}
	for _, t := range txts {
		v, ok := strings.CutPrefix(strings.TrimSpace(t), "udf=")
		if !ok {
			continue
		}
		if _, _, err := udf.Parse(v); err == nil {
			return v
		}
	}
	return ""
}

// OrderSRV orders SRV records as RFC 2782 says a client must try them:
// lowest priority first; within one priority, repeatedly pick a record at
// random with probability proportional to its weight (records of weight 0
// have a small chance, being placed first in the running sum). intn(n)
// must return a uniform number in [0, n).
func OrderSRV(srvs []*net.SRV, intn func(n int) int) []*net.SRV {
	rest := append([]*net.SRV(nil), srvs...)
	sort.SliceStable(rest, func(i, j int) bool { return rest[i].Priority < rest[j].Priority })
	out := make([]*net.SRV, 0, len(rest))
	for len(rest) > 0 {
		n := 1
		for n < len(rest) && rest[n].Priority == rest[0].Priority {
			n++
		}
		out = append(out, pickByWeight(rest[:n], intn)...)
		rest = rest[n:]
	}
	return out
}

// pickByWeight is the RFC 2782 selection within one priority.
func pickByWeight(group []*net.SRV, intn func(n int) int) []*net.SRV {
	g := append([]*net.SRV(nil), group...)
	// Zero-weight records first, as RFC 2782 prescribes.
	sort.SliceStable(g, func(i, j int) bool { return g[i].Weight == 0 && g[j].Weight != 0 })
	out := make([]*net.SRV, 0, len(g))
	for len(g) > 0 {
		sum := 0
		for _, s := range g {
			sum += int(s.Weight)
		}
		r := intn(sum + 1) // uniform in [0, sum]
		i, run := 0, 0
		for ; i < len(g); i++ {
			run += int(g[i].Weight)
			if run >= r {
				break
			}
		}
		if i == len(g) {
			i = len(g) - 1
		}
		out = append(out, g[i])
		g = append(g[:i], g[i+1:]...)
	}
	return out
}

// FirstReachable tries the endpoints in order with probe and returns the
// first that succeeds. The error names every endpoint that failed.
func FirstReachable(ctx context.Context, eps []Endpoint, probe func(context.Context, Endpoint) error) (Endpoint, error) {
	var errs []string
	for _, ep := range eps {
		err := probe(ctx, ep)
		if err == nil {
			return ep, nil
		}
		errs = append(errs, fmt.Sprintf("%s (%s): %v", ep.URL, ep.Source, err))
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 0 {
		return Endpoint{}, errors.New("client: no service endpoint to try")
	}
	return Endpoint{}, fmt.Errorf("client: no Mesh service answered: %s", strings.Join(errs, "; "))
}
