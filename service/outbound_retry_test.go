package service_test

import (
	"fmt"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/servicetest"
)

// TestOutboundRetriesBounded: one Transact sends a message to 1500
// accounts of a domain whose service is down. Each pending delivery used
// to start its own retry goroutine, holding the message for about 40 s, so
// an account could pile up goroutines and memory without bound. Now the
// domain is tried once per Transact and at most 1024 deliveries are being
// retried at once.
func TestOutboundRetriesBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String() + "/"
	ln.Close() // nothing listens there any more: connection refused
	srv := servicetest.Start(t, &servicetest.Options{Peers: map[string]string{"down.example": down}})
	c := srv.Client(t)
	alice := bind(t, srv, c, "alice@example.com")

	const n = 1500
	accounts := make([]string, n)
	for i := range accounts {
		accounts[i] = fmt.Sprintf("user%d@down.example", i)
	}
	env := sealMessage(t, alice, accounts[0], contactRequest())
	before := runtime.NumGoroutine()
	start := time.Now()
	resp, err := c.Transact(ctx, alice.cred, &protocol.TransactRequest{Outbound: []jsonb.Raw{env}, Accounts: accounts})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the Transact took %v", d)
	}
	pending := 0
	for _, e := range resp.Entries {
		if e.Result == "Pending" {
			pending++
		}
	}
	if pending != n {
		t.Fatalf("%d deliveries Pending, want %d", pending, n)
	}
	if grown := runtime.NumGoroutine() - before; grown > 1024+64 {
		t.Fatalf("%d goroutines more after one Transact, want at most about 1024 retries", grown)
	}
}
