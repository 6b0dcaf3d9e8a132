package analyze

import (
	"strconv"
	"unicode/utf8"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// The JSON Lines of dump --json and export --format jsonl, as
// format/JSON.md describes them.

// jsonWindow is how many bytes of JSON Lines the printer holds back
// behind a call in progress before it splits that call.
const jsonWindow = 64 << 20

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func appendJSONString[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// statusName returns the -e status= name of st.
func statusName(st Status) string {
	for _, n := range statusNames {
		if n.st == st {
			return n.name
		}
	}
	return "unknown"
}

// jsonPart says which part of a call a record holds.
type jsonPart uint8

const (
	jsonWhole   jsonPart = iota
	jsonEntry            // a split call's entry: "unfinished"
	jsonResumed          // a split call's exit, or an exit without its entry
)

// jsonLine is a line held in jsonQueue's arena, ordered by (time, seq).
type jsonLine struct {
	time   int64
	seq    uint64
	off, n int
}

func (a jsonLine) before(b jsonLine) bool {
	return a.time < b.time || (a.time == b.time && a.seq < b.seq)
}

// jsonQueue holds JSON Lines until every line before them in time is
// written: a min-heap of lines over a byte arena.
type jsonQueue struct {
	arena, spare []byte
	lines        []jsonLine
	live         int
}

func (q *jsonQueue) push(l jsonLine) {
	q.lines = append(q.lines, l)
	for i := len(q.lines) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q.lines[i].before(q.lines[parent]) {
			break
		}
		q.lines[i], q.lines[parent] = q.lines[parent], q.lines[i]
		i = parent
	}
}

func (q *jsonQueue) pop() jsonLine {
	top := q.lines[0]
	last := len(q.lines) - 1
	q.lines[0] = q.lines[last]
	q.lines = q.lines[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && q.lines[l].before(q.lines[m]) {
			m = l
		}
		if r < last && q.lines[r].before(q.lines[m]) {
			m = r
		}
		if m == i {
			break
		}
		q.lines[i], q.lines[m] = q.lines[m], q.lines[i]
		i = m
	}
	return top
}

// compact moves the lines still held to the start of a fresh arena once
// written lines take most of it.
func (q *jsonQueue) compact() {
	if len(q.arena) < 4<<20 || q.live*2 > len(q.arena) {
		return
	}
	dst := q.spare[:0]
	for i := range q.lines {
		l := &q.lines[i]
		off := len(dst)
		dst = append(dst, q.arena[l.off:l.off+l.n]...)
		l.off = off
	}
	q.arena, q.spare = dst, q.arena[:0]
}

// queueJSON holds line b, whose record has time t and trace position seq,
// and writes what can be written.
func (p *Printer) queueJSON(b []byte, t int64, seq uint64) {
	q := &p.q
	off := len(q.arena)
	q.arena = append(q.arena, b...)
	q.push(jsonLine{time: t, seq: seq, off: off, n: len(b)})
	q.live += len(b)
	p.line = b
	p.releaseJSON(false)
}

// releaseJSON writes the held lines that come before every call still in
// progress (all of them when all is set). Past the window, it splits the
// oldest call in progress to let the lines after it go.
func (p *Printer) releaseJSON(all bool) {
	q := &p.q
	for {
		var oldest *Call
		if !all {
			oldest = p.w.oldestPending()
		}
		bound := jsonLine{time: 1<<63 - 1, seq: 1<<64 - 1}
		if oldest != nil {
			bound.time, bound.seq = oldest.Start(), oldest.seq
		}
		for len(q.lines) > 0 && q.lines[0].before(bound) {
			l := q.pop()
			p.lines++
			if _, err := p.out.Write(q.arena[l.off : l.off+l.n]); err != nil && p.err == nil {
				p.err = err
			}
			q.live -= l.n
		}
		if len(q.lines) == 0 {
			q.arena, q.live = q.arena[:0], 0
			return
		}
		if oldest == nil || q.live <= p.window {
			q.compact()
			return
		}
		oldest.split = true
		if oldest.Announced {
			b := p.appendCallJSON(p.line[:0], oldest, jsonEntry)
			off := len(q.arena)
			q.arena = append(q.arena, b...)
			q.push(jsonLine{time: oldest.Start(), seq: oldest.seq, off: off, n: len(b)})
			q.live += len(b)
			p.line = b
		}
	}
}

// syscallJSON queues the record of a call that ended.
func (p *Printer) syscallJSON(c *Call) {
	switch {
	case c.split && c.Announced:
		p.queueJSON(p.appendCallJSON(p.line[:0], c, jsonResumed), c.EndTime, p.w.read)
	case c.Enter == nil:
		p.queueJSON(p.appendCallJSON(p.line[:0], c, jsonResumed), c.EndTime, c.seq)
	default:
		p.queueJSON(p.appendCallJSON(p.line[:0], c, jsonWhole), c.Start(), c.seq)
	}
}

// appendHead appends the keys every event object starts with: its
// process is its pid and the process's start.
func appendHead(b []byte, typ string, t int64, proc Process, tid int32) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, `","time_ns":`...)
	b = strconv.AppendInt(b, t, 10)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(proc.Pid), 10)
	b = append(b, `,"process_start_ns":`...)
	b = strconv.AppendInt(b, proc.Start, 10)
	b = append(b, `,"tid":`...)
	return strconv.AppendInt(b, int64(tid), 10)
}

