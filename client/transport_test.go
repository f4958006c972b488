package client

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckTransport: finding 8 of the security review. Plain http only to
// loopback, unless explicitly allowed.
func TestCheckTransport(t *testing.T) {
	for _, tc := range []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"https://mmm.example.com/.well-known/mmm/", false, true},
		{"http://127.0.0.1:8080/.well-known/mmm/", false, true},
		{"http://127.1.2.3/", false, true},
		{"http://[::1]:80/", false, true},
		{"http://localhost:9/", false, true},
		{"http://LOCALHOST/", false, true},
		{"http://mmm.example.com/.well-known/mmm/", false, false},
		{"http://10.0.0.1/", false, false},
		{"http://localhost.example.com/", false, false},
		{"http://mmm.example.com/", true, true},
		{"ftp://127.0.0.1/", false, false},
	} {
		err := CheckTransport(tc.url, tc.insecure)
		if (err == nil) != tc.ok {
			t.Errorf("CheckTransport(%q, %v) = %v, want ok=%v", tc.url, tc.insecure, err, tc.ok)
		}
		if err != nil && tc.ok == false && strings.HasPrefix(tc.url, "http:") && !strings.Contains(err.Error(), "--insecure-http") {
			t.Errorf("CheckTransport(%q): %q does not say how to allow it", tc.url, err)
		}
	}
}

// TestInsecureServiceRefused: a --service or $MESH_SERVICE URL with plain
// http to another host is refused before any request is made.
func TestInsecureServiceRefused(t *testing.T) {
	for _, cfg := range []Config{
		{Service: "http://mmm.example.com/"},
		{Env: "http://192.0.2.1/"},
	} {
		h, err := OpenHome(filepath.Join(t.TempDir(), "mesh"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Home = h
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = c.connect(context.Background(), "alice@example.com", "", "")
		if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
			t.Errorf("connect with %+v: %v, want a plain-http refusal", cfg, err)
		}
	}
}
