package protocol

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// WellKnownPath is the default endpoint path (protocol.md §2.1).
const WellKnownPath = "/.well-known/mmm/"

// ContentType is the media type of request and response bodies.
const ContentType = "application/json"

var b64 = base64.RawURLEncoding

// ClientOptions configure NewClient. The zero value is usable.
type ClientOptions struct {
	// HTTPClient makes the requests; nil means a client with Timeout.
	HTTPClient *http.Client
	// Timeout bounds each transaction; zero means DefaultTimeout.
	Timeout time.Duration
	// ServiceUDF, if set, pins the service: Hello must return a profile
	// with this UDF (or a longer presentation of it).
	ServiceUDF string
	// Rand draws request nonces; nil means crypto/rand.
	Rand io.Reader
	// Now is the clock for request timestamps; nil means time.Now.
	Now func() time.Time
}

// Client is a typed client of one Mesh service (protocol.md §2.1). It is
// safe for concurrent use. The service's identity is learned from the first
// Hello (made automatically before the first authenticated request) and then
// kept: every authenticated request and its response are bound to it.
type Client struct {
	endpoint *url.URL
	http     *http.Client
	timeout  time.Duration
	pin      string
	rand     io.Reader
	now      func() time.Time

	mu      sync.Mutex
	service *ServiceIdentity
}

// NewClient returns a client for the service at endpoint, an http or https
// URL. An endpoint with no path (or "/") gets the well-known path
// /.well-known/mmm/.
func NewClient(endpoint string, opts *ClientOptions) (*Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("protocol: service URL %q: %w", endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("protocol: service URL %q: scheme must be http or https", endpoint)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("protocol: service URL %q has no host", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = WellKnownPath
	}
	u.RawQuery, u.Fragment = "", ""
	if opts == nil {
		opts = &ClientOptions{}
	}
	c := &Client{endpoint: u, http: opts.HTTPClient, timeout: opts.Timeout,
		pin: opts.ServiceUDF, rand: opts.Rand, now: opts.Now}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: c.timeout}
	}
	c.http = noRedirects(c.http)
	if c.rand == nil {
		c.rand = rand.Reader
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// Endpoint returns the service URL requests are posted to.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// Service returns the service identity learned from Hello, or nil before
// the first Hello.
func (c *Client) Service() *ServiceIdentity {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.service
}

// serviceIdentity returns the pinned identity, making a Hello if needed.
func (c *Client) serviceIdentity(ctx context.Context) (*ServiceIdentity, error) {
	if s := c.Service(); s != nil {
		return s, nil
	}
	if _, err := c.Hello(ctx, nil); err != nil {
		return nil, err
	}
	return c.Service(), nil
}

// learnService records the identity from a Hello response. A client that
// has already learned a service refuses a different one.
func (c *Client) learnService(env []byte) error {
	id, err := VerifyServiceProfile(env, c.pin)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.service != nil && c.service.UDF != id.UDF {
		return fmt.Errorf("protocol: service changed identity from %s to %s", c.service.UDF, id.UDF)
	}
	c.service = id
	return nil
}

// Do runs transaction tx: it posts req, authenticated with cred unless cred
// is nil, and decodes the answer into resp. A refusal by the service is an
// *Error; a response to an authenticated request whose MAC does not verify
// is an error and is never decoded.
func (c *Client) Do(ctx context.Context, tx string, cred *Credential, req any, resp Response) error {
	body, err := EncodeRequest(tx, req)
	if err != nil {
		return err
	}
	if len(body) > MaxRequestBytes {
		return fmt.Errorf("protocol: %s request is %d bytes, limit %d", tx, len(body), MaxRequestBytes)
	}
	var key *RequestKey
	var nonce []byte
	hreq, err := c.newHTTPRequest(ctx, body)
	if err != nil {
		return err
	}
	if cred != nil {
		if key, nonce, err = c.authenticate(ctx, hreq, cred, body); err != nil {
			return err
		}
	}
	status, respBody, mac, err := c.post(hreq, tx)
	if err != nil {
		return err
	}
	return verifiedDecode(tx, c.endpoint.Host, key, nonce, status, respBody, mac, resp)
}

func (c *Client) newHTTPRequest(ctx context.Context, body []byte) (*http.Request, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("protocol: building request: %w", err)
	}
	hreq.Header.Set("Content-Type", ContentType)
	return hreq, nil
}

// authenticate adds the credential headers and the request MAC
// (docs/protocol.md §3.2, §3.3).
func (c *Client) authenticate(ctx context.Context, hreq *http.Request, cred *Credential, body []byte) (*RequestKey, []byte, error) {
	svc, err := c.serviceIdentity(ctx)
	if err != nil {
		return nil, nil, err
	}
	key, err := cred.requestKey(svc)
	if err != nil {
		return nil, nil, err
	}
	nonce := make([]byte, NonceSize)
	if _, err := io.ReadFull(c.rand, nonce); err != nil {
		return nil, nil, fmt.Errorf("protocol: drawing a request nonce: %w", err)
	}
	a := &RequestAuth{
		Method: hreq.Method, Path: hreq.URL.Path, Host: hreq.URL.Host,
		Kind: cred.kind, Credential: cred.data, Account: cred.account,
		Timestamp: c.now().Unix(), Nonce: nonce, Body: body,
	}
	h := hreq.Header
	h.Set(HeaderCredentialKind, string(cred.kind))
	h.Set(HeaderCredential, b64.EncodeToString(cred.data))
	h.Set(HeaderAccount, cred.account)
	h.Set(HeaderDate, strconv.FormatInt(a.Timestamp, 10))
	h.Set(HeaderNonce, b64.EncodeToString(nonce))
	h.Set(HeaderMAC, b64.EncodeToString(key.MAC(a)))
	return key, nonce, nil
}

// post sends the request and reads at most MaxResponseBytes of the answer.
func (c *Client) post(hreq *http.Request, tx string) (int, []byte, string, error) {
	ctx, cancel := context.WithTimeout(hreq.Context(), c.timeout)
	defer cancel()
	hresp, err := c.http.Do(hreq.WithContext(ctx))
	if err != nil {
		return 0, nil, "", fmt.Errorf("protocol: %s: service at %s unreachable: %w", tx, c.endpoint.Host, err)
	}
	defer hresp.Body.Close()
	respBody, err := io.ReadAll(io.LimitReader(hresp.Body, MaxResponseBytes+1))
	if err != nil {
		return 0, nil, "", fmt.Errorf("protocol: %s: reading the response from %s: %w", tx, c.endpoint.Host, err)
	}
	if len(respBody) > MaxResponseBytes {
		return 0, nil, "", fmt.Errorf("protocol: %s: response from %s exceeds %d bytes", tx, c.endpoint.Host, MaxResponseBytes)
	}
	return hresp.StatusCode, respBody, hresp.Header.Get(HeaderMAC), nil
}

func decodeHTTPResponse(tx string, status int, body []byte, resp Response) error {
	err := DecodeResponse(tx, body, resp)
	var perr *Error
	if err != nil && !errors.As(err, &perr) && (status < 200 || status > 299) {
		return fmt.Errorf("protocol: %s: not a Mesh service answer (HTTP %d): %w", tx, status, err)
	}
	return err
}
