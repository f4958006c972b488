// Command benchcmd measures ssh-agent latency for scripts/bench-ssh-agent.sh:
//
//	benchcmd measure -sock PATH [-n 3000] [-warmup 300]
//	    Ed25519 sign round trips (one connection, as ssh does) and identity
//	    listings through PATH; prints one JSON line with p50/p99 in ms.
//	benchcmd serve -plugin BIN -sock PATH
//	    plays mesh-agent for the real plugin binary: creates the endpoint
//	    socket, starts BIN through go-plugin (AutoMTLS, checksum, the
//	    socket inherited as fd 3), serves an in-memory Ed25519 key through
//	    the SDK's host services (sdktest.FakeAgent), and runs until stdin
//	    closes. This is the plugins.md §2.4 path: client → plugin endpoint
//	    → key channel → agent signs → back.
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"golang.org/x/crypto/ssh/agent"

	"github.com/mathmesh/mesh/sdk"
	"github.com/mathmesh/mesh/sdk/sdktest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchcmd measure|serve [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "measure":
		err = measure(os.Args[2:])
	case "serve":
		err = serve(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchcmd:", err)
		os.Exit(1)
	}
}

// Result is one measurement.
type Result struct {
	Sock      string  `json:"sock"`
	N         int     `json:"n"`
	SignP50   float64 `json:"sign_p50_ms"`
	SignP99   float64 `json:"sign_p99_ms"`
	ListP50   float64 `json:"list_p50_ms"`
	ListP99   float64 `json:"list_p99_ms"`
	KeyFormat string  `json:"key"`
}

func measure(args []string) error {
	fs := flag.NewFlagSet("measure", flag.ContinueOnError)
	sock := fs.String("sock", os.Getenv("SSH_AUTH_SOCK"), "agent socket")
	n := fs.Int("n", 3000, "operations of each kind")
	warm := fs.Int("warmup", 300, "unmeasured operations first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := net.Dial("unix", *sock)
	if err != nil {
		return err
	}
	defer c.Close()
	a := agent.NewClient(c)
	keys, err := a.List()
	if err != nil {
		return fmt.Errorf("listing %s: %w", *sock, err)
	}
	i := slices.IndexFunc(keys, func(k *agent.Key) bool { return k.Format == "ssh-ed25519" })
	if i < 0 {
		return fmt.Errorf("%s holds no Ed25519 key", *sock)
	}
	key := keys[i]
	data := make([]byte, 150) // about the size of an SSH userauth request
	rand.Read(data)
	sign := func() error { _, err := a.Sign(key, data); return err }
	list := func() error { _, err := a.List(); return err }
	for range *warm {
		if err := sign(); err != nil {
			return err
		}
	}
	s, err := timeOps(*n, sign)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	l, err := timeOps(*n, list)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	r := Result{Sock: *sock, N: *n, SignP50: pct(s, 50), SignP99: pct(s, 99), ListP50: pct(l, 50), ListP99: pct(l, 99), KeyFormat: key.Format}
	return json.NewEncoder(os.Stdout).Encode(r)
}

func timeOps(n int, op func() error) ([]time.Duration, error) {
	d := make([]time.Duration, n)
	for i := range d {
		start := time.Now()
		if err := op(); err != nil {
			return nil, err
		}
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return d, nil
}

func pct(sorted []time.Duration, p int) float64 {
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	return float64(sorted[i].Microseconds()) / 1000
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	bin := fs.String("plugin", "", "mesh-plugin-ssh binary")
	sock := fs.String("sock", "", "endpoint socket to create")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" || *sock == "" {
		return errors.New("serve needs -plugin and -sock")
	}
	sum, err := fileSHA256(*bin)
	if err != nil {
		return err
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: *sock, Net: "unix"})
	if err != nil {
		return err
	}
	defer l.Close()
	lf, err := l.File()
	if err != nil {
		return err
	}
	cmd := exec.Command(*bin)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.ExtraFiles = []*os.File{lf} // fd 3
	logger := hclog.New(&hclog.LoggerOptions{Name: "bench-agent", Output: os.Stderr, Level: hclog.Warn})
	pc := plugin.NewClient(sdk.ClientConfig(cmd, sum, logger))
	defer pc.Kill()
	client, err := sdk.Dial(pc)
	if err != nil {
		return err
	}
	lf.Close()
	fake := sdktest.NewFakeAgent()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := fake.AddKey(priv, []string{"ssh-auth"}, "MBENCH"); err != nil {
		return err
	}
	ctx := context.Background()
	if _, err := client.Describe(ctx); err != nil {
		return err
	}
	if _, err := client.Configure(ctx, fake, sdk.Config{Endpoints: map[string]int{"ssh-agent": 3}, StateDir: os.TempDir()}); err != nil {
		return err
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin) // until the script closes stdin
	return nil
}

func fileSHA256(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
