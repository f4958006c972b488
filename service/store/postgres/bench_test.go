package postgres

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/mathmesh/mesh/service/store"
)

// BenchmarkAppend: one entry of 256 bytes per Append, one writer.
func BenchmarkAppend(b *testing.B) {
	s := openTest(b, testSchema(b, "bench"), nil)
	if err := s.CreateAccount(ctx, account("MAAA-B")); err != nil {
		b.Fatal(err)
	}
	env := make([]byte, 256)
	b.SetBytes(int64(len(env)))
	for b.Loop() {
		if _, err := s.Append(ctx, []store.Batch{{Account: "MAAA-B", Container: "MMM_Inbound", Entries: []store.Entry{{Envelope: env}}}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendParallel: concurrent writers, each on a container of its
// own account, so that commits overlap (group commit in PostgreSQL).
func BenchmarkAppendParallel(b *testing.B) {
	s := openTest(b, testSchema(b, "benchpar"), nil)
	var next atomic.Int64
	env := make([]byte, 256)
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		udf := fmt.Sprintf("MAAA-P%d", next.Add(1))
		if err := s.CreateAccount(ctx, account(udf)); err != nil {
			b.Error(err)
			return
		}
		for pb.Next() {
			if _, err := s.Append(ctx, []store.Batch{{Account: udf, Container: "MMM_Inbound", Entries: []store.Entry{{Envelope: env}}}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkStatus: the status of an account with two containers.
func BenchmarkStatus(b *testing.B) {
	s := openTest(b, testSchema(b, "benchstatus"), nil)
	if err := s.CreateAccount(ctx, account("MAAA-S")); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Append(ctx, []store.Batch{{Account: "MAAA-S", Container: "MMM_Inbound", Entries: entries("a")},
		{Account: "MAAA-S", Container: "MMM_Contact", Entries: entries("b")}}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Status(ctx, "MAAA-S"); err != nil {
			b.Fatal(err)
		}
	}
}