// appendCallJSON appends the record of part of call c.
func (p *Printer) appendCallJSON(b []byte, c *Call, part jsonPart) []byte {
	t := c.Start()
	if part == jsonResumed {
		t = c.EndTime
	}
	b = appendHead(b, "syscall", t, c.Proc, c.Tid)
	b = append(b, `,"syscall":`...)
	b = appendJSONString(b, c.Name)
	b = append(b, `,"nr":`...)
	b = strconv.AppendInt(b, int64(c.Nr), 10)
	b = append(b, `,"args":[`...)
	if c.Enter != nil {
		n, split := p.dec.layout(c)
		from, to := 0, n
		switch part {
		case jsonEntry:
			to = split
		case jsonResumed:
			from = split
		}
		for i := from; i < to; i++ {
			if i > from {
				b = append(b, ',')
			}
			b = p.appendArgJSON(b, c, i)
		}
		if (c.Name == "clone" || c.Name == "clone3") && part != jsonResumed {
			// The decoded form folds several registers into one
			// argument.
			b = append(b, `],"raw_args":[`...)
			for i, a := range c.Enter.Args {
				if i > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendUint(b, a, 10)
			}
		}
	}
	b = append(b, ']')
	if part == jsonEntry {
		return append(b, ",\"status\":\"unfinished\"}\n"...)
	}
	if c.Exit != nil {
		b = append(b, `,"ret":`...)
		b = strconv.AppendInt(b, c.Exit.Ret, 10)
		if IsError(c.Exit.Ret) {
			b = append(b, `,"errno":`...)
			b = appendJSONString(b, errnoText(int(-c.Exit.Ret)))
		}
	}
	b = append(b, `,"ret_text":`...)
	p.scratch = p.hexText(p.dec.appendRet(p.scratch[:0], c))
	b = appendJSONString(b, p.scratch)
	if d := c.Duration(); c.Enter != nil && c.Exit != nil {
		b = append(b, `,"duration_ns":`...)
		b = strconv.AppendInt(b, d, 10)
	}
	b = append(b, `,"status":"`...)
	if part == jsonResumed && c.Exit != nil {
		b = append(b, "resumed"...)
	} else {
		b = append(b, statusName(c.Status)...)
	}
	b = append(b, '"')
	b = p.appendHooksJSON(b, c)
	return append(b, "}\n"...)
}

// errnoText returns the name of errno e, or its number.
func errnoText(e int) string {
	if n := ErrnoName(e); n != "" {
		return n
	}
	return strconv.Itoa(e)
}

