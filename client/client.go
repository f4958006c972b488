package client

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

// Config configures a Client. Home is required; the rest have defaults.
type Config struct {
	Home *Home
	// Service is the --service URL and Env the value of $MESH_SERVICE:
	// both override discovery and the service an account was created at.
	Service string
	Env     string
	// Services are the per-domain overrides of $MESH_SERVICES (domain →
	// URL, ParseServices): an entry for an address's domain comes first.
	Services map[string]string
	// Resolver answers the DNS queries of discovery; nil means the system's.
	Resolver Resolver
	// HTTPClient makes the requests; nil means the protocol default.
	HTTPClient *http.Client
	// InsecureHTTP allows plain http to a service that is not on a
	// loopback address (--insecure-http, $MESH_INSECURE_HTTP; transport.go).
	InsecureHTTP bool
	// Timeout bounds each transaction; zero means protocol.DefaultTimeout.
	Timeout time.Duration
	// Rand is the randomness for seeds, nonces and encryption; nil means
	// crypto/rand.
	Rand io.Reader
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Client acts for the user of one data directory.
type Client struct {
	cfg Config
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.Home == nil {
		return nil, errors.New("client: no data directory")
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{cfg: cfg}, nil
}

// Home returns the data directory.
func (c *Client) Home() *Home { return c.cfg.Home }

// connect finds the service for address and makes a Hello to it, checking
// the service profile against pin (or the DNS TXT pin). stored is the
// endpoint an existing account was created at, used when neither --service
// nor $MESH_SERVICE is set.
func (c *Client) connect(ctx context.Context, address, stored, pin string) (*protocol.Client, *protocol.MeshHelloResponse, error) {
	eps, err := c.domainEndpoint(address) // discover_domains.go
	if err != nil {
		return nil, nil, err
	}
	switch {
	case eps != nil:
	case c.cfg.Service == "" && c.cfg.Env == "" && stored != "":
		eps = []Endpoint{{URL: stored, Source: "account record"}}
	default:
		d := &Discovery{Override: c.cfg.Service, Env: c.cfg.Env, Resolver: c.cfg.Resolver}
		var err error
		if eps, err = d.Endpoints(ctx, address); err != nil {
			return nil, nil, err
		}
	}
	if err := checkEndpoints(eps, c.cfg.InsecureHTTP); err != nil {
		return nil, nil, err
	}
	var pc *protocol.Client
	var hello *protocol.MeshHelloResponse
	_, err = FirstReachable(ctx, eps, func(ctx context.Context, ep Endpoint) error {
		p := pin
		if p == "" {
			p = ep.ServiceUDF
		}
		cl, err := protocol.NewClient(ep.URL, &protocol.ClientOptions{
			HTTPClient: c.cfg.HTTPClient, Timeout: c.cfg.Timeout, ServiceUDF: p, Now: c.cfg.Now,
		})
		if err != nil {
			return err
		}
		h, err := cl.Hello(ctx, nil)
		if err != nil {
			return err
		}
		pc, hello = cl, h
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return pc, hello, nil
}

// HelloResult describes a service (protocol.md §4.1).
type HelloResult struct {
	Address    string   `json:"address,omitempty"`
	Service    string   `json:"service"`
	ServiceUDF string   `json:"service_udf"`
	Version    string   `json:"version,omitempty"`
	Encodings  []string `json:"encodings,omitempty"`
	// MaxPost is the largest message the service accepts, if it says.
	MaxPost int64 `json:"max_post,omitempty"`
}

// Hello finds the service of address and asks for its description. With
// an empty address it describes the default account's service.
func (c *Client) Hello(ctx context.Context, address string) (*HelloResult, error) {
	var stored, pin string
	if address == "" || !isAddress(address) {
		a, err := c.Open(address)
		if err != nil {
			return nil, err
		}
		address, stored, pin = a.rec.AccountAddress, a.rec.Service, a.rec.ServiceUdf
	}
	pc, h, err := c.connect(ctx, address, stored, pin)
	if err != nil {
		return nil, err
	}
	r := &HelloResult{Address: address, Service: pc.Endpoint(), ServiceUDF: pc.Service().UDF}
	if v := h.Version; v != nil {
		r.Version = fmt.Sprintf("%d.%d", v.Major, v.Minor)
		for _, e := range v.Encodings {
			r.Encodings = append(r.Encodings, e.ID...)
		}
	}
	if h.ConstraintsPost != nil {
		r.MaxPost = h.ConstraintsPost.BytesMax
	}
	return r, nil
}

// isAddress reports whether s looks like an account address rather than a
// profile fingerprint or local name.
func isAddress(s string) bool {
	_, err := ServiceDomain(s)
	return err == nil
}

// device returns this machine's device secrets, making and storing a
// device seed on first use (protocol.md F1 step 1).
func (c *Client) device() (*profile.DeviceSecrets, error) {
	seed, err := c.cfg.Home.DeviceSeed()
	if errors.Is(err, ErrNoDevice) {
		d, err := profile.NewDevice(c.cfg.Rand)
		if err != nil {
			return nil, fmt.Errorf("client: making a device profile: %w", err)
		}
		if err := c.cfg.Home.SaveDeviceSeed(d.Seed()); err != nil {
			return nil, err
		}
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	d, err := profile.DeviceFromSeed(seed)
	if err != nil {
		return nil, fmt.Errorf("client: the device seed: %w", err)
	}
	return d, nil
}
