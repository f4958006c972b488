package service

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mathmesh/mesh/protocol"
)

// Peer services: the other Mesh services this one posts messages to and
// accepts Post from (four-corner messaging, protocol.md §4.9, §6;
// docs/messaging.md §3). The service of a domain is found as a client finds
// it (protocol.md §5): a --peer override, else DNS SRV _mmm._tcp.<domain>,
// else https://mmm.<domain>/; a TXT "udf=" record at _mmm._tcp.<domain>
// pins its profile. Each peer is described by a Hello, whose verified
// ProfileService is cached for peerCacheTTL.

// messaging is the state of the messaging part of the service.
type messaging struct {
	s       *Service
	static  map[string]string // domain → endpoint URL (--peer)
	peers   *lru[string, *peer]
	limiter *contactLimiter
	// resolver answers the DNS queries of discovery.
	resolver *net.Resolver
	retries  sync.WaitGroup
	// retrying counts the deliveries being retried (at most maxRetrying).
	retrying atomic.Int64
}

// peer is a discovered and greeted service.
type peer struct {
	client  *protocol.Client
	udf     string
	fetched time.Time
}

// parsePeers reads --peer DOMAIN=URL flags.
func parsePeers(list []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range list {
		domain, u, ok := strings.Cut(p, "=")
		domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
		if !ok || domain == "" || u == "" || strings.ContainsAny(domain, "@/ ") {
			return nil, fmt.Errorf("mesh-service: --peer %q: want DOMAIN=URL", p)
		}
		if _, err := peerURL(u, true); err != nil {
			return nil, fmt.Errorf("mesh-service: --peer %q: %w", p, err)
		}
		out[domain] = u
	}
	return out, nil
}

func newMessaging(s *Service, static map[string]string) (*messaging, error) {
	m := &messaging{s: s, static: map[string]string{}, peers: newLRU[string, *peer](peerCacheSize),
		limiter: newContactLimiter(), resolver: net.DefaultResolver}
	for d, u := range static {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if _, err := peerURL(u, true); err != nil {
			return nil, fmt.Errorf("service: peer %s: %w", d, err)
		}
		m.static[d] = u
	}
	return m, nil
}

// peerURL checks an endpoint URL: https, or plain http to a loopback host
// when allowHTTP (the --peer test override).
func peerURL(raw string, allowHTTP bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("invalid URL: %w", err)
	}
	switch {
	case u.Scheme == "https" && u.Host != "":
	case u.Scheme == "http" && allowHTTP && isLoopbackHost(u.Hostname()):
	default:
		return "", fmt.Errorf("URL %q must be https (or http to a loopback address)", raw)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = protocol.WellKnownPath
	}
	return u.String(), nil
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// domainOf returns the lower-cased domain of an account address.
func domainOf(address string) (string, error) {
	at := strings.LastIndexByte(address, '@')
	if at <= 0 || at == len(address)-1 || len(address) > protocol.MaxAccountLength {
		return "", fmt.Errorf("%q is not an account address (local@domain)", truncate(address))
	}
	return strings.ToLower(strings.TrimSuffix(address[at+1:], ".")), nil
}

// peer returns the greeted service of domain, from the cache or by
// discovery and Hello.
func (m *messaging) peer(ctx context.Context, domain string) (*peer, error) {
	if p, ok := m.peers.get(domain); ok && m.s.now().Sub(p.fetched) < peerCacheTTL {
		return p, nil
	}
	eps, pin, err := m.endpoints(ctx, domain)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ep := range eps {
		cl, err := protocol.NewClient(ep, &protocol.ClientOptions{Timeout: peerTimeout, ServiceUDF: pin, Now: m.s.now})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ep, err))
			continue
		}
		if _, err := cl.Hello(ctx, nil); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ep, err))
			continue
		}
		p := &peer{client: cl, udf: cl.Service().UDF, fetched: m.s.now()}
		m.peers.put(domain, p)
		return p, nil
	}
	return nil, fmt.Errorf("no Mesh service of %s answered: %w", domain, errors.Join(errs...))
}

// endpoints lists the candidate URLs of domain's service and its pinned
// profile UDF, if DNS publishes one.
func (m *messaging) endpoints(ctx context.Context, domain string) ([]string, string, error) {
	if u, ok := m.static[domain]; ok {
		ep, err := peerURL(u, true)
		return []string{ep}, "", err
	}
	ctx, cancel := context.WithTimeout(ctx, peerTimeout)
	defer cancel()
	pin := ""
	if txts, err := m.resolver.LookupTXT(ctx, "_mmm._tcp."+domain); err == nil {
		for _, t := range txts {
			if v, ok := strings.CutPrefix(strings.TrimSpace(t), "udf="); ok {
				pin = v
				break
			}
		}
	}
	_, srvs, err := m.resolver.LookupSRV(ctx, "mmm", "tcp", domain)
	if err != nil || len(srvs) == 0 {
		return []string{"https://mmm." + domain + protocol.WellKnownPath}, pin, nil
	}
	sort.SliceStable(srvs, func(i, j int) bool {
		if srvs[i].Priority != srvs[j].Priority {
			return srvs[i].Priority < srvs[j].Priority
		}
		return srvs[i].Weight > srvs[j].Weight
	})
	var eps []string
	for _, r := range srvs {
		if r.Target == "." {
			return nil, "", fmt.Errorf("%s runs no Mesh service (SRV target \".\")", domain)
		}
		host := strings.TrimSuffix(r.Target, ".")
		eps = append(eps, "https://"+net.JoinHostPort(host, strconv.Itoa(int(r.Port)))+protocol.WellKnownPath)
	}
	return eps, pin, nil
}

// checkSendingService verifies a Post's service credential
// (docs/messaging.md §3): the sender's domain is not one of ours, and the
// service discovered for it presents the ProfileService of the credential.
func (m *messaging) checkSendingService(ctx context.Context, p *principal) (string, error) {
	if p == nil || p.cred.kind != protocol.CredentialService || p.cred.service == nil {
		return "", refuse(protocol.StatusNotAuthorized, "Post needs the credential of the sender's Mesh service (kind %q)", protocol.CredentialService)
	}
	sender := strings.ToLower(p.claimed)
	domain, err := domainOf(sender)
	if err != nil {
		return "", refuse(protocol.StatusBadRequest, "%s: %v", protocol.HeaderAccount, err)
	}
	if m.s.servesDomain(sender) {
		return "", refuse(protocol.StatusNotAuthorized, "%s is a domain of this service: its accounts send with Transact, not Post", domain)
	}
	pe, err := m.peer(ctx, domain)
	if err != nil {
		return "", refuseCause(protocol.StatusNotAuthorized, err, "the Mesh service of %s could not be reached to check the sending service", domain)
	}
	if want := p.cred.service.UDF(); pe.udf != want {
		return "", refuse(protocol.StatusNotAuthorized, "the sending service %s is not the Mesh service of %s (%s)", want, domain, pe.udf)
	}
	return sender, nil
}
