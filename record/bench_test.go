package record

import (
	"context"
	"io"
	"os"
	"runtime"
	"testing"
)

// BenchmarkDD records dd's 40000 one-byte syscalls; it reports the
// recorder's allocations per event, which should be near zero.
func BenchmarkDD(b *testing.B) {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	opts := Options{
		Argv:        []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=20000"},
		Stdin:       null,
		Stdout:      null,
		Stderr:      null,
		CaptureSize: 4096,
	}
	var events uint64
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		res, err := Run(context.Background(), opts, io.Discard)
		if err != nil || res.ExitStatus != 0 {
			b.Fatal(err, res.ExitStatus)
		}
		events += res.Events
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(events), "allocs/event")
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}
