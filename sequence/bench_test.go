package sequence

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

var entry100 = Entry{Payload: make([]byte, 100)}

func benchAppend(b *testing.B, sync SyncMode, batch int) {
	s, err := Create(filepath.Join(b.TempDir(), "b.dare"), Options{Type: Merkle, Sync: sync})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	entries := make([]Entry, batch)
	for i := range entries {
		entries[i] = entry100
	}
	b.SetBytes(100)
	b.ResetTimer()
	for n := 0; n < b.N; n += batch {
		if _, err := s.AppendBatch(entries[:min(batch, b.N-n)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkAppendDurable: Append with the default SyncAlways (one fsync per
// frame): every acknowledged frame is durable.
func BenchmarkAppendDurable(b *testing.B) { benchAppend(b, SyncAlways, 1) }

// BenchmarkAppendBatchDurable: AppendBatch of 1000 frames, one fsync per
// batch: every acknowledged batch is durable.
func BenchmarkAppendBatchDurable(b *testing.B) { benchAppend(b, SyncAlways, 1000) }

// BenchmarkAppendDurableParallel: Append with SyncAlways from 32
// goroutines: concurrent appenders share fsyncs (group commit), and every
// acknowledged frame is durable.
func BenchmarkAppendDurableParallel(b *testing.B) {
	s, err := Create(filepath.Join(b.TempDir(), "b.dare"), Options{Type: Merkle})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.SetBytes(100)
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Append(entry100); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
}

// BenchmarkAppendNoSync: Append with SyncNone (written to the OS; durable
// at Sync or Close).
func BenchmarkAppendNoSync(b *testing.B) { benchAppend(b, SyncNone, 1) }

var (
	bigOnce sync.Once
	bigPath string
)

// bigSequence writes a 100,000-frame Merkle sequence of 100-byte payloads
// once per test binary.
func bigSequence(b *testing.B) string {
	bigOnce.Do(func() {
		dir, err := osMkdirTemp()
		if err != nil {
			b.Fatal(err)
		}
		bigPath = filepath.Join(dir, "big.dare")
		s, err := Create(bigPath, Options{Type: Merkle, Sync: SyncNone})
		if err != nil {
			b.Fatal(err)
		}
		entries := make([]Entry, 1000)
		for i := range entries {
			entries[i] = entry100
		}
		for s.Len() < 100_000 {
			if _, err := s.AppendBatch(entries[:min(1000, 100_000-int(s.Len()))]); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	})
	return bigPath
}

// BenchmarkOpenVerify100k: Open with Options.Verify of 100,000 frames: the
// offset table, the Merkle tree and every check of Verify, in one pass.
func BenchmarkOpenVerify100k(b *testing.B) {
	path := bigSequence(b)
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		s, err := Open(path, Options{ReadOnly: true, Verify: true})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.StopTimer()
	reportCPU(b, start)
}

// BenchmarkOpen100k: Open alone.
func BenchmarkOpen100k(b *testing.B) {
	path := bigSequence(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Open(path, Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkFrameLookup: Frame(i) at random indexes of a 100,000-frame
// sequence (O(1): one read through the offset table).
func BenchmarkFrameLookup(b *testing.B) {
	s, err := Open(bigSequence(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Frame(int64(i*7919) % 100_000); err != nil {
			b.Fatal(err)
		}
	}
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "sequence-bench") }

// BenchmarkVerify100k: Verify alone on an open 100,000-frame sequence.
func BenchmarkVerify100k(b *testing.B) {
	s, err := Open(bigSequence(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Verify(); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime returns the user+system CPU time of this process. The benchmark
// machine is shared, so CPU time per operation is reported next to the wall
// time: it is what the operation costs without waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}
