package dare

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/keys"
)

// TestDecodeFileLeavesNothing: a damaged envelope leaves no output and no
// temporary file, and no pipeline goroutine keeps running.
func TestDecodeFileLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	k := genKey(t, keys.Ed448)
	in, env, out := filepath.Join(dir, "in"), filepath.Join(dir, "in.dare"), filepath.Join(dir, "out")
	payload := strings.Repeat("0123456789abcdef", 100000)
	if err := os.WriteFile(in, []byte(payload), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := EncodeFile(in, env, &EncodeOptions{Recipients: []keys.PublicKey{k.Public()}}, nil); err != nil {
		t.Fatal(err)
	}
	ring := &Keyring{Private: []keys.PrivateKey{k}}
	if _, err := DecodeFile(env, out, ring, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out); string(got) != payload {
		t.Fatal("decoded file differs")
	}
	os.Remove(out)
	before := runtime.NumGoroutine()
	data, _ := os.ReadFile(env)
	for _, pos := range []int{len(data) / 2, len(data) - 20} {
		bad := append([]byte(nil), data...)
		bad[pos] ^= 1
		if err := os.WriteFile(env, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeFile(env, out, ring, nil); err == nil {
			t.Fatalf("corruption at %d not detected", pos)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "in" && e.Name() != "in.dare" {
				t.Fatalf("left behind: %s", e.Name())
			}
		}
	}
	time.Sleep(50 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("goroutines: %d before, %d after", before, after)
	}
}
