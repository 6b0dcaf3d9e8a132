package record

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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

// TestNoAllocationPerEvent records dd twice, with 4000 and with 24000
// one-byte copies: the recording of the extra 80000 events (each with a
// captured byte) must allocate nothing: what allocates is the start, the
// exec and the end, the same in both.
func TestNoAllocationPerEvent(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	measure := func(count string) (mallocs, events uint64) {
		opts := Options{
			Argv:        []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=" + count},
			Stdin:       null,
			Stdout:      null,
			Stderr:      null,
			CaptureSize: 4096,
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res, err := Run(context.Background(), opts, io.Discard)
		runtime.ReadMemStats(&after)
		if err != nil || res.ExitStatus != 0 {
			t.Fatal(err, res.ExitStatus)
		}
		return after.Mallocs - before.Mallocs, res.Events
	}
	measure("1000") // warm up: first use of the runtime's and the writer's pools
	m1, e1 := measure("4000")
	m2, e2 := measure("24000")
	extra := float64(int64(m2)-int64(m1)) / float64(e2-e1)
	t.Logf("%d events: %d allocations; %d events: %d; %.5f per extra event", e1, m1, e2, m2, extra)
	if extra > 0.001 {
		t.Errorf("%.5f allocations per event in steady state, want none", extra)
	}
}

// BenchmarkPlacement records a multi-threaded CPU-bound Go program (the
// benchmark's threads workload: 4 goroutines hashing 4 KiB blocks they
// write and read back) and dd, pinned to one CPU and with NoPin, and runs
// them bare for reference: pinning saves on every stop and costs the
// program its parallelism.
func BenchmarkPlacement(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "threads")
	if out, err := exec.Command("go", "build", "-o", bin, "../bench/workloads/threads").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	for _, w := range []struct {
		name string
		argv []string
	}{
		{"threads", []string{bin}},
		{"threads-cpu", []string{bin, "-blocks", "300", "-rounds", "100"}},
		{"dd", []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=20000"}},
	} {
		b.Run(w.name+"/bare", func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(w.argv[0], w.argv[1:]...)
				cmd.Stdout, cmd.Stderr = null, null
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, nopin := range []bool{false, true} {
			name := w.name + "/pinned"
			if nopin {
				name = w.name + "/nopin"
			}
			b.Run(name, func(b *testing.B) {
				opts := Options{Argv: w.argv, Stdin: null, Stdout: null, Stderr: null, CaptureSize: 4096, NoPin: nopin}
				for b.Loop() {
					if res, err := Run(context.Background(), opts, io.Discard); err != nil || res.ExitStatus != 0 {
						b.Fatal(err, res.ExitStatus)
					}
				}
			})
		}
	}
}
