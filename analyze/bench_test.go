package analyze

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

// benchEvents is the size of the benchmark trace.
const benchEvents = 10_000_000

var benchTrace = sync.OnceValues(func() ([]byte, error) {
	// Generating 10 million events takes seconds: keep the file between
	// runs, named after its parameters.
	path := filepath.Join(os.TempDir(), fmt.Sprintf("trec-analyze-bench-v1-%d.trc", benchEvents))
	if data, err := os.ReadFile(path); err == nil {
		if r, err := format.NewReader(bytes.NewReader(data)); err == nil {
			return data, checkEvents(r)
		}
	}
	var buf bytes.Buffer
	if err := writeBenchTrace(&buf, benchEvents); err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err == nil {
		os.Rename(tmp, path)
	}
	return buf.Bytes(), nil
})

func checkEvents(r *format.Reader) error {
	for {
		if _, err := r.Next(); err != nil {
			if err == io.EOF && r.Events() == benchEvents {
				return nil
			}
			return fmt.Errorf("cached benchmark trace: %v after %d events", err, r.Events())
		}
	}
}

// writeBenchTrace writes n events shaped like a busy program's: four
// threads of one process doing reads and writes with small captures,
// opens of a few paths, closes and mmaps.
func writeBenchTrace(out io.Writer, n int) error {
	w, err := format.NewWriter(out, &format.Header{Arch: "x86_64", Argv: []string{"bench"}, Cwd: "/home/user"}, format.WriterOptions{})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	paths := [][]byte{
		[]byte("/usr/lib/x86_64-linux-gnu/libc.so.6"), []byte("/etc/passwd"),
		[]byte("/home/user/data/input.csv"), []byte("config.json"), []byte("/nonexistent"),
	}
	data := make([]byte, 64)
	for i := range data {
		data[i] = "abcdefghij \n"[i%12]
	}
	const pid = 4000
	tids := []int32{4000, 4001, 4002, 4003}
	t := int64(0)
	var enter, exit format.Event
	caps := make([]format.Capture, 1)
	written := 0
	for written < n {
		tid := tids[rng.IntN(len(tids))]
		t += int64(300 + rng.IntN(2000))
		enter = format.Event{Kind: format.KindSyscallEnter, Time: t, Tid: tid, Pid: pid}
		t += int64(100 + rng.IntN(4000))
		exit = format.Event{Kind: format.KindSyscallExit, Time: t, Tid: tid, Pid: pid}
		fd := uint64(3 + rng.IntN(5))
		switch k := rng.IntN(20); {
		case k < 8: // read
			enter.Nr, enter.Args = 0, [6]uint64{fd, 0x7ffd5e1c2000, 4096}
			exit.Nr, exit.Ret = 0, 16
			caps[0] = format.Capture{Arg: 1, Kind: format.CaptureBuffer, Data: data[:16], Size: 4096}
			exit.Captures = caps
		case k < 14: // write
			enter.Nr, enter.Args = 1, [6]uint64{1, 0x55d4c8a3e2a0, 24}
			caps[0] = format.Capture{Arg: 1, Kind: format.CaptureBuffer, Data: data[:24]}
			enter.Captures = caps
			exit.Nr, exit.Ret = 1, 24
		case k < 16: // openat
			p := paths[rng.IntN(len(paths))]
			enter.Nr, enter.Args = 257, [6]uint64{0xffffff9c, 0x7ffd5e1c2100, 0x80000}
			caps[0] = format.Capture{Arg: 1, Kind: format.CaptureString, Data: p}
			enter.Captures = caps
			exit.Nr, exit.Ret = 257, int64(fd)
			if p[1] == 'n' {
				exit.Ret = -2
			}
		case k < 18: // close
			enter.Nr, enter.Args = 3, [6]uint64{fd}
			exit.Nr = 3
		default: // mmap
			enter.Nr, enter.Args = 9, [6]uint64{0, 8192, 3, 0x22, 0xffffffffffffffff, 0}
			exit.Nr, exit.Ret = 9, 0x7f3a1c2d4000
		}
		if err := w.Write(&enter); err != nil {
			return err
		}
		if err := w.Write(&exit); err != nil {
			return err
		}
		written += 2
	}
	return w.Close(nil)
}

func benchReader(b *testing.B) (*format.Reader, []byte) {
	data, err := benchTrace()
	if err != nil {
		b.Fatal(err)
	}
	r, err := format.NewReader(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	return r, data
}

// BenchmarkStats measures trec stats over the 10-million-event trace,
// decompression and decoding included.
func BenchmarkStats(b *testing.B) {
	_, data := benchReader(b)
	b.ReportAllocs()
	b.ResetTimer()
	events := 0
	for range b.N {
		r, _ := format.NewReader(bytes.NewReader(data))
		w, err := NewWalker(r.Header(), nil, WalkerOptions{TrackFDs: true})
		if err != nil {
			b.Fatal(err)
		}
		s := NewStats(w, StatsOptions{})
		if err := w.Walk(r, s); err != io.EOF {
			b.Fatal(err)
		}
		rep := s.Report(w.Kept(), w.EndTime())
		if err := rep.WriteText(io.Discard); err != nil {
			b.Fatal(err)
		}
		events += int(r.Events())
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDump measures trec dump -y of the same trace to io.Discard.
func BenchmarkDump(b *testing.B) {
	_, data := benchReader(b)
	b.ReportAllocs()
	b.ResetTimer()
	lines := uint64(0)
	for range b.N {
		r, _ := format.NewReader(bytes.NewReader(data))
		w, err := NewWalker(r.Header(), nil, WalkerOptions{TrackFDs: true})
		if err != nil {
			b.Fatal(err)
		}
		p := NewPrinter(io.Discard, w, r.Header(), DumpOptions{FDPaths: true})
		if err := w.Walk(r, p); err != io.EOF {
			b.Fatal(err)
		}
		if err := p.Flush(); err != nil {
			b.Fatal(err)
		}
		lines += p.Lines()
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkRead is the floor: reading the trace without analysis.
func BenchmarkRead(b *testing.B) {
	_, data := benchReader(b)
	b.ReportAllocs()
	b.ResetTimer()
	events := 0
	for range b.N {
		r, _ := format.NewReader(bytes.NewReader(data))
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
		events += int(r.Events())
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
