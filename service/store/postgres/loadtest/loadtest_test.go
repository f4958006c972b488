// Package loadtest runs several mesh-service processes on one store and
// drives them with concurrent clients (issue: mesh-service on PostgreSQL,
// item 4; docs/scaling.md): by default 2 nodes on PostgreSQL, 100 clients
// and 10,000 Transact requests, spread over 20 accounts so that appends to
// the same container race across nodes. Midway it kills one node (SIGKILL;
// its clients retry on the other, and it is restarted) and restarts the
// database (-restart-db). At the end it downloads every container and
// checks that every acknowledged entry is at its acknowledged index, that
// no entry is there twice and that the indexes are contiguous, then prints
// throughput and latency. It runs only with -loadtest
// (scripts/loadtest-postgres.sh).
package loadtest

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mathmesh/mesh/protocol"
)

var (
	run          = flag.Bool("loadtest", false, "run the load test")
	bin          = flag.String("bin", "", "mesh-service binary")
	storeURL     = flag.String("store", "", "--store of the nodes: a postgres:// URL, or empty for the embedded store (one node)")
	nodeCount    = flag.Int("nodes", 2, "service nodes")
	clients      = flag.Int("clients", 100, "concurrent clients")
	transactions = flag.Int("transactions", 10000, "Transact requests in all")
	accountCount = flag.Int("accounts", 20, "accounts the clients share")
	killAt       = flag.Float64("kill-at", 0.4, "fraction of the transactions after which node 1 is killed (0: never)")
	restartDB    = flag.String("restart-db", "", "shell command that restarts the database, run at -restart-at")
	restartAt    = flag.Float64("restart-at", 0.7, "fraction of the transactions after which -restart-db runs")
)

var ctx = context.Background()

// ack is an acknowledged entry.
type ack struct {
	account int
	index   int64
	sum     [32]byte
}

// stats are the outcomes of the run.
type stats struct {
	mu        sync.Mutex
	latencies []time.Duration
	acks      []ack
	errors    int // failed attempts (each retried)
	recovered int // failed attempts whose entry was found committed
}

