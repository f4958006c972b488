// Package loadtest measures a running mesh-service binary under load: 50
// concurrent authenticated clients (connected devices, each of its own
// account) on loopback, Status then Transact, reporting throughput and
// p50/p99 latency. It runs only with -loadtest (scripts/bench-service.sh).
package loadtest

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
)

var (
	run      = flag.Bool("loadtest", false, "run the load test")
	bin      = flag.String("bin", "", "mesh-service binary (built by the script)")
	clients  = flag.Int("clients", 50, "concurrent clients")
	duration = flag.Duration("duration", 5*time.Second, "duration of each phase")
)

var ctx = context.Background()

func TestLoad(t *testing.T) {
	if !*run {
		t.Skip("run with -loadtest -bin PATH (scripts/bench-service.sh)")
	}
	url := start(t)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	c, err := protocol.NewClient(url, &protocol.ClientOptions{HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Hello(ctx, nil); err != nil {
		t.Fatal(err)
	}
	creds := make([]*protocol.Credential, *clients)
	for i := range creds {
		creds[i] = connected(t, c, fmt.Sprintf("user%d@example.com", i))
	}
	env, err := dare.Seal(make([]byte, 256), &dare.EncodeOptions{ContentMeta: &dare.ContentMeta{Event: "New", UniqueID: "k"}})
	if err != nil {
		t.Fatal(err)
	}
	phase(t, "Status", creds, func(cr *protocol.Credential) error {
		_, err := c.Status(ctx, cr, &protocol.StatusRequest{})
		return err
	})
	phase(t, "Transact", creds, func(cr *protocol.Credential) error {
		_, err := c.Transact(ctx, cr, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{{
			ContainerStatus: protocol.ContainerStatus{Container: protocol.CatalogCredential},
			Envelopes:       []jsonb.Raw{env}}}})
		return err
	})
}

// phase runs op from every client for the duration and prints the numbers.
func phase(t *testing.T, name string, creds []*protocol.Credential, op func(*protocol.Credential) error) {
	var mu sync.Mutex
	var lat []time.Duration
	var failures int
	stop := time.Now().Add(*duration)
	var wg sync.WaitGroup
	for _, cr := range creds {
		wg.Go(func() {
			var mine []time.Duration
			fails := 0
			for time.Now().Before(stop) {
				t0 := time.Now()
				if err := op(cr); err != nil {
					fails++
					if fails == 1 {
						t.Logf("%s error: %v", name, err)
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat, failures = append(lat, mine...), failures+fails
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(lat)
	if len(lat) == 0 {
		t.Fatalf("%s: no request succeeded", name)
	}
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	fmt.Printf("%-8s clients=%d requests=%d errors=%d throughput=%.0f/s p50=%v p99=%v\n",
		name, len(creds), len(lat), failures, float64(len(lat))/duration.Seconds(),
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond))
	if failures > 0 {
		t.Errorf("%s: %d requests failed", name, failures)
	}
}

// connected binds an account and connects a device to it, returning the
// device's connection credential (protocol.md F1).
func connected(t *testing.T, c *protocol.Client, address string) *protocol.Credential {
	sec, err := profile.NewAccount(nil)
	if err != nil {
		t.Fatal(err)
	}
	env, err := sec.SignedProfileUser(address, c.Service().UDF, nil)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := sec.CommonAuthentication()
	acred, err := protocol.NewAccountCredential(sec.UDF(), ca)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.BindAccount(ctx, acred, &protocol.BindRequest{AccountAddress: address, EnvelopedProfileAccount: env})
	if err != nil {
		t.Fatal(err)
	}
	var ha profile.AccountHostAssignment
	if _, err := profile.OpenAs(resp.EnvelopedAccountHostAssignment, nil, profile.TagAccountHostAssignment, &ha); err != nil {
		t.Fatal(err)
	}
	access, _ := ha.AccessEncrypt.PublicKey()
	ds, _ := profile.NewDevice(nil)
	pd, _ := ds.ProfileDevice("")
	dc, err := sec.ConnectDevice(pd, []string{"web"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := profile.VerifyProfileUser(env)
	act, err := ds.Accept(pu, &dc.Envelopes)
	if err != nil {
		t.Fatal(err)
	}
	storeKey, _ := sec.StoreKey(protocol.CatalogAccess)
	ac := catalog.NewAccessCapability(act.Authentication().Public().Fingerprint(), dc.Roles, nil, "")
	aenv, err := profile.Seal(ac, &profile.SealOptions{Recipients: []keys.PublicKey{access, storeKey.Public()},
		UniqueID: ac.PrimaryKey(), Event: catalog.EventNew})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Transact(ctx, acred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{{
		ContainerStatus: protocol.ContainerStatus{Container: protocol.CatalogAccess}, Envelopes: []jsonb.Raw{aenv}}}}); err != nil {
		t.Fatal(err)
	}
	cred, err := protocol.NewConnectionCredential(sec.UDF(), dc.Envelopes.ConnectionService, act.Authentication())
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

// start runs the binary on a free loopback port.
func start(t *testing.T) string {
	if *bin == "" {
		t.Fatal("-bin is required")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(*bin, "--listen", addr, "--data", t.TempDir(), "--domain", "example.com", "--log-level", "warn")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if !strings.Contains(line, "listening on") {
		t.Fatalf("mesh-service did not start: %q", line)
	}
	return "http://" + addr + protocol.WellKnownPath
}