// argKind returns the sysent kind of argument i of c.
func argKind(c *Call, i int) (sysent.ArgKind, bool) {
	if c.Sys == nil || i >= len(c.Sys.Args) {
		return 0, false
	}
	return c.Sys.Args[i].Kind, true
}

// appendArgJSON appends {"name", "raw", "value", "text"} for argument i.
func (p *Printer) appendArgJSON(b []byte, c *Call, i int) []byte {
	kind, known := argKind(c, i)
	b = append(b, `{"name":`...)
	if known {
		b = appendJSONString(b, c.Sys.Args[i].Name)
	} else {
		b = append(b, `"arg`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, '"')
	}
	b = append(b, `,"raw":`...)
	v := c.Enter.Args[i]
	switch {
	case !known:
		b = strconv.AppendUint(b, v, 10)
	case kind == sysent.ArgInt, kind == sysent.ArgFD, kind == sysent.ArgDirFD, kind == sysent.ArgPid,
		kind == sysent.ArgSignal, kind == sysent.ArgEnum:
		b = appendInt(b, v)
	default:
		b = strconv.AppendUint(b, v, 10)
	}
	b = append(b, `,"value":`...)
	var cut *format.Capture
	switch {
	case known && kind == sysent.ArgStringArray && hasCapture(c.Enter, i):
		// envp too: the variables, where strace prints their count.
		b = append(b, '[')
		first := true
		for k := range c.Enter.Captures {
			if cp := &c.Enter.Captures[k]; int(cp.Arg) == i && cp.Kind == format.CaptureStringArray {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = appendBytesJSON(b, cp.Data)
			}
		}
		b = append(b, ']')
	default:
		hint := hintNone
		if known {
			switch kind {
			case sysent.ArgFlags:
				hint = hintFlags
			case sysent.ArgFD, sysent.ArgDirFD:
				hint = hintFD
			case sysent.ArgPath, sysent.ArgString, sysent.ArgInBuf:
				cut = findCapture(c.Enter, i, format.CaptureString)
				if cut == nil {
					cut = findCapture(c.Enter, i, format.CaptureBuffer)
				}
			case sysent.ArgOutBuf, sysent.ArgOutBufLenPtr:
				cut = findCapture(c.Exit, i, format.CaptureBuffer)
			}
		}
		p.valText = p.val.appendArg(p.valText[:0], c, i)
		b = p.not.appendJSON(b, p.valText, hint)
	}
	if cut != nil && cut.Truncated() {
		b = append(b, `,"size":`...)
		b = strconv.AppendUint(b, cut.Len(), 10)
		b = append(b, `,"truncated":true`...)
	}
	b = append(b, `,"text":`...)
	p.scratch = p.hexText(p.dec.appendArg(p.scratch[:0], c, i))
	b = appendJSONString(b, p.scratch)
	return append(b, '}')
}

var cloneKindNames = [...]string{"unknown", "fork", "vfork", "process", "thread"}

// eventJSON queues the record of an event that is not a syscall.
func (p *Printer) eventJSON(e *format.Event) {
	if b, ok := p.appendEventJSON(p.line[:0], e); ok {
		p.queueJSON(b, e.Time, p.w.read)
	}
}

// appendProgramJSON appends the "path" and "argv" of a program.
func appendProgramJSON(b []byte, x *format.Exec) []byte {
	b = append(b, `,"path":`...)
	b = appendBytesJSON(b, []byte(x.Path))
	b = append(b, `,"argv":[`...)
	for i, a := range x.Argv {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendBytesJSON(b, []byte(a))
	}
	return append(b, ']')
}

