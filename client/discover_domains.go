package client

import (
	"fmt"
	"strings"
)

// Per-domain service overrides (docs/client.md §4): $MESH_SERVICES names
// the service of each of several domains, "example.com=URL,example.net=URL".
// An entry for the domain of an address comes before every other source
// (--service, $MESH_SERVICE, the account record, DNS), for the account's
// own service and for every other account the client reaches: a contact's
// publications (Claim), a group's service (Operate), a recovered account.
// It is the client's counterpart of mesh-service --peer, for tests and
// for domains without DNS records; http is still only allowed to a
// loopback address (transport.go).

// EnvServices is the variable of the per-domain overrides.
const EnvServices = "MESH_SERVICES"

// ParseServices parses a $MESH_SERVICES value: comma-separated
// DOMAIN=URL entries. Domains are compared lower-cased; a domain may
// appear once. An empty value gives no overrides.
func ParseServices(s string) (map[string]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if len(s) > MaxServicesLength {
		return nil, fmt.Errorf("client: %s is %d bytes, more than %d", EnvServices, len(s), MaxServicesLength)
	}
	entries := strings.Split(s, ",")
	if len(entries) > MaxServiceOverrides {
		return nil, fmt.Errorf("client: %s has %d entries, more than %d", EnvServices, len(entries), MaxServiceOverrides)
	}
	out := make(map[string]string, len(entries))
	for i, e := range entries {
		domain, raw, ok := strings.Cut(strings.TrimSpace(e), "=")
		if !ok || domain == "" || raw == "" {
			return nil, fmt.Errorf("client: %s entry %d %q: want DOMAIN=URL", EnvServices, i+1, e)
		}
		d, err := ServiceDomain("x@" + domain)
		if err != nil {
			return nil, fmt.Errorf("client: %s entry %d: the domain: %w", EnvServices, i+1, err)
		}
		u, err := ServiceURL(raw)
		if err != nil {
			return nil, fmt.Errorf("client: %s entry %d (%s): %w", EnvServices, i+1, d, err)
		}
		if _, dup := out[d]; dup {
			return nil, fmt.Errorf("client: %s entry %d: domain %s appears twice", EnvServices, i+1, d)
		}
		out[d] = u
	}
	return out, nil
}

// domainEndpoint returns the per-domain override for address, or nil.
func (c *Client) domainEndpoint(address string) ([]Endpoint, error) {
	if len(c.cfg.Services) == 0 {
		return nil, nil
	}
	d, err := ServiceDomain(address)
	if err != nil {
		return nil, nil
	}
	u, ok := c.cfg.Services[d]
	if !ok {
		return nil, nil
	}
	return single(u, EnvServices+" "+d)
}
