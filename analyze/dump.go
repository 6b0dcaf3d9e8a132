package analyze

import (
	"bufio"
	"io"
	"strconv"
	"time"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// TimeFormat selects the timestamp printed before each line.
type TimeFormat uint8

// Timestamp formats, as strace's -t, -tt, -ttt and -r.
const (
	TimeNone     TimeFormat = iota
	TimeClock               // -t: 15:04:05
	TimeClockUs             // -tt: 15:04:05.123456
	TimeEpoch               // -ttt: 1700000000.123456
	TimeRelative            // -r: seconds since the previous line
)

// DumpOptions shape trec dump's output.
type DumpOptions struct {
	// Time is the timestamp format.
	Time TimeFormat
	// Durations appends each call's duration: <0.000012> (-T).
	Durations bool
	// FDPaths prints fds with their paths: 3</etc/passwd> (-y). The
	// walker must track fds.
	FDPaths bool
	// StrLen is strace's -s: bytes of a string printed before "...";
	// 0 means DefaultStrLen, StrLenNone none at all (strace -s 0).
	StrLen int
	// Location is the time zone of -t and -tt; nil means time.Local.
	Location *time.Location
	// JSON prints JSON Lines instead of strace's notation.
	JSON bool
	// Hex prints strings in hexadecimal as strace's -x (HexNonASCII: a
	// string with a non-printable byte) and -xx (HexAll) do.
	Hex HexMode
	// Sockets prints a socket fd with its protocol and endpoints, as
	// strace -yy does: 3<TCP:[127.0.0.1:40000->127.0.0.1:80]>. It
	// implies FDPaths.
	Sockets bool
	// QuietExits leaves out the lines of processes' and threads' ends
	// ("+++ exited with 0 +++"), as strace -qq does; QuietSuperseded
	// those of a leader replaced by another thread's execve.
	QuietExits, QuietSuperseded bool
}

// HexMode selects how strings are printed: escaped, or in hexadecimal.
type HexMode uint8

// Hex modes, as strace's -x and -xx.
const (
	HexNone     HexMode = iota
	HexNonASCII         // -x: a string with a non-printable byte, all in hex
	HexAll              // -xx: every string in hex
)

// column is where strace aligns " = result".
const column = 40

// Printer is a Visitor that prints calls and events as strace -f does, or
// as JSON Lines. It writes through a buffer: call Flush at the end.
type Printer struct {
	out     *bufio.Writer
	w       *Walker
	dec     decoder
	opts    DumpOptions
	start   int64 // Header.StartUnixNano
	line    []byte
	scratch []byte
	// open is the call whose line strace would have left open: entered,
	// not yet printed; openTid is the thread that entered it.
	open    *Call
	openTid int32
	lastT   int64
	hasLast bool
	lines   uint64
	err     error

	// The JSON printer's: the decoder whose text becomes each value
	// (strings whole, fds with their paths), its parser and buffers, and
	// the lines held back for time order.
	val     decoder
	not     notation
	valText []byte
	hexBuf  []byte
	q       jsonQueue
	window  int
}

// NewPrinter returns a Printer writing to out the calls w walks in a trace
// with header h.
func NewPrinter(out io.Writer, w *Walker, h *format.Header, opts DumpOptions) *Printer {
	switch {
	case opts.StrLen == StrLenNone:
		opts.StrLen = 0
	case opts.StrLen <= 0:
		opts.StrLen = DefaultStrLen
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Sockets {
		opts.FDPaths = true
	}
	p := &Printer{
		out:   bufio.NewWriterSize(out, 64<<10),
		w:     w,
		dec:   decoder{arch: w.ct.arch, strLen: opts.StrLen, fdPaths: opts.FDPaths, cwdPaths: opts.FDPaths, sockets: opts.Sockets, w: w, host: h.GetHostname(), buffers: h.GetOptions().GetCaptureSize() > 0},
		opts:  opts,
		start: h.GetStartUnixNano(),
		line:  make([]byte, 0, 512),
	}
	if opts.JSON {
		tracks := w.fds != nil
		p.val = decoder{arch: w.ct.arch, strLen: 1 << 30, fdPaths: tracks, cwdPaths: tracks, w: w, host: p.dec.host, buffers: p.dec.buffers}
		p.window = jsonWindow
		w.trackPending = true
	}
	return p
}

// Err returns the first write error.
func (p *Printer) Err() error { return p.err }

// Lines returns the number of lines printed so far.
func (p *Printer) Lines() uint64 { return p.lines }

// Flush writes what is buffered and returns the first write error.
func (p *Printer) Flush() error {
	p.interrupt()
	if p.opts.JSON {
		p.releaseJSON(true)
	}
	if err := p.out.Flush(); err != nil && p.err == nil {
		p.err = err
	}
	return p.err
}

func (p *Printer) emit() {
	p.lines++
	if _, err := p.out.Write(p.line); err != nil && p.err == nil {
		p.err = err
	}
}

// hexText applies -x or -xx to the strings of a text.
func (p *Printer) hexText(b []byte) []byte {
	if p.opts.Hex == HexNone {
		return b
	}
	p.hexBuf = appendHexStrings(p.hexBuf[:0], b, p.opts.Hex)
	return append(b[:0], p.hexBuf...)
}

// SyscallEnter implements Visitor.
func (p *Printer) SyscallEnter(c *Call) {
	if p.opts.JSON {
		return
	}
	p.interrupt()
	p.open, p.openTid = c, c.Tid
}

// SyscallExit implements Visitor.
func (p *Printer) SyscallExit(c *Call) {
	if p.opts.JSON {
		p.syscallJSON(c)
		return
	}
	if p.open == c {
		p.open = nil
		p.line = p.appendWhole(p.line[:0], c)
		p.emit()
		return
	}
	p.interrupt()
	if c.Announced || c.Enter == nil {
		p.line = p.appendResumed(p.line[:0], c)
	} else {
		p.line = p.appendWhole(p.line[:0], c)
	}
	p.emit()
}

// interrupt ends the open line as strace does when another thread's output
// comes first: "read(3,  <unfinished ...>".
func (p *Printer) interrupt() {
	c := p.open
	if c == nil {
		return
	}
	p.open = nil
	if p.opts.JSON {
		return
	}
	// The entry's own thread: an execve from a thread other than the
	// leader has moved the call to the leader's tid by now.
	b := p.appendPrefix(p.line[:0], p.openTid, c.Start())
	n, split := p.dec.layout(c)
	b = p.appendEnterPart(b, c, n, split)
	if p.opts.Hex != HexNone {
		b = p.hexText(b)
	}
	b = append(b, " <unfinished ...>\n"...)
	p.line = b
	p.emit()
}

// appendPrefix appends "[pid  N] " and the timestamp. As strace -f does,
// it names the thread only while the trace has more than one.
func (p *Printer) appendPrefix(b []byte, tid int32, t int64) []byte {
	if len(p.w.threads) < 2 {
		return p.appendTime(b, t)
	}
	b = append(b, "[pid "...)
	// strace's "%5u".
	for x := int64(10000); x > 1 && int64(tid) < x; x /= 10 {
		b = append(b, ' ')
	}
	b = strconv.AppendInt(b, int64(tid), 10)
	b = append(b, "] "...)
	return p.appendTime(b, t)
}

// appendTime appends the timestamp of event time t and a space.
func (p *Printer) appendTime(b []byte, t int64) []byte {
	switch p.opts.Time {
	case TimeNone:
		return b
	case TimeRelative:
		d := int64(0)
		if p.hasLast {
			d = t - p.lastT
		}
		p.lastT, p.hasLast = t, true
		sec := strconv.AppendInt(nil, d/1e9, 10)
		for i := len(sec); i < 6; i++ {
			b = append(b, ' ')
		}
		b = append(b, sec...)
		b = append(b, '.')
		b = appendFrac(b, (d%1e9)/1e3)
		return append(b, ' ')
	}
	abs := p.start + t
	if p.opts.Time == TimeEpoch {
		b = strconv.AppendInt(b, abs/1e9, 10)
		b = append(b, '.')
		b = appendFrac(b, (abs%1e9)/1e3)
		return append(b, ' ')
	}
	tm := time.Unix(0, abs).In(p.opts.Location)
	b = tm.AppendFormat(b, "15:04:05")
	if p.opts.Time == TimeClockUs {
		b = append(b, '.')
		b = appendFrac(b, (abs%1e9)/1e3)
	}
	return append(b, ' ')
}

// appendFrac appends a microsecond count as six digits.
func appendFrac(b []byte, us int64) []byte {
	var d [6]byte
	for i := 5; i >= 0; i-- {
		d[i] = byte('0' + us%10)
		us /= 10
	}
	return append(b, d[:]...)
}

// appendEnterPart appends "name(" and the arguments printed at entry:
// "read(3, ", "openat(AT_FDCWD, \"/x\", O_RDONLY".
func (p *Printer) appendEnterPart(b []byte, c *Call, n, split int) []byte {
	b = append(b, c.Name...)
	b = append(b, '(')
	if c.Name == "clone" && c.Sys != nil {
		// The pointers follow at the exit, as in strace.
		return p.dec.appendCloneEnter(b, c)
	}
	if n == 0 && c.Name == "restart_syscall" {
		return p.appendResumes(b, c)
	}
	b = p.dec.appendArgs(b, c, 0, split)
	if split < n && split > 0 && c.Name != "clone3" {
		b = append(b, ", "...)
	}
	return b
}

// appendResumes appends what strace prints as restart_syscall's argument:
// the call it goes on with, "<... resuming interrupted clock_nanosleep
// ...>", or "system call" when the trace does not show that call.
func (p *Printer) appendResumes(b []byte, c *Call) []byte {
	name := p.w.resumedCall(c.Tid)
	if name == "" {
		name = "system call"
	}
	b = append(b, "<... resuming interrupted "...)
	b = append(b, name...)
	return append(b, " ...>"...)
}

// appendExitPart appends the arguments printed at exit, ")" and the
// result: "\"data\", 832) = 832 <0.000012>".
func (p *Printer) appendExitPart(b []byte, lineStart int, c *Call, n, split int, resumed bool) []byte {
	if c.Exit == nil {
		switch {
		case c.Sys != nil && c.Sys.Ret == sysent.RetNone:
			b = p.dec.appendArgs(b, c, split, n)
			b = append(b, ") "...)
		case resumed && c.Superseded:
			// strace: "<... pause resumed>) = ?" for a call that
			// another thread's execve ended.
			b = append(b, ") "...)
		case c.Detach:
			// strace: "read(0,  <detached ...>", no result.
			return append(b, " <detached ...>\n"...)
		default:
			b = append(b, " <unfinished ...>) "...)
		}
	} else {
		b = p.dec.appendExitPrefix(b, c)
		if c.Name == "clone" && c.Sys != nil && c.Enter != nil {
			b = p.dec.appendCloneExit(b, c)
		}
		if split < n {
			if c.Name == "clone3" && split > 0 {
				b = append(b, ", "...)
			}
			b = p.dec.appendArgs(b, c, split, n)
		}
		b = append(b, ") "...)
	}
	if p.opts.Hex != HexNone {
		// Before the padding, which counts what is printed.
		b = append(b[:lineStart], p.hexText(b[lineStart:])...)
	}
	for col := len(b) - lineStart; col < column; col++ {
		b = append(b, ' ')
	}
	b = append(b, "= "...)
	b = p.dec.appendRet(b, c)
	if c.Hooks != nil {
		b = appendHookNote(b, c)
	}
	if p.opts.Durations && c.Exit != nil && c.Enter != nil {
		b = append(b, " <"...)
		d := c.Duration()
		b = strconv.AppendInt(b, d/1e9, 10)
		b = append(b, '.')
		b = appendFrac(b, (d%1e9)/1e3)
		b = append(b, '>')
	}
	return append(b, '\n')
}

// appendWhole appends a call's complete line.
func (p *Printer) appendWhole(b []byte, c *Call) []byte {
	start := len(b)
	b = p.appendPrefix(b, c.Tid, c.Start())
	n, split := p.dec.layout(c)
	b = p.appendEnterPart(b, c, n, split)
	return p.appendExitPart(b, start, c, n, split, false)
}

// AppendCall appends the line of the complete call c as dump prints it,
// without the "[pid N] " prefix and the timestamp; with DumpOptions.JSON,
// its JSON object. The line ends in a newline. Call it from a Visitor's
// SyscallExit: fd paths (-y) are read from the walker's tables as they
// are at that call.
func (p *Printer) AppendCall(b []byte, c *Call) []byte {
	if p.opts.JSON {
		return p.appendCallJSON(b, c, jsonWhole)
	}
	start := len(b)
	n, split := p.dec.layout(c)
	b = p.appendEnterPart(b, c, n, split)
	return p.appendExitPart(b, start, c, n, split, false)
}

// AppendLine is AppendCall with the line's "[pid N] " prefix and
// timestamp, as dump prints a call that no other thread interrupted.
func (p *Printer) AppendLine(b []byte, c *Call) []byte {
	if p.opts.JSON {
		return p.appendCallJSON(b, c, jsonWhole)
	}
	return p.appendWhole(b, c)
}

// appendResumed appends "<... read resumed>" and the exit part.
func (p *Printer) appendResumed(b []byte, c *Call) []byte {
	start := len(b)
	b = p.appendPrefix(b, c.Tid, c.EndTime)
	b = append(b, "<... "...)
	b = append(b, c.Name...)
	b = append(b, " resumed>"...)
	n, split := p.dec.layout(c)
	if c.Enter == nil {
		// Only the exit is in the trace: its arguments are unknown.
		split = n
	}
	return p.appendExitPart(b, start, c, n, split, true)
}

// Event implements Visitor.
func (p *Printer) Event(e *format.Event) {
	if (p.opts.QuietExits && e.Kind == format.KindExit) ||
		(p.opts.QuietSuperseded && e.Kind == format.KindExec && !p.opts.JSON) {
		return
	}
	if p.opts.JSON {
		p.eventJSON(e)
		return
	}
	if !printsLine(e) {
		return
	}
	p.interrupt()
	b := p.line[:0]
	switch e.Kind {
	case format.KindSignal:
		b = p.appendPrefix(b, e.Tid, e.Time)
		b = append(b, "--- "...)
		b = appendSignal(b, e.Signal.Signo)
		b = append(b, ' ')
		b = p.dec.appendEventSiginfo(b, e)
		b = append(b, " ---\n"...)
	case format.KindStop:
		b = p.appendPrefix(b, e.Tid, e.Time)
		b = append(b, "--- stopped by "...)
		b = appendSignal(b, e.Signal.Signo)
		b = append(b, " ---\n"...)
	case format.KindExit:
		b = p.appendPrefix(b, e.Tid, e.Time)
		b = append(b, "+++ "...)
		b = appendExitText(b, &e.Exit)
		b = append(b, " +++\n"...)
	case format.KindExec:
		if e.Exec.OldTid == 0 || e.Exec.OldTid == e.Tid {
			return
		}
		// As strace: the leader's line names the thread whose execve
		// took its place.
		b = p.appendPrefix(b, e.Tid, e.Time)
		b = append(b, "+++ superseded by execve in pid "...)
		b = strconv.AppendInt(b, int64(e.Exec.OldTid), 10)
		b = append(b, " +++\n"...)
	default:
		return
	}
	p.line = b
	p.emit()
}

// printsLine reports whether strace prints a line for e: clones and execs
// show as their syscalls, except an exec that replaced another thread.
func printsLine(e *format.Event) bool {
	switch e.Kind {
	case format.KindSignal, format.KindStop, format.KindExit:
		return true
	case format.KindExec:
		return e.Exec.OldTid != 0 && e.Exec.OldTid != e.Tid
	}
	return false
}

// appendExitText appends "exited with 0" or "killed by SIGSEGV (core
// dumped)".
func appendExitText(b []byte, x *format.Exit) []byte {
	if x.Signal != 0 {
		b = append(b, "killed by "...)
		b = appendSignal(b, x.Signal)
		if x.CoreDumped {
			b = append(b, " (core dumped)"...)
		}
		return b
	}
	b = append(b, "exited with "...)
	return strconv.AppendInt(b, int64(x.Code), 10)
}
