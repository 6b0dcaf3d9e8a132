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
// It streams: call Close at the end to finish the JSON.
type ChromeExporter struct {
	out     *bufio.Writer
	dec     decoder
	buf     []byte
	scratch []byte
	first   bool
	procs   map[int32]bool
	threads map[int32]bool
	err     error
}

// NewChromeExporter writes the start of the JSON document for a trace
// with header h, whose calls w walks.
func NewChromeExporter(out io.Writer, w *Walker, h *format.Header) *ChromeExporter {
	x := &ChromeExporter{
		out:     bufio.NewWriterSize(out, 64<<10),
		dec:     decoder{arch: w.ct.arch, strLen: DefaultStrLen, fdPaths: w.fds != nil, w: w},
		first:   true,
		procs:   map[int32]bool{},
		threads: map[int32]bool{},
	}
	b := append(x.buf[:0], `{"displayTimeUnit":"ms","otherData":{"source":"trec","argv":`...)
	b = appendJSONStrings(b, h.GetArgv())
	b = append(b, `,"start_unix_nano":`...)
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

// Close ends the JSON document and flushes it.
func (x *ChromeExporter) Close() error {
	x.write(append(x.buf[:0], "\n]}\n"...))
	if err := x.out.Flush(); err != nil && x.err == nil {
		x.err = err
	}
	return x.err
}

// begin starts one trace event object: separator, name, phase, time, ids.
func (x *ChromeExporter) begin(b []byte, name string, cat, ph string, t int64, pid, tid int32) []byte {
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
	b = strconv.AppendInt(b, int64(pid), 10)
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

// meta names a process or thread the first time it appears.
func (x *ChromeExporter) meta(b []byte, pid, tid int32) []byte {
	if !x.procs[pid] {
		x.procs[pid] = true
		b = x.nameEvent(b, "process_name", pid, pid, "pid "+strconv.Itoa(int(pid)))
	}
	if !x.threads[tid] {
		x.threads[tid] = true
		b = x.nameEvent(b, "thread_name", pid, tid, "tid "+strconv.Itoa(int(tid)))
	}
	return b
}

func (x *ChromeExporter) nameEvent(b []byte, kind string, pid, tid int32, name string) []byte {
	b = x.begin(b, kind, "", "M", 0, pid, tid)
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
	b := x.meta(x.buf[:0], c.Pid, c.Tid)
	b = x.begin(b, c.Name, "syscall", "X", c.Start(), c.Pid, c.Tid)
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
	pid := e.Pid
	if pid == 0 {
		pid = e.Tid
	}
	b := x.meta(x.buf[:0], pid, e.Tid)
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
		b = x.nameEvent(b, "process_name", pid, pid, label)
	case format.KindAttach:
		name, cat, scope = "attach", "process", "t"
		if len(e.Exec.Argv) > 0 {
			b = x.nameEvent(b, "process_name", pid, pid, string(appendArgv(nil, e.Exec.Argv)))
		}
	case format.KindDetach:
		name, cat, scope = "detach", "process", "t"
	default:
		return
	}
	b = x.begin(b, name, cat, "i", e.Time, pid, e.Tid)
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
