package diff

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/trecdev/trec/format"
)

// benchEvents is the size of each benchmark trace.
const benchEvents = 1_000_000

// benchTrace returns a generated trace of n events, kept in $TMPDIR
// between runs (trec diff can be timed on the same files). Variants:
// "a"; "b", another run of the same program that differs in a change
// every 1000 calls; "other", a run with other data everywhere; "last",
// a copy of a whose last call failed.
func benchTrace(b *testing.B, variant string) []byte {
	b.Helper()
	data, err := benchFiles(variant)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

var benchCache sync.Map

func benchFiles(variant string) ([]byte, error) {
	if d, ok := benchCache.Load(variant); ok {
		return d.([]byte), nil
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("trec-diff-bench-v2-%d-%s.trc", benchEvents, variant))
	if data, err := os.ReadFile(path); err == nil {
		benchCache.Store(variant, data)
		return data, nil
	}
	var buf bytes.Buffer
	if err := writeBenchRun(&buf, benchEvents, variant); err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err == nil {
		os.Rename(tmp, path)
	}
	benchCache.Store(variant, buf.Bytes())
	return buf.Bytes(), nil
}

// writeBenchRun writes n events of a program shaped like a busy one: a
// process whose four threads each loop over opening a file, stat, reads
// with captured data, a write of results to a pipe, mmap and munmap, and
// close. Pids, pointers and mmap addresses differ per variant, as they do
// between real runs.
func writeBenchRun(out io.Writer, n int, variant string) error {
	w, err := format.NewWriter(out, &format.Header{Arch: "x86_64", Argv: []string{"bench"}, Cwd: "/home/user"}, format.WriterOptions{})
	if err != nil {
		return err
	}
	data := rand.New(rand.NewPCG(1, 2))
	if variant == "other" {
		data = rand.New(rand.NewPCG(3, 4))
	}
	vi := map[string]int{"a": 1, "b": 2, "other": 3, "last": 4}[variant]
	noise := rand.New(rand.NewPCG(uint64(vi), 9))
	change := rand.New(rand.NewPCG(5, 6))
	pid := int32(4000 + 100*vi)
	base := uint64(0x7f0000000000) + uint64(vi)<<24
	t := int64(0)
	var evs [2]format.Event
	caps := make([]format.Capture, 1)
	fdCaps := make([]format.Capture, 1)
	paths := [][]byte{[]byte("/usr/lib/x86_64-linux-gnu/libc.so.6"), []byte("/etc/passwd"), []byte("data/input.csv"), []byte("config.json"), []byte("/var/cache/x")}
	buf := make([]byte, 64)
	threads := [4]struct{ step, fd int }{}
	clones := 0
	ev := func(kind format.Kind, tid int32, nr int32) *format.Event {
		e := &evs[0]
		if kind == format.KindSyscallExit {
			e = &evs[1]
		}
		t += int64(300 + noise.IntN(3000))
		*e = format.Event{Kind: kind, Time: t, Tid: tid, Pid: pid, Nr: nr}
		return e
	}
	write := func(e *format.Event) error { return w.Write(e) }
	// The pipe the threads write to, as the exec that starts the trace
	// describes fd 1.
	start := format.Event{Kind: format.KindExec, Time: 0, Tid: pid, Pid: pid, Exec: format.Exec{Path: "/usr/bin/bench", Argv: []string{"bench"}},
		Captures: []format.Capture{{Kind: format.CaptureFD, Index: 1, Data: []byte(fmt.Sprintf("pipe:[%d]", 1000+vi))}}}
	if err := write(&start); err != nil {
		return err
	}
	written := 1
	for clones < 3 {
		clones++
		c := format.Event{Kind: format.KindClone, Time: t, Tid: pid, Pid: pid, Clone: format.Clone{Child: pid + int32(clones), Kind: format.CloneThread}}
		if err := write(&c); err != nil {
			return err
		}
		written++
	}
	for written < n {
		k := data.IntN(4)
		tid := pid + int32(k)
		th := &threads[k]
		enter := ev(format.KindSyscallEnter, tid, 0)
		exit := ev(format.KindSyscallExit, tid, 0)
		nr, ret := int32(0), int64(0)
		enter.Captures, exit.Captures = nil, nil
		switch th.step % 8 {
		case 0: // openat
			p := paths[data.IntN(len(paths))]
			nr, ret = 257, int64(3+k)
			enter.Args = [6]uint64{0xffffff9c, base + 0x1000, 0x80000}
			caps[0] = format.Capture{Arg: 1, Kind: format.CaptureString, Data: p}
			enter.Captures = caps
			fdCaps[0] = format.Capture{Kind: format.CaptureFD, Index: uint32(ret), Data: p}
			exit.Captures = fdCaps
			th.fd = int(ret)
		case 1: // fstat, as a small read
			nr, ret = 0, 16
			enter.Args = [6]uint64{uint64(th.fd), base + 0x2000, 16}
			exit.Captures = []format.Capture{{Arg: 1, Kind: format.CaptureBuffer, Data: []byte("0123456789abcdef")}}
		case 2, 3: // read
			nr = 0
			m := 1 + data.IntN(len(buf))
			for i := range m {
				buf[i] = byte('a' + data.IntN(26))
			}
			ret = int64(m)
			enter.Args = [6]uint64{uint64(th.fd), base + 0x3000 + uint64(k)<<12, 4096}
			exit.Captures = []format.Capture{{Arg: 1, Kind: format.CaptureBuffer, Data: buf[:m]}}
		case 4: // write to the pipe
			nr, ret = 1, 24
			enter.Args = [6]uint64{1, base + 0x4000, 24}
			enter.Captures = []format.Capture{{Arg: 1, Kind: format.CaptureBuffer, Data: buf[:24]}}
		case 5: // mmap
			nr, ret = 9, int64(base+uint64(noise.IntN(1<<20))<<12)
			enter.Args = [6]uint64{0, 8192, 3, 0x22, 0xffffffffffffffff, 0}
		case 6: // munmap
			nr = 11
			enter.Args = [6]uint64{base + uint64(noise.IntN(1<<20))<<12, 8192}
		case 7: // close
			nr = 3
			enter.Args = [6]uint64{uint64(th.fd)}
		}
		th.step++
		if variant == "b" && change.IntN(1000) == 0 {
			ret = -2
		}
		if variant == "last" && written+2 >= n {
			ret = -13
		}
		enter.Nr, exit.Nr, exit.Ret = nr, nr, ret
		if err := write(enter); err != nil {
			return err
		}
		if err := write(exit); err != nil {
			return err
		}
		written += 2
	}
	return w.Close(nil)
}

func benchInput(name string, data []byte) Input {
	return Input{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func benchCompare(b *testing.B, va, vb string) {
	da, db := benchTrace(b, va), benchTrace(b, vb)
	opts := Options{TimeThreshold: 0.5, MinTimeGrowth: 1e6, MaxHunks: 10, MaxHunkLines: 200, Context: 3, StrLen: 32}
	b.ReportAllocs()
	b.ResetTimer()
	var rep *Report
	for range b.N {
		var err error
		rep, err = Compare(benchInput(va, da), benchInput(vb, db), opts)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	hunks := 0
	for _, t := range rep.Threads {
		hunks += len(t.Hunks) + t.HunksOmitted
	}
	b.ReportMetric(float64(rep.A.Events+rep.B.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(hunks), "hunks")
}

// BenchmarkCompareSparse: two runs of a million events each that differ in
// one call in a thousand.
func BenchmarkCompareSparse(b *testing.B) { benchCompare(b, "a", "b") }

// BenchmarkCompareOther: two runs of a million events each whose data
// differ everywhere: the sequence diff's worst case.
func BenchmarkCompareOther(b *testing.B) { benchCompare(b, "a", "other") }

// BenchmarkCompareLast: two runs of a million events each that differ in
// their last call.
func BenchmarkCompareLast(b *testing.B) { benchCompare(b, "a", "last") }

// BenchmarkCompareSame: a run against itself.
func BenchmarkCompareSame(b *testing.B) { benchCompare(b, "a", "a") }
