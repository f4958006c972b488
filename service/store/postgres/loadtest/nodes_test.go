package loadtest

import (
	"bufio"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mathmesh/mesh/protocol"
)

// node is one mesh-service process.
type node struct {
	args []string
	url  string

	mu  sync.Mutex
	cmd *exec.Cmd
}

// startNode runs the binary on a free loopback port with the data
// directory (which holds the identity every node shares) and store.
func startNode(t *testing.T, dir, storeURL string) *node {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	n := &node{args: []string{"--listen", addr, "--data", dir, "--domain", "example.com", "--log-level", "error"},
		url: "http://" + addr + protocol.WellKnownPath}
	if storeURL != "" {
		n.args = append([]string{"--store", storeURL}, n.args...)
	}
	n.start(t)
	t.Cleanup(n.kill)
	return n
}

func (n *node) start(t *testing.T) {
	t.Helper()
	cmd := exec.Command(*bin, n.args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if !strings.Contains(line, "listening on") {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("mesh-service did not start: %q %s", line, stderr.String())
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("mesh-service did not start within 30 s")
	}
	n.mu.Lock()
	n.cmd = cmd
	n.mu.Unlock()
}

// kill stops the process at once (SIGKILL), as a crash would.
func (n *node) kill() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd != nil {
		_ = n.cmd.Process.Kill()
		_ = n.cmd.Wait()
		n.cmd = nil
	}
}
