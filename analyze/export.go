package analyze

import (
	"bufio"
	"io"
	"path"
	"strconv"

	"github.com/trecdev/trec/format"
)

// ChromeExporter is a Visitor that writes the Chrome Trace Event Format
// (the JSON that Perfetto's UI and chrome://tracing open): one track per
// thread grouped by process, each syscall a complete ("X") slice with its
// decoded arguments, signals, execs, clones and exits as instant ("i")
// events, and metadata ("M") events naming processes after their argv.
// A process whose pid an earlier process of the trace had gets a track id
// of its own above the kernel's pid range (ProcessTrackBase + its Serial),
// its name still showing its pid.
// It streams: call Close at the end to finish the JSON.
type ChromeExporter struct {
	out     *bufio.Writer
	dec     decoder
	buf     []byte
	scratch []byte
	first   bool
	// tracks holds the track id of each process seen, by Serial; pids
	// the Serial of the first process of each pid.
	tracks  map[uint32]int64
	pids    map[int32]uint32
	threads map[threadTrack]bool
	err     error
}

// ProcessTrackBase is where the Chrome track ids of processes with a
// reused pid start: above PID_MAX_LIMIT, the largest pid Linux hands out.
const ProcessTrackBase = 1 << 22

// threadTrack is one thread of one process's track.
type threadTrack struct {
	serial uint32
	tid    int32
}

// NewChromeExporter writes the start of the JSON document for a trace
// with header h, whose calls w walks.
func NewChromeExporter(out io.Writer, w *Walker, h *format.Header) *ChromeExporter {
	x := &ChromeExporter{
		out:     bufio.NewWriterSize(out, 64<<10),
		dec:     decoder{arch: w.ct.arch, strLen: DefaultStrLen, fdPaths: w.fds != nil, w: w},
		first:   true,
		tracks:  map[uint32]int64{},
		pids:    map[int32]uint32{},
		threads: map[threadTrack]bool{},
	}
	b := append(x.buf[:0], `{"displayTimeUnit":"ms","otherData":{"source":"trec","argv":`...)
	b = appendJSONStrings(b, h.GetArgv())
	b = append(b, `,"start_unix_ns":`...)
	b = strconv.AppendInt(b, h.GetStartUnixNano(), 10)
	b = append(b, `,"arch":`...)
	b = appendJSONString(b, h.GetArch())
	b = append(b, "},\n\"traceEvents\":[\n"...)
	x.write(b)
	return x
}

func (x *ChromeExporter) write(b []byte) {
	x.buf = b
	if x.err == nil {
		_, x.err = x.out.Write(b)
	}
}

// Err returns the first write error.
func (x *ChromeExporter) Err() error { return x.err }

// Close ends the JSON document and flushes it.
func (x *ChromeExporter) Close() error {
	x.write(append(x.buf[:0], "\n]}\n"...))
	if err := x.out.Flush(); err != nil && x.err == nil {
		x.err = err
	}
	return x.err
}

// begin starts one trace event object: separator, name, phase, time, ids.
func (x *ChromeExporter) begin(b []byte, name string, cat, ph string, t int64, track int64, tid int32) []byte {
	if !x.first {
		b = append(b, ",\n"...)
	}
	x.first = false
	b = append(b, `{"name":`...)
	b = appendJSONString(b, name)
	if cat != "" {
		b = append(b, `,"cat":"`...)
		b = append(b, cat...)
		b = append(b, '"')
	}
	b = append(b, `,"ph":"`...)
	b = append(b, ph...)
	b = append(b, `","ts":`...)
	b = appendMicros(b, t)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, track, 10)
	b = append(b, `,"tid":`...)
	return strconv.AppendInt(b, int64(tid), 10)
}

// appendMicros appends nanoseconds as microseconds with three decimals.
func appendMicros(b []byte, ns int64) []byte {
	if ns < 0 {
		b = append(b, '-')
		ns = -ns
	}
	b = strconv.AppendInt(b, ns/1000, 10)
	f := ns % 1000
	return append(b, '.', byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10))
}

// track returns the track id of process p: its pid, unless an earlier
// process had that pid.
func (x *ChromeExporter) track(p Process) int64 {
	if t, ok := x.tracks[p.Serial]; ok {
		return t
	}
	t := int64(p.Pid)
	if first, ok := x.pids[p.Pid]; ok && first != p.Serial {
		t = ProcessTrackBase + int64(p.Serial)
	} else {
		x.pids[p.Pid] = p.Serial
	}
	x.tracks[p.Serial] = t
	return t
}

