package service_test

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/protocol"
)

// buildService builds cmd/mesh-service into a temporary directory.
func buildService(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mesh-service")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/mathmesh/mesh/cmd/mesh-service").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startService runs the binary on a free loopback port and waits until it
// listens. It returns the process and the endpoint URL.
func startService(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--listen", addr, "--data", dir, "--domain", "example.com")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if !strings.Contains(line, "listening on") {
			t.Fatalf("mesh-service did not start: %q", line)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("mesh-service did not start within 20 s")
	}
	return cmd, "http://" + addr + protocol.WellKnownPath
}

// TestKillDuringTransact starts the real binary, runs concurrent Transact
// requests, kills it with SIGKILL in the middle, restarts it on the same
// data directory and checks that every acknowledged entry is there, at the
// index it was acknowledged with.
func TestKillDuringTransact(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the mesh-service binary")
	}
	bin, dir := buildService(t), t.TempDir()
	cmd, url := startService(t, bin, dir)
	c, err := protocol.NewClient(url, &protocol.ClientOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Hello(ctx, nil); err != nil {
		t.Fatal(err)
	}
	srvUDF := c.Service().UDF
	a := bindWith(t, c, srvUDF, "alice@example.com")

	const writers = 8
	var mu sync.Mutex
	acked := make(map[int64]string) // index -> envelope
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				env := entry(t, fmt.Sprintf("w%d-%d", w, i))
				resp, err := c.Transact(ctx, a.cred, &protocol.TransactRequest{Updates: []protocol.ContainerUpdate{{
					ContainerStatus: protocol.ContainerStatus{Container: protocol.CatalogContact},
					Envelopes:       []jsonb.Raw{env}}}})
				if err != nil {
					return // the service died
				}
				mu.Lock()
				acked[resp.Entries[0].IndexContainer] = string(env)
				mu.Unlock()
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	_ = cmd.Wait()
	if len(acked) == 0 {
		t.Fatal("no Transact was acknowledged before the kill")
	}

	_, url = startService(t, bin, dir)
	c2, err := protocol.NewClient(url, &protocol.ClientOptions{ServiceUDF: srvUDF})
	if err != nil {
		t.Fatal(err)
	}
	dl, err := c2.Download(ctx, a.cred, &protocol.DownloadRequest{Select: []protocol.ConstraintsSelect{{Container: protocol.CatalogContact}}})
	if err != nil {
		t.Fatalf("Download after restart: %v", err)
	}
	got := dl.Updates[0].Envelopes
	for idx, env := range acked {
		if idx >= int64(len(got)) {
			t.Fatalf("acknowledged entry %d lost: only %d entries after restart", idx, len(got))
		}
		canon, _ := jsonb.Marshal(jsonb.Raw(env))
		if string(got[idx]) != string(canon) {
			t.Fatalf("entry %d differs after restart", idx)
		}
	}
	t.Logf("%d Transacts acknowledged before SIGKILL, %d entries after restart; all acknowledged present", len(acked), len(got))
}
