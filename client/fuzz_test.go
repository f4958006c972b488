package client

import (
	"bytes"
	"testing"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/udf"
)

// FuzzRegistry feeds machine.json contents to the registry parser: it must
// never panic, and a registry it accepts must re-encode to bytes that parse
// to the same encoding (the written form is canonical).
func FuzzRegistry(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"Default":"MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP","Accounts":[{"ProfileUdf":"MBEZ-AEJU-FPFH-SV6O-LJQA-PX4D-4WVP","AccountAddress":"alice@example.com","Created":"2026-01-02T03:04:05Z"}]}`))
	f.Add([]byte(`{"Accounts":[{"ProfileUdf":"../x","AccountAddress":"a@b"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Registry
		if err := jsonb.Unmarshal(data, &r); err != nil {
			return
		}
		if err := r.check(); err != nil {
			return
		}
		b1, err := jsonb.Marshal(&r)
		if err != nil {
			t.Fatalf("re-encoding an accepted registry: %v", err)
		}
		var r2 Registry
		if err := jsonb.Unmarshal(b1, &r2); err != nil {
			t.Fatalf("re-parsing %s: %v", b1, err)
		}
		b2, err := jsonb.Marshal(&r2)
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("not canonical:\n%s\n%s (%v)", b1, b2, err)
		}
	})
}

// FuzzSeedFile feeds seed file contents to the seed parser: it must never
// panic, and a seed it accepts must be written back as the same seed.
func FuzzSeedFile(f *testing.F) {
	f.Add([]byte(`{"PrivateKeyUDF":{"PrivateValue":"ZAAQ-","KeyType":"MeshProfileDevice"}}`))
	f.Add([]byte(`{"Key":{}}`))
	if b, err := marshalSeed(udf.Seed(udf.MeshProfileDevice, make([]byte, udf.MeshSeedBytes))); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		seed, err := parseSeed("seed", data, udf.MeshProfileDevice)
		if err != nil {
			return
		}
		b, err := marshalSeed(seed)
		if err != nil {
			t.Fatalf("re-encoding an accepted seed: %v", err)
		}
		again, err := parseSeed("seed", b, udf.MeshProfileDevice)
		if err != nil || again != seed {
			t.Fatalf("round trip: %q, %v; want %q", again, err, seed)
		}
	})
}
