package analyze_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/analyze/table"
	"github.com/trecdev/trec/format"
)

// BenchmarkTable measures trec export --format parquet of the
// 10-million-event benchmark trace (5 million syscalls) to a file:
// decompression, decoding, the walker with fd tables, the rows, Parquet
// encoding and zstd, with the peak of the Go heap.
func BenchmarkTable(b *testing.B) {
	data, err := analyze.BenchTrace()
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "bench.parquet")
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	var rows int64
	var peak uint64
	for range b.N {
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		r, err := format.NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		w, err := analyze.NewWalker(r.Header(), nil, analyze.WalkerOptions{TrackFDs: true})
		if err != nil {
			b.Fatal(err)
		}
		tw, err := table.NewWriter(f, table.Options{})
		if err != nil {
			b.Fatal(err)
		}
		t := tw.BeginTrace(r.Header(), r.HeaderBytes(), w)
		if err := w.Walk(r, t); err != io.EOF {
			b.Fatal(err)
		}
		if err := t.End(); err != nil {
			b.Fatal(err)
		}
		if err := tw.Close(); err != nil {
			b.Fatal(err)
		}
		rows += tw.Rows()
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapSys)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	// CPU time per row, all goroutines together: on a busy machine the
	// rate above counts the time other processes held the CPUs.
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(rows), "cpu-ns/row")
	b.ReportMetric(float64(peak)/(1<<20), "heap-MiB")
}

// cpuTime returns the CPU time the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