// meta names a process or thread the first time it appears, and returns
// the process's track id.
func (x *ChromeExporter) meta(b []byte, p Process, tid int32) ([]byte, int64) {
	track, seen := x.tracks[p.Serial]
	if !seen {
		track = x.track(p)
		b = x.nameEvent(b, "process_name", track, p.Pid, "pid "+strconv.Itoa(int(p.Pid)))
	}
	if k := (threadTrack{p.Serial, tid}); !x.threads[k] {
		x.threads[k] = true
		b = x.nameEvent(b, "thread_name", track, tid, "tid "+strconv.Itoa(int(tid)))
	}
	return b, track
}

func (x *ChromeExporter) nameEvent(b []byte, kind string, track int64, tid int32, name string) []byte {
	b = x.begin(b, kind, "", "M", 0, track, tid)
	b = append(b, `,"args":{"name":`...)
	b = appendJSONString(b, name)
	return append(b, "}}"...)
}

// SyscallEnter implements Visitor; slices are written when calls end.
func (x *ChromeExporter) SyscallEnter(*Call) {}

// SyscallExit implements Visitor.
func (x *ChromeExporter) SyscallExit(c *Call) {
	if c.Enter == nil {
		return
	}
	b, track := x.meta(x.buf[:0], c.Proc, c.Tid)
	b = x.begin(b, c.Name, "syscall", "X", c.Start(), track, c.Tid)
	b = append(b, `,"dur":`...)
	d := c.EndTime - c.Start()
	if c.Exit != nil {
		d = c.Duration()
	}
	b = appendMicros(b, max(d, 0))
	b = append(b, `,"args":{`...)
	n, _ := x.dec.layout(c)
	for i := 0; i < n; i++ {
		name := "arg" + strconv.Itoa(i)
		if c.Sys != nil && i < len(c.Sys.Args) {
			name = c.Sys.Args[i].Name
		}
		b = appendJSONString(b, name)
		b = append(b, ':')
		x.scratch = x.dec.appendArg(x.scratch[:0], c, i)
		b = appendJSONString(b, x.scratch)
		b = append(b, ',')
	}
	b = append(b, `"result":`...)
	x.scratch = x.dec.appendRet(x.scratch[:0], c)
	b = appendJSONString(b, x.scratch)
	b = append(b, `,"status":"`...)
	b = append(b, statusName(c.Status)...)
	x.write(append(b, "\"}}"...))
}

// Event implements Visitor.
func (x *ChromeExporter) Event(e *format.Event) {
	b, track := x.meta(x.buf[:0], x.dec.w.Process(eventPid(e)), e.Tid)
	x.scratch = x.scratch[:0]
	var name, cat, scope string
	switch e.Kind {
	case format.KindSignal:
		name, cat, scope = SignalName(e.Signal.Signo), "signal", "t"
		x.scratch = x.dec.appendEventSiginfo(x.scratch, e)
	case format.KindStop:
		name, cat, scope = "stopped by "+SignalName(e.Signal.Signo), "signal", "t"
	case format.KindExit:
		name, cat, scope = string(appendExitText(nil, &e.Exit)), "exit", "t"
		if !e.Exit.Thread {
			scope = "p"
		}
	case format.KindClone:
		name, cat, scope = "clone "+strconv.Itoa(int(e.Clone.Child)), "process", "t"
		x.scratch = appendCloneFlags(x.scratch, e.Clone.Flags)
	case format.KindExec:
		name, cat, scope = "exec "+path.Base(e.Exec.Path), "process", "p"
		x.scratch = appendJSONStrings(x.scratch, e.Exec.Argv)
		// Name the process after the program it runs now.
		label := e.Exec.Path
		if len(e.Exec.Argv) > 0 {
			label = string(appendArgv(nil, e.Exec.Argv))
		}
		b = x.nameEvent(b, "process_name", track, eventPid(e), label)
	case format.KindAttach:
		name, cat, scope = "attach", "process", "t"
		if len(e.Exec.Argv) > 0 {
			b = x.nameEvent(b, "process_name", track, eventPid(e), string(appendArgv(nil, e.Exec.Argv)))
		}
	case format.KindDetach:
		name, cat, scope = "detach", "process", "t"
	default:
		return
	}
	b = x.begin(b, name, cat, "i", e.Time, track, e.Tid)
	b = append(b, `,"s":"`...)
	b = append(b, scope...)
	b = append(b, '"')
	if len(x.scratch) > 0 {
		b = append(b, `,"args":{"detail":`...)
		b = appendJSONString(b, x.scratch)
		b = append(b, '}')
	}
	x.write(append(b, '}'))
}

// appendArgv appends argv joined by spaces.
func appendArgv(b []byte, argv []string) []byte {
	for i, a := range argv {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, a...)
	}
	return b
}

// appendJSONStrings appends a JSON array of strings.
func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}
