package client

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/profile"
)

// The sync target (issue "accounts", Performance): a 10,000-entry catalog
// reaches a fresh device in at most 2 s, and an incremental sync costs in
// proportion to the new entries only.

const bigCatalog = 10_000

// fixtureSize is the catalog size of the shared fixture: bigCatalog, or
// 1,000 under the race detector.
func fixtureSize() int {
	if raceEnabled {
		return 1000
	}
	return bigCatalog
}

// addCredentials adds n credentials to the account's credential catalog,
// in Transacts of at most 2,000 envelopes.
func addCredentials(t testing.TB, a *Account, from, n int) {
	t.Helper()
	ctx := context.Background()
	ck, err := a.storeKeys(profile.StoreCredential)
	if err != nil {
		t.Fatal(err)
	}
	for done := 0; done < n; {
		batch := min(2000, n-done)
		_, err := a.transact(ctx, profile.StoreCredential, func(lc *localContainer) ([][]byte, error) {
			cat, err := catalog.Open(lc, profile.StoreCredential, ck)
			if err != nil {
				return nil, err
			}
			envs := make([][]byte, batch)
			for i := range envs {
				k := from + done + i
				envs[i], err = cat.New(&catalog.CatalogedCredential{
					Service: fmt.Sprintf("site%05d.example.com", k), Username: "alice", Password: fmt.Sprintf("pw%d", k),
				})
				if err != nil {
					return nil, err
				}
			}
			return envs, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		done += batch
	}
}

// freshDevice returns a client on a new data directory holding the same
// account as src (its seed, profile and service) but no catalog copies:
// a device whose first sync must fetch everything.
func freshDevice(t testing.TB, src *Client, url string, profileUDF string) *Client {
	t.Helper()
	dst := testClient(t, url)
	h := dst.Home()
	seed, err := src.Home().AccountSeed(profileUDF)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SaveAccountSeed(profileUDF, seed); err != nil {
		t.Fatal(err)
	}
	// The same device's clone: its record names the device's connection,
	// which only that device's seed activates.
	ds, err := src.Home().DeviceSeed()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SaveDeviceSeed(ds); err != nil {
		t.Fatal(err)
	}
	rec, err := src.Home().loadRecord(profileUDF)
	if err != nil {
		t.Fatal(err)
	}
	rec.Containers, rec.Synced = nil, nil
	if err := h.saveRecord(rec); err != nil {
		t.Fatal(err)
	}
	reg := &Registry{}
	if err := reg.Add(&AccountEntry{ProfileUdf: profileUDF, AccountAddress: rec.AccountAddress, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := h.SaveRegistry(reg); err != nil {
		t.Fatal(err)
	}
	return dst
}

// nextSite numbers the entries the benchmarks add after the fixture.
var nextSite atomic.Int64

func init() { nextSite.Store(2 * bigCatalog) }

var bigFixture struct {
	once sync.Once
	url  string
	c    *Client
	udf  string
}

// bigAccount makes, once per test binary, an account whose credential
// catalog holds bigCatalog entries.
func bigAccount(t testing.TB) (*Client, string, string) {
	bigFixture.once.Do(func() {
		url := testServiceShared(t)
		c := testClientShared(t, url)
		res, err := c.CreateAccount(context.Background(), "big@example.com")
		if err != nil {
			t.Fatal(err)
		}
		a, err := c.Open("")
		if err != nil {
			t.Fatal(err)
		}
		addCredentials(t, a, 0, fixtureSize())
		bigFixture.url, bigFixture.c, bigFixture.udf = url, c, res.Account
	})
	if bigFixture.c == nil {
		t.Fatal("the big account fixture failed")
	}
	return bigFixture.c, bigFixture.url, bigFixture.udf
}

func TestSyncFreshDevice(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a 10,000-entry catalog")
	}
	ctx := context.Background()
	src, url, udf := bigAccount(t)
	dev := freshDevice(t, src, url, udf)
	a, err := dev.Open("")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := a.Sync(ctx)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	n := fixtureSize()
	t.Logf("first sync of a %d-entry catalog to a fresh device: %v (%d entries in all)", n, elapsed, res.Fetched)
	if got := a.rec.tree(profile.StoreCredential).Len(); got != int64(n) {
		t.Fatalf("fresh device holds %d credential envelopes, want %d", got, n)
	}
	v, err := a.Catalog(ctx, profile.StoreCredential, false)
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != n {
		t.Errorf("replayed catalog has %d entries, want %d", v.Len(), n)
	}
	e, err := v.Get(":site00424.example.com")
	v.Close()
	if err != nil || e.(*catalog.CatalogedCredential).Password != "pw424" {
		t.Fatalf("entry 424: %v, %v", e, err)
	}

	// Incremental: 5 new entries elsewhere; the next sync fetches 5.
	srcAcct, err := src.Open("")
	if err != nil {
		t.Fatal(err)
	}
	addCredentials(t, srcAcct, int(nextSite.Add(5))-4, 5)
	res, err = a.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Fetched != 5 {
		t.Errorf("incremental sync fetched %d entries, want 5", res.Fetched)
	}
}

// BenchmarkSyncFreshDevice times the first sync of a device to an account
// with a 10,000-entry catalog (Status, Download pages, Merkle check, local
// append). The catalog is then read from the local copy without sync.
func BenchmarkSyncFreshDevice(b *testing.B) {
	ctx := context.Background()
	src, url, udf := bigAccount(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dev := freshDevice(b, src, url, udf)
		a, err := dev.Open("")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := a.Sync(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fixtureSize()), "entries/op")
}

// BenchmarkSyncIncremental times a sync that fetches one new entry of the
// 10,000-entry catalog: the cost is one Status and one Download of one
// entry, whatever the catalog's size.
func BenchmarkSyncIncremental(b *testing.B) {
	ctx := context.Background()
	src, url, udf := bigAccount(b)
	dev := freshDevice(b, src, url, udf)
	a, err := dev.Open("")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	srcAcct, err := src.Open("")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		addCredentials(b, srcAcct, int(nextSite.Add(1)), 1)
		b.StartTimer()
		res, err := a.Sync(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if res.Fetched != 1 {
			b.Fatalf("fetched %d, want 1", res.Fetched)
		}
	}
}

// testServiceShared and testClientShared are testService and testClient
// for the fixture shared by several tests and benchmarks: their temporary
// directories outlive any one of them and are removed by TestMain.
func testServiceShared(t testing.TB) string {
	return testService(sharedTB{t})
}

func testClientShared(t testing.TB, url string) *Client {
	return testClient(sharedTB{t}, url)
}

// sharedTB gives the fixture directories under sharedDir, with no cleanup
// tied to the test that first asked.
type sharedTB struct{ testing.TB }

var sharedDir string

func (s sharedTB) TempDir() string {
	d, err := os.MkdirTemp(sharedDir, "fixture")
	if err != nil {
		s.Fatal(err)
	}
	return d
}

func (s sharedTB) Cleanup(func()) {}

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "client-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedDir = d
	code := m.Run()
	os.RemoveAll(filepath.Clean(d))
	os.Exit(code)
}
