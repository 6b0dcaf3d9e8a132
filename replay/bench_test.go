package replay

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/sysent"
)

// lastTrace is the last benchmark trace made, kept for the next
// benchmark that wants the same: only one, as the heap is measured.
var lastTrace struct {
	sync.Mutex
	n     int
	trace []byte
}

// benchTrace returns a trace of about n events shaped like a build's: a
// few processes forked one after another, each opening headers and
// sources by absolute paths, walking directories with openat and
// newfstatat relative to a directory fd, reading, writing and closing.
func benchTrace(b *testing.B, n int) []byte {
	lastTrace.Lock()
	defer lastTrace.Unlock()
	if lastTrace.n == n {
		return lastTrace.trace
	}
	lastTrace.n, lastTrace.trace = 0, nil
	tab := sysent.ForArch(sysent.X86_64)
	host, _ := os.Hostname()
	var buf bytes.Buffer
	w, err := format.NewWriter(&buf, &format.Header{Arch: "x86_64", Argv: []string{"make"}, Cwd: "/home/user/src", Hostname: host},
		format.WriterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	nr := func(name string) int32 {
		sc, _ := tab.ByName(name)
		return int32(sc.Nr)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var dirs, files []string
	for i := range 40 {
		dirs = append(dirs, fmt.Sprintf("/usr/include/pkg%d", i))
		for j := range 50 {
			files = append(files, fmt.Sprintf("/usr/include/pkg%d/header%d.h", i, j))
		}
	}
	data := bytes.Repeat([]byte("int x;\n"), 10)
	t := int64(0)
	pid := int32(1000)
	written := 0
	emit := func(e format.Event) {
		t += int64(200 + rng.IntN(1000))
		e.Time = t
		if e.Tid == 0 {
			e.Tid, e.Pid = pid, pid
		}
		if err := w.Write(&e); err != nil {
			b.Fatal(err)
		}
		written++
	}
	str := func(arg int, s string) []format.Capture {
		return []format.Capture{{Arg: uint8(arg), Kind: format.CaptureString, Data: []byte(s)}}
	}
	link := func(fd int, s string) []format.Capture {
		return []format.Capture{{Kind: format.CaptureFD, Index: uint32(fd), Data: []byte(s)}}
	}
	sys := func(name string, args [6]uint64, ret int64, in, out []format.Capture) {
		emit(format.Event{Kind: format.KindSyscallEnter, Nr: nr(name), Args: args, Captures: in})
		emit(format.Event{Kind: format.KindSyscallExit, Nr: nr(name), Ret: ret, Captures: out})
	}
	emit(format.Event{Kind: format.KindExec, Exec: format.Exec{Path: "/usr/bin/make"},
		Captures: append(append(link(0, "/dev/null"), link(1, "pipe:[1]")...), link(2, "pipe:[2]")...)})
	const atFDCWD = 0xffffff9c
	for written < n {
		// A compiler process: forked, then its work.
		child := pid + 1
		emit(format.Event{Kind: format.KindClone, Clone: format.Clone{Child: child, Kind: format.CloneFork}})
		parent := pid
		pid = child
		for k := 0; k < 2000 && written < n; k++ {
			switch r := rng.IntN(10); {
			case r < 3:
				f := files[rng.IntN(len(files))]
				sys("openat", [6]uint64{atFDCWD, 0x7000, 0x80000}, 3, str(1, f), link(3, f))
				sys("read", [6]uint64{3, 0x8000, 4096}, int64(len(data)), nil,
					[]format.Capture{{Arg: 1, Kind: format.CaptureBuffer, Data: data}})
				sys("close", [6]uint64{3}, 0, nil, nil)
			case r < 5:
				d := dirs[rng.IntN(len(dirs))]
				sys("openat", [6]uint64{atFDCWD, 0x7000, 0x90800}, 4, str(1, d), link(4, d))
				for range 3 {
					name := fmt.Sprintf("header%d.h", rng.IntN(60))
					ret := int64(0)
					if strings.HasSuffix(name, "5.h") {
						ret = -2
					}
					sys("newfstatat", [6]uint64{4, 0x7100, 0x7200, 0x100}, ret, str(1, name), nil)
				}
				sys("close", [6]uint64{4}, 0, nil, nil)
			case r < 6:
				sys("openat", [6]uint64{atFDCWD, 0x7000, 0x241}, 5, str(1, fmt.Sprintf("obj/out%d.o", rng.IntN(100))), nil)
				sys("write", [6]uint64{5, 0x9000, 70}, 70, []format.Capture{{Arg: 1, Kind: format.CaptureBuffer, Data: data}}, nil)
				sys("close", [6]uint64{5}, 0, nil, nil)
			case r < 7:
				sys("access", [6]uint64{0x7000, 4}, -2, str(0, "/etc/ld.so.preload"), nil)
			default:
				sys("mmap", [6]uint64{0, 8192, 3, 0x22, 0xffffffffffffffff, 0}, 0x7f0000000000, nil, nil)
			}
		}
		emit(format.Event{Kind: format.KindExit, Exit: format.Exit{Code: 0}})
		pid = parent
	}
	if err := w.Close(&format.Trailer{}); err != nil {
		b.Fatal(err)
	}
	// A copy as long as the trace: the buffer's spare capacity would
	// count in the heap the benchmark measures.
	trace := bytes.Clone(buf.Bytes())
	lastTrace.n, lastTrace.trace = n, trace
	return trace
}

// benchPolicy is a sandbox policy of 50 rules.
func benchPolicy(b *testing.B) hook.Hook {
	var p strings.Builder
	for i := range 20 {
		fmt.Fprintf(&p, "deny /usr/include/pkg%d/secret*.h\n", i)
	}
	for i := range 20 {
		fmt.Fprintf(&p, "allow read /opt/tool%d/**\n", i)
	}
	p.WriteString(`deny /etc/shadow
deny $HOME/.ssh/**
allow read /etc/**
allow read /usr/include/pkg3*/**
allow read /usr/include/**
allow read /usr/lib/**
allow write /home/user/src/obj/*.o
allow /tmp/**
allow /dev/null
allow read /home/user/src/**
`)
	sb, err := hook.ParseSandbox("bench", []byte(p.String()), hook.PolicyEnv{Home: "/home/user", Tmpdir: "/tmp", Cwd: "/home/user/src"})
	if err != nil {
		b.Fatal(err)
	}
	return sb
}

// peakHeap is an EventSource that samples the live heap as it reads,
// every 256Ki events, after a collection.
type peakHeap struct {
	r    *format.Reader
	n    int
	peak uint64
}

func (p *peakHeap) Next() (*format.Event, error) {
	if p.n++; p.n&(1<<18-1) == 0 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		p.peak = max(p.peak, m.HeapAlloc)
	}
	return p.r.Next()
}

// BenchmarkReplaySandbox replays a build-like trace under a 50-rule
// sandbox: the target is a million events in under a second, with
// the heap flat in the trace's length: peak-heap-MB is the live heap less
// the trace the benchmark holds in memory, to compare between 1M and 4M.
// The collections that measure it are in the time; -bench
// 'ReplaySandbox' -benchtime 5x gives both.
func BenchmarkReplaySandbox(b *testing.B) {
	for _, n := range []int{1_000_000, 4_000_000} {
		b.Run(fmt.Sprintf("events=%dM", n/1_000_000), func(b *testing.B) {
			trace := benchTrace(b, n)
			b.SetBytes(int64(len(trace)))
			b.ReportAllocs()
			var peak uint64
			var res Result
			for b.Loop() {
				rd, err := format.NewReader(bytes.NewReader(trace))
				if err != nil {
					b.Fatal(err)
				}
				src := &peakHeap{r: rd}
				res, err = Run(src, rd.Header(), io.Discard, Options{Hooks: []hook.Hook{benchPolicy(b)}})
				if err != nil {
					b.Fatal(err)
				}
				peak = max(peak, src.peak-uint64(len(trace)))
			}
			if res.Seen == 0 || res.Changed != 0 || res.Undecidable != 0 {
				b.Fatalf("seen %d, changed %d, undecidable %d", res.Seen, res.Changed, res.Undecidable)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mevents/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// BenchmarkWalkOnly reads the same trace through analyze's walker with fd
// tables and nothing else: the floor a replay is compared against.
func BenchmarkWalkOnly(b *testing.B) {
	trace := benchTrace(b, 1_000_000)
	b.SetBytes(int64(len(trace)))
	for b.Loop() {
		rd, err := format.NewReader(bytes.NewReader(trace))
		if err != nil {
			b.Fatal(err)
		}
		w, err := analyze.NewWalker(rd.Header(), nil, analyze.WalkerOptions{TrackFDs: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Walk(rd, nopVisitor{}); err != io.EOF {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mevents/s")
}

type nopVisitor struct{}

func (nopVisitor) SyscallEnter(*analyze.Call) {}
func (nopVisitor) SyscallExit(*analyze.Call)  {}
func (nopVisitor) Event(*format.Event)        {}
