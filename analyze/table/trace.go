package table

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"slices"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// TraceID returns the id the table gives a trace: the first 8 bytes of the
// SHA-256 of its header record as stored (format.Reader.HeaderBytes), in
// lowercase hex. The header holds the start time to the nanosecond, the
// host, argv and the recording options, so two recordings differ; a trace
// and its copy by trec filter differ too (the copy's header names the
// filter).
func TraceID(headerBytes []byte) string {
	sum := sha256.Sum256(headerBytes)
	return hex.EncodeToString(sum[:8])
}

// Trace writes the rows of one trace: it is the analyze.Visitor of the
// trace's Walker, whose processes (start time, parent, program) come from
// every event, whatever the filter keeps.
type Trace struct {
	w      *Writer
	walker *analyze.Walker
	tv     traceValues
	// prog is the program of the last row, and comm its name.
	prog    *analyze.Program
	comm    string
	signals map[int32]string
	err     error
}

// BeginTrace starts the rows of the trace with header h, whose header
// record is headerBytes and whose calls walker walks (with
// analyze.WalkerOptions.TrackFDs for the path column). Walk the trace with
// the Trace as Visitor, then call End.
func (w *Writer) BeginTrace(h *format.Header, headerBytes []byte, walker *analyze.Walker) *Trace {
	t := &Trace{w: w, walker: walker, signals: map[int32]string{}}
	t.tv.start = h.GetStartUnixNano()
	t.tv.traceID = bytesValue(TraceID(headerBytes))
	t.tv.host = optString(h.GetHostname())
	for k := range t.tv.kinds {
		t.tv.kinds[k] = bytesValue(kindNames[k])
	}
	return t
}

// End writes the trace's last rows as a row group and returns the first
// error the trace's rows met.
func (t *Trace) End() error {
	if t.err != nil {
		return t.err
	}
	return t.w.EndRowGroup()
}

// add writes r with the identity of its process p.
func (t *Trace) add(r *row, p analyze.Process) {
	if t.err != nil {
		return
	}
	r.procStart = p.Start
	info := t.walker.ProcessInfo(p)
	if info.Parent.Serial != 0 {
		r.set32(i32Ppid, info.Parent.Pid)
	}
	if info.Program != t.prog {
		t.prog, t.comm = info.Program, ""
		if info.Program != nil && info.Program.Path != "" {
			t.comm = path.Base(info.Program.Path)
		}
	}
	r.str[strComm] = t.comm
	t.err = t.w.add(&t.tv, r)
}

// SyscallEnter implements analyze.Visitor: a call's row is written when it
// ends.
func (t *Trace) SyscallEnter(*analyze.Call) {}

// SyscallExit implements analyze.Visitor.
func (t *Trace) SyscallExit(c *analyze.Call) {
	r := row{kind: kindSyscall, time: c.Start(), pid: c.Pid, tid: c.Tid}
	r.str[strSyscall], r.str[strStatus] = c.Name, c.Status.String()
	r.set32(i32Nr, c.Nr)
	if c.Enter != nil {
		n := 6
		if c.Sys != nil {
			n = min(len(c.Sys.Args), 6)
		}
		for a := range n {
			raw := int64(c.Enter.Args[a])
			if c.Sys != nil && (c.Sys.Args[a].Kind == sysent.ArgFD || c.Sys.Args[a].Kind == sysent.ArgDirFD) {
				// The kernel reads an int: AT_FDCWD is -100.
				raw = int64(int32(raw))
			}
			r.set64(i64Arg0+a, raw)
		}
	} else {
		r.str[strStatus] = "resumed"
	}
	if c.Exit != nil {
		r.set64(i64Ret, c.Exit.Ret)
		if c.Enter != nil {
			r.set64(i64Dur, c.Duration())
		}
	}
	r.str[strPath] = t.walker.Path(c)
	if n, ok := c.Bytes(); ok {
		r.set64(i64Bytes, n)
	}
	t.add(&r, c.Proc)
}

// Event implements analyze.Visitor.
func (t *Trace) Event(e *format.Event) {
	pid := e.Pid
	if pid == 0 {
		pid = e.Tid
	}
	r := row{time: e.Time, pid: pid, tid: e.Tid}
	switch e.Kind {
	case format.KindSignal:
		r.kind = kindSignal
		t.setSignal(&r, e.Signal.Signo)
	case format.KindStop:
		r.kind = kindStop
		t.setSignal(&r, e.Signal.Signo)
	case format.KindClone:
		r.kind = kindClone
		r.set32(i32ChildTid, e.Clone.Child)
	case format.KindExec:
		// The argv is copied: the event is the reader's until its next
		// event.
		r.kind, r.argv, r.hasArgv = kindExec, slices.Clone(e.Exec.Argv), true
		r.str[strPath] = e.Exec.Path
	case format.KindExit:
		r.kind = kindExit
		if !e.Exit.Thread {
			r.set32(i32ExitStatus, int32(e.Exit.Status()))
			if e.Exit.Signal != 0 {
				t.setSignal(&r, e.Exit.Signal)
			}
		}
	default:
		return
	}
	t.add(&r, t.walker.Process(pid))
}

// setSignal names signal signo in r, naming each signal once.
func (t *Trace) setSignal(r *row, signo int32) {
	r.set32(i32Signo, signo)
	s, ok := t.signals[signo]
	if !ok {
		s = analyze.SignalName(signo)
		t.signals[signo] = s
	}
	r.str[strSignal] = s
}
