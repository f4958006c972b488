package sshplugin

import (
	"testing"
	"time"
)

// BenchmarkSign is the plugin's share of a sign round trip: the agent
// protocol, the key lookup and the channel signer, with mesh-agent in
// memory (scripts/bench-ssh-agent.sh measures the whole path).
func BenchmarkSign(b *testing.B) {
	h := benchHarness(b)
	k, _ := h.b.addMesh("bench")
	data := make([]byte, 150)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.client.Sign(k.Public, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList is one identity listing of four keys.
func BenchmarkList(b *testing.B) {
	h := benchHarness(b)
	for _, c := range []string{"a", "b", "c", "d"} {
		h.b.addMesh(c)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.client.List(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchHarness(b *testing.B) *harness {
	clock := &testClock{t: time.Now()}
	mb := newMemBackend(clock.now)
	srv := NewServer(mb, Options{Now: clock.now})
	b.Cleanup(func() { srv.Close() })
	h := &harness{b: mb, srv: srv, clock: clock}
	sock := socketServer(b, srv)
	h.client, h.conn = dialUnix(b, sock)
	return h
}
