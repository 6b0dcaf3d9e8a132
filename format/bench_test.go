package format

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// realisticEvents returns n syscall events shaped like a real program's: a
// few threads, enter/exit pairs of common calls, heap and stack pointers,
// small fds and counts, deltas of a few microseconds. With captures set,
// paths and small buffers are attached as the recorder would.
func realisticEvents(n int, captures bool) []Event {
	rng := rand.New(rand.NewPCG(7, 11))
	type call struct {
		nr   int32
		args [6]uint64
		ret  int64
		path string
		buf  int
	}
	heap := uint64(0x55d4c8a3e000)
	stack := uint64(0x7ffd5e1c2000)
	calls := []call{
		{nr: 0, args: [6]uint64{3, heap + 0x2a0, 4096}, ret: 4096, buf: 64},
		{nr: 1, args: [6]uint64{1, heap + 0x1480, 57}, ret: 57, buf: 57},
		{nr: 257, args: [6]uint64{0xffffff9c, stack + 0x5f0, 0x80000}, ret: 3, path: "/usr/lib/x86_64-linux-gnu/libc.so.6"},
		{nr: 3, args: [6]uint64{3}, ret: 0},
		{nr: 262, args: [6]uint64{3, 0x7f3a1c2b1e3d, stack + 0x4a0, 0x1000}, ret: 0, path: ""},
		{nr: 9, args: [6]uint64{0, 0x2000, 3, 0x22, 0xffffffffffffffff}, ret: 0x7f3a1c2d4000},
		{nr: 202, args: [6]uint64{heap + 0x9c0, 0x81, 1}, ret: 0},
		{nr: 232, args: [6]uint64{4, stack + 0x100, 32, 0xffffffffffffffff}, ret: 1},
	}
	evs := make([]Event, 0, n)
	t := int64(0)
	tids := []int32{4242, 4243, 4244}
	for len(evs) < n {
		c := calls[rng.IntN(len(calls))]
		tid := tids[0]
		if rng.IntN(4) == 0 {
			tid = tids[rng.IntN(len(tids))]
		}
		t += int64(500 + rng.IntN(3000))
		enter := Event{Kind: KindSyscallEnter, Time: t, Tid: tid, Pid: 4242, Nr: c.nr, Args: c.args}
		t += int64(200 + rng.IntN(5000))
		exit := Event{Kind: KindSyscallExit, Time: t, Tid: tid, Pid: 4242, Nr: c.nr, Ret: c.ret}
		if captures {
			if c.path != "" {
				enter.Captures = []Capture{{Arg: 1, Kind: CaptureString, Data: []byte(c.path)}}
			}
			if c.buf > 0 {
				data := make([]byte, c.buf)
				for i := range data {
					data[i] = "abcdefgh \n"[rng.IntN(10)]
				}
				exit.Captures = []Capture{{Arg: 1, Kind: CaptureBuffer, Data: data}}
			}
		}
		evs = append(evs, enter, exit)
	}
	return evs[:n]
}

// countingWriter counts bytes and discards them.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

func benchmarkWrite(b *testing.B, captures bool) {
	evs := realisticEvents(1<<16, captures)
	var out countingWriter
	w, err := NewWriter(&out, sampleHeader(), WriterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := w.Write(&evs[i%len(evs)]); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(nil); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(out.n)/float64(b.N), "bytes/event")
}

// BenchmarkWrite measures the writer on syscall events without captured
// buffers: the recorder's steady state with -s 0, and the bytes/event target.
func BenchmarkWrite(b *testing.B) { benchmarkWrite(b, false) }

// BenchmarkWriteCaptures adds paths and small buffers to the same mix.
func BenchmarkWriteCaptures(b *testing.B) { benchmarkWrite(b, true) }

func benchmarkRead(b *testing.B, captures bool) {
	evs := realisticEvents(1<<20, captures)
	var buf bytes.Buffer
	w, err := NewWriter(&buf, sampleHeader(), WriterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range evs {
		if err := w.Write(&evs[i]); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(nil); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for n < b.N {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		for n < b.N {
			if _, err := r.Next(); err != nil {
				if !errors.Is(err, io.EOF) {
					b.Fatal(err)
				}
				break
			}
			n++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(len(data))/float64(len(evs)), "bytes/event")
}

// BenchmarkRead measures the reader on the same mix as BenchmarkWrite.
func BenchmarkRead(b *testing.B) { benchmarkRead(b, false) }

// BenchmarkReadCaptures reads the mix with captures.
func BenchmarkReadCaptures(b *testing.B) { benchmarkRead(b, true) }