func TestLoad(t *testing.T) {
	if !*run {
		t.Skip("run with -loadtest -bin PATH (scripts/loadtest-postgres.sh)")
	}
	if *bin == "" {
		t.Fatal("-bin is required")
	}
	if *storeURL == "" && *nodeCount != 1 {
		t.Fatal("the embedded store serves one node: give -nodes 1 or a -store URL")
	}
	dir := t.TempDir()
	nodes := []*node{startNode(t, dir, *storeURL)}
	for range *nodeCount - 1 {
		nodes = append(nodes, startNode(t, dir, *storeURL)) // the same identity
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 256}}
	cls := make([]*protocol.Client, len(nodes))
	for i, n := range nodes {
		c, err := protocol.NewClient(n.url, &protocol.ClientOptions{HTTPClient: hc, Timeout: 60 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Hello(ctx, nil); err != nil {
			t.Fatal(err)
		}
		cls[i] = c
	}
	if cls[0].Service().UDF != cls[len(cls)-1].Service().UDF {
		t.Fatal("the nodes present different service identities")
	}
	accts := make([]*account, *accountCount)
	for i := range accts {
		accts[i] = newAccount(t, cls[0], fmt.Sprintf("load%d@example.com", i))
	}
	st := &stats{}
	var done atomic.Int64
	events := startFaults(t, nodes, &done)
	start := time.Now()
	var wg sync.WaitGroup
	per := *transactions / *clients
	for c := range *clients {
		wg.Go(func() {
			cl := &client{id: c, acct: accts[c%len(accts)], acctIndex: c % len(accts), nodes: cls, st: st}
			for i := range per {
				if err := cl.transact(t, i); err != nil {
					t.Errorf("client %d transaction %d: %v", c, i, err)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	events.wait()
	verify(t, cls[0], accts, st)
	report(st, elapsed, events)
}

// startFaults kills node 1 after -kill-at of the transactions (and starts
// it again two seconds later), and runs -restart-db after -restart-at.
func startFaults(t *testing.T, nodes []*node, done *atomic.Int64) *faults {
	f := &faults{stop: make(chan struct{})}
	total := float64(*transactions / *clients * *clients)
	f.wg.Go(func() {
		killed, restarted := *killAt <= 0 || len(nodes) < 2, *restartDB == ""
		for !killed || !restarted {
			select {
			case <-f.stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			n := float64(done.Load())
			if !killed && n >= *killAt*total {
				killed = true
				nodes[1].kill()
				f.log("node 1 killed (SIGKILL) after %.0f transactions", n)
				time.Sleep(2 * time.Second)
				nodes[1].start(t)
				f.log("node 1 restarted")
			}
			if !restarted && n >= *restartAt*total {
				restarted = true
				t0 := time.Now()
				out, err := exec.Command("bash", "-c", *restartDB).CombinedOutput()
				if err != nil {
					t.Errorf("-restart-db: %v\n%s", err, out)
				}
				f.log("database restarted after %.0f transactions (took %v)", n, time.Since(t0).Round(time.Millisecond))
			}
		}
	})
	return f
}

type faults struct {
	wg   sync.WaitGroup
	stop chan struct{}
	mu   sync.Mutex
	logs []string
}

func (f *faults) log(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

func (f *faults) wait() {
	close(f.stop)
	f.wg.Wait()
}

// verify downloads every account's container and checks the entries
// against the acknowledgements.
func verify(t *testing.T, c *protocol.Client, accts []*account, st *stats) {
	byAccount := make(map[int]map[int64][32]byte)
	for _, a := range st.acks {
		if byAccount[a.account] == nil {
			byAccount[a.account] = make(map[int64][32]byte)
		}
		if _, dup := byAccount[a.account][a.index]; dup {
			t.Errorf("account %d index %d acknowledged twice", a.account, a.index)
		}
		byAccount[a.account][a.index] = a.sum
	}
	stored := 0
	for i, a := range accts {
		envs, err := a.download(c, 0)
		if err != nil {
			t.Fatalf("downloading account %d: %v", i, err)
		}
		seen := make(map[[32]byte]int64)
		for idx, env := range envs {
			sum := sha256.Sum256(env)
			if prev, dup := seen[sum]; dup {
				t.Errorf("account %d: entry at %d duplicates entry %d", i, idx, prev)
			}
			seen[sum] = int64(idx)
		}
		for idx, sum := range byAccount[i] {
			if idx >= int64(len(envs)) {
				t.Errorf("account %d: acknowledged index %d lost (%d entries stored)", i, idx, len(envs))
			} else if sha256.Sum256(envs[idx]) != sum {
				t.Errorf("account %d: entry %d is not the one acknowledged there", i, idx)
			}
		}
		stored += len(envs)
	}
	if stored != len(st.acks) {
		t.Errorf("%d entries stored, %d acknowledged", stored, len(st.acks))
	}
	fmt.Printf("verified: %d entries stored, %d acknowledged, 0 lost, 0 duplicated\n", stored, len(st.acks))
}

func report(st *stats, elapsed time.Duration, f *faults) {
	for _, l := range f.logs {
		fmt.Println("fault:", l)
	}
	lat := slices.Clone(st.latencies)
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))].Round(10 * time.Microsecond) }
	store := "embedded"
	if *storeURL != "" {
		store = "postgres"
	}
	fmt.Printf("store=%s nodes=%d clients=%d accounts=%d transactions=%d in %v: throughput=%.0f/s p50=%v p99=%v max=%v failed-attempts=%d (of which committed: %d)\n",
		store, *nodeCount, *clients, *accountCount, len(st.acks), elapsed.Round(time.Millisecond),
		float64(len(st.acks))/elapsed.Seconds(), pct(0.50), pct(0.99), pct(1), st.errors, st.recovered)
	if os.Getenv("LOADTEST_QUIET") == "" {
		fmt.Println("(latency is per acknowledged Transact, including retries after a failed attempt)")
	}
}