// appendEventJSON appends one JSON Lines object for an event that is not a
// syscall; ok is false for events that have none.
func (p *Printer) appendEventJSON(b []byte, e *format.Event) ([]byte, bool) {
	pid := p.w.Process(eventPid(e))
	switch e.Kind {
	case format.KindSignal, format.KindStop:
		typ := "signal"
		if e.Kind == format.KindStop {
			typ = "stop"
		}
		b = appendHead(b, typ, e.Time, pid, e.Tid)
		b = append(b, `,"signal":`...)
		b = appendJSONString(b, SignalName(e.Signal.Signo))
		b = append(b, `,"signo":`...)
		b = strconv.AppendInt(b, int64(e.Signal.Signo), 10)
		if e.Kind == format.KindSignal {
			p.scratch = p.dec.appendEventSiginfo(p.scratch[:0], e)
			b = append(b, `,"siginfo":`...)
			b = p.not.appendJSON(b, p.scratch, hintNone)
			b = append(b, `,"text":`...)
			b = appendJSONString(b, p.scratch)
		}
	case format.KindClone:
		b = appendHead(b, "clone", e.Time, pid, e.Tid)
		b = append(b, `,"child":`...)
		b = strconv.AppendInt(b, int64(e.Clone.Child), 10)
		b = append(b, `,"kind":"`...)
		k := "unknown"
		if int(e.Clone.Kind) < len(cloneKindNames) {
			k = cloneKindNames[e.Clone.Kind]
		}
		b = append(b, k...)
		b = append(b, `","flags":`...)
		p.scratch = appendCloneFlags(p.scratch[:0], e.Clone.Flags)
		b = p.not.appendJSON(b, p.scratch, hintFlags)
	case format.KindExec:
		b = appendHead(b, "exec", e.Time, pid, e.Tid)
		b = appendProgramJSON(b, &e.Exec)
		if e.Exec.OldTid != 0 && e.Exec.OldTid != e.Tid {
			b = append(b, `,"old_tid":`...)
			b = strconv.AppendInt(b, int64(e.Exec.OldTid), 10)
		}
	case format.KindExit:
		b = appendHead(b, "exit", e.Time, pid, e.Tid)
		b = append(b, `,"thread":`...)
		b = strconv.AppendBool(b, e.Exit.Thread)
		b = appendExitJSON(b, &e.Exit)
	case format.KindHook:
		ci := p.w.ct.get(e.Nr)
		b = appendHead(b, "hook", e.Time, pid, e.Tid)
		b = append(b, `,"syscall":`...)
		b = appendJSONString(b, ci.name)
		b = append(b, `,"nr":`...)
		b = strconv.AppendInt(b, int64(e.Nr), 10)
		b = append(b, `,"hook":`...)
		b = appendHookJSON(b, ci.sys, &e.Hook)
	case format.KindAttach, format.KindDetach:
		b = appendHead(b, e.Kind.String(), e.Time, pid, e.Tid)
		b = append(b, `,"in_syscall":`...)
		b = strconv.AppendBool(b, e.Attach.InSyscall)
		if e.Attach.InSyscall {
			b = append(b, `,"syscall":`...)
			b = appendJSONString(b, p.w.ct.get(e.Nr).name)
			b = append(b, `,"nr":`...)
			b = strconv.AppendInt(b, int64(e.Nr), 10)
		}
		b = append(b, `,"stopped":`...)
		b = strconv.AppendBool(b, e.Attach.Stopped)
		if e.Exec.Path != "" || len(e.Exec.Argv) > 0 {
			b = appendProgramJSON(b, &e.Exec)
		}
	default:
		return b, false
	}
	return append(b, "}\n"...), true
}

// appendExitJSON appends how a process ended: exit_status, then exit_code
// or signal and signo, and core_dumped when it did.
func appendExitJSON(b []byte, x *format.Exit) []byte {
	b = append(b, `,"exit_status":`...)
	b = strconv.AppendInt(b, int64(x.Status()), 10)
	if x.Signal != 0 {
		b = append(b, `,"signal":`...)
		b = appendJSONString(b, SignalName(x.Signal))
		b = append(b, `,"signo":`...)
		b = strconv.AppendInt(b, int64(x.Signal), 10)
		if x.CoreDumped {
			b = append(b, `,"core_dumped":true`...)
		}
		return b
	}
	b = append(b, `,"exit_code":`...)
	return strconv.AppendInt(b, int64(x.Code), 10)
}
