// Package localclient is the typed Go client of mesh-agent's local API
// (package localapi), used by meshman. It speaks HTTP over the agent's Unix
// socket with the Host header the API requires and bounded response sizes.
package localclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/mathmesh/mesh/agent/localapi"
)

// ErrNotRunning reports that no agent listens on the socket.
var ErrNotRunning = errors.New("localclient: mesh-agent is not running")

// Client talks to one agent socket.
type Client struct {
	socket string
	http   *http.Client
}

// New returns a client for the agent listening at socket.
func New(socket string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		MaxIdleConns:          1,
		ResponseHeaderTimeout: 30 * time.Second,
	}
	return &Client{socket: socket, http: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// Socket returns the socket path.
func (c *Client) Socket() string { return c.socket }

func (c *Client) do(ctx context.Context, method, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, "http://"+localapi.Host+path, nil)
	if err != nil {
		return fmt.Errorf("localclient: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("%w (socket %s)", ErrNotRunning, c.socket)
		}
		return fmt.Errorf("localclient: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, localapi.MaxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("localclient: read %s: %w", path, err)
	}
	if len(body) > localapi.MaxResponseBytes {
		return fmt.Errorf("localclient: response to %s over %d bytes", path, localapi.MaxResponseBytes)
	}
	if resp.StatusCode != http.StatusOK {
		var e localapi.ErrorBody
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("localclient: agent refused %s: %s", path, e.Error)
		}
		return fmt.Errorf("localclient: agent answered %s with %s", path, resp.Status)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("localclient: decode %s: %w", path, err)
	}
	return nil
}

// Status returns the agent's status.
func (c *Client) Status(ctx context.Context) (localapi.Status, error) {
	var s localapi.Status
	err := c.do(ctx, http.MethodGet, localapi.PathStatus, &s)
	return s, err
}

// Sync asks the agent to sync every account now.
func (c *Client) Sync(ctx context.Context) (localapi.SyncResult, error) {
	var r localapi.SyncResult
	err := c.do(ctx, http.MethodPost, localapi.PathSync, &r)
	return r, err
}

// Shutdown asks the agent to stop.
func (c *Client) Shutdown(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, localapi.PathShutdown, nil)
}
