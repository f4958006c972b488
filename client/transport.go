package client

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// EnvInsecureHTTP, set to "1", allows plain http to a service that is not
// on a loopback address, like the --insecure-http flag (docs/client.md §4).
const EnvInsecureHTTP = "MESH_INSECURE_HTTP"

// CheckTransport refuses a service URL that would send requests in clear
// over the network: http is accepted only to a loopback host (localhost,
// 127.0.0.0/8, ::1) unless insecure is set. The request MACs still
// authenticate every non-public transaction over http, but the public ones
// (Hello with the service profile to pin, Post, Claim, PollClaim) and all
// metadata would be exposed to anyone on the path (docs/protocol.md §3.1).
func CheckTransport(rawURL string, insecure bool) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("client: service URL %q: %w", rawURL, err)
	}
	switch {
	case u.Scheme == "https", insecure:
		return nil
	case u.Scheme != "http":
		return fmt.Errorf("client: service URL %q: the scheme must be http or https", rawURL)
	case isLoopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("client: service URL %q uses plain http to %s, which is not a loopback address: use https, or allow it with --insecure-http or %s=1", rawURL, u.Hostname(), EnvInsecureHTTP)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkEndpoints applies CheckTransport to every endpoint, naming where
// the refused one came from.
func checkEndpoints(eps []Endpoint, insecure bool) error {
	for _, ep := range eps {
		if err := CheckTransport(ep.URL, insecure); err != nil {
			return fmt.Errorf("%w (from %s)", err, ep.Source)
		}
	}
	return nil
}
