package analyze

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// Status says how a syscall ended, in the terms of strace's -e status=.
type Status uint8

// The statuses. A call has exactly one; a Filter holds a set of them.
const (
	// StatusSuccessful: the call returned a value that is not an error.
	StatusSuccessful Status = 1 << iota
	// StatusFailed: the call returned -errno.
	StatusFailed
	// StatusUnfinished: the call never returned because its thread ended
	// or was replaced by an execve (exit_group always ends so).
	StatusUnfinished
	// StatusUnavailable: the call returned but its result is unknown.
	// Traces always hold the result, so no call has this status.
	StatusUnavailable
	// StatusDetached: the trace ended while the call was in progress, or
	// the recorder detached from its thread (an attached recording).
	StatusDetached

	statusAll = StatusSuccessful | StatusFailed | StatusUnfinished | StatusUnavailable | StatusDetached
)

// String returns the status as -e status= and JSON name it: "successful",
// "failed", "unfinished", "unavailable" or "detached".
func (s Status) String() string { return statusName(s) }

// statusOf returns the status of a call that returned ret.
func statusOf(ret int64) Status {
	if IsError(ret) {
		return StatusFailed
	}
	return StatusSuccessful
}

// Call is one syscall: its enter event and, once it returned, its exit.
type Call struct {
	// Tid and Pid are the calling thread and its process id.
	Tid, Pid int32
	// Proc is the calling process: its pid and lifetime.
	Proc Process
	// Nr is the syscall number; Name its name ("syscall_0x1c3" when
	// unknown); Sys its description, nil when unknown.
	Nr   int32
	Name string
	Sys  *sysent.Syscall
	// Enter is the enter event, nil when the trace holds only the exit (a
	// call already in progress when recording began).
	Enter *format.Event
	// Exit is the exit event, nil for a call that never returned.
	Exit *format.Event
	// Status says how the call ended; it is set when the call is passed
	// to Visitor.SyscallExit.
	Status Status
	// EndTime is when the call ended: the exit's time, or for a call that
	// never returned the time of its thread's end or the trace's last event.
	EndTime int64
	// Announced is set when Visitor.SyscallEnter saw the call: a filter
	// that needs the result (-e status=) delays the whole call to its exit.
	Announced bool
	// Superseded is set on an unfinished call that another thread's
	// execve ended, replacing the process.
	Superseded bool
	// Detach is set on a call that was in progress when the recorder
	// detached from its thread (KIND_DETACH): it goes on untraced.
	Detach bool
	// Hooks are the hook records of the call (format.KindHook), the
	// changes hooks made to it while recording, in order.
	Hooks []format.Event

	info *callInfo
	// seq is the position of the call's first event in the trace, for
	// ordering by time with ties in trace order.
	seq uint64
	// split is set on a call the JSON printer wrote at its entry, to
	// complete at its exit.
	split bool
}

// Start returns the time the call was entered.
func (c *Call) Start() int64 {
	if c.Enter != nil {
		return c.Enter.Time
	}
	return c.EndTime
}

// Duration returns the time from entry to exit in nanoseconds, 0 when
// either is missing.
func (c *Call) Duration() int64 {
	if c.Enter == nil || c.Exit == nil {
		return 0
	}
	if d := c.Exit.Time - c.Enter.Time; d > 0 {
		return d
	}
	return 0
}

// Ret returns the raw return value, 0 when the call never returned.
func (c *Call) Ret() int64 {
	if c.Exit == nil {
		return 0
	}
	return c.Exit.Ret
}

// Args returns the raw arguments, zero when the enter is missing.
func (c *Call) Args() [6]uint64 {
	if c.Enter == nil {
		return [6]uint64{}
	}
	return c.Enter.Args
}

// Visitor receives what a Walker finds, in trace order.
type Visitor interface {
	// SyscallEnter is called when a kept call is entered, unless the
	// filter can only decide at its exit.
	SyscallEnter(c *Call)
	// SyscallExit is called when a kept call returned or is known never
	// to return. c and its events are valid only during the call.
	SyscallExit(c *Call)
	// Event is called for each kept event that is not a syscall: signals,
	// clones, execs, exits, stops and hook records.
	Event(e *format.Event)
}

// EventSource is what a Walker reads: a *format.Reader, or a wrapper of one.
type EventSource interface {
	Next() (*format.Event, error)
}

// thread is the walker's state for one tid.
type thread struct {
	proc     *proc
	pending  bool
	keep     bool
	deferred bool
	enter    format.Event
	caps     []format.Capture
	data     []byte
	hooks    []format.Event
	call     Call
	// resumes is the last call that returned ERESTART_RESTARTBLOCK: the
	// one a restart_syscall of this thread goes on with.
	resumes string
}

// restartBlock is what a call returns when a signal interrupted it and
// the kernel will go on with it as restart_syscall (-ERESTART_RESTARTBLOCK).
const restartBlock = -516

// interrupted notes that call name returned ERESTART_RESTARTBLOCK. A
// restart_syscall interrupted again still resumes the first call, as
// strace says.
func (th *thread) interrupted(name string) {
	if name != "restart_syscall" {
		th.resumes = name
	}
}

// Walker pairs syscall enters and exits by thread, applies a Filter, follows
// fd tables, and hands the result to a Visitor. It holds per-thread and
// per-process state only: memory does not grow with the trace's length.
type Walker struct {
	ct      *callTable
	filter  *Filter
	fds     *fdTracker
	threads map[int32]*thread
	lastTid int32
	last    *thread
	// procs holds the live processes by pid; serial counts every process
	// seen.
	procs  map[int32]*proc
	serial uint32
	// nthreads counts every thread seen, a tid's lifetime once.
	nthreads int
	kept     uint64
	read     uint64
	endTime  int64
	// inFlight counts the threads in a call.
	inFlight int
	// visiting is the entry time of the call a Visitor is being handed,
	// math.MaxInt64 between calls: FD and FDPath answer as of it.
	visiting int64
	// pending lists kept calls in the order they were entered, for
	// oldestPending; a call that has ended stays in it until it reaches
	// the front. Filled only when trackPending is set.
	pending      []pendingCall
	pendingHead  int
	trackPending bool
}

// pendingCall is an entry of Walker.pending: the thread and the seq of
// the call it was in.
type pendingCall struct {
	th  *thread
	seq uint64
}

// WalkerOptions configure a Walker.
type WalkerOptions struct {
	// TrackFDs follows each process's fd table (needed for fd paths, the
	// files and network sections, and -P). A filter with paths turns it
	// on.
	TrackFDs bool
}

// TableFor returns the syscall table for a trace header's architecture;
// an empty arch means x86_64, the first recorder's.
func TableFor(h *format.Header) (*sysent.Table, error) {
	name := h.GetArch()
	if name == "" {
		name = "x86_64"
	}
	a, err := sysent.ParseArch(name)
	if err != nil {
		return nil, fmt.Errorf("trace arch: %w", err)
	}
	t := sysent.ForArch(a)
	if t == nil {
		return nil, fmt.Errorf("trace arch %s: no syscall table", name)
	}
	return t, nil
}

// NewWalker returns a Walker for a trace with header h. f may be nil to
// keep everything.
func NewWalker(h *format.Header, f *Filter, opts WalkerOptions) (*Walker, error) {
	tab, err := TableFor(h)
	if err != nil {
		return nil, err
	}
	if f != nil && f.tab != nil && f.tab != tab {
		return nil, errors.New("filter was parsed for another architecture")
	}
	w := &Walker{ct: newCallTable(tab), filter: f, threads: map[int32]*thread{}, lastTid: -1, procs: map[int32]*proc{}, visiting: math.MaxInt64}
	if opts.TrackFDs || (f != nil && len(f.paths) > 0) {
		w.fds = newFDTracker(h.GetCwd())
	}
	return w, nil
}

// Table returns the syscall table the walker decodes with.
func (w *Walker) Table() *sysent.Table { return w.ct.tab }

// Kept returns how many events the filter kept so far.
func (w *Walker) Kept() uint64 { return w.kept }

// Read returns how many events the walker read so far.
func (w *Walker) Read() uint64 { return w.read }

// EndTime returns the time of the last event read.
func (w *Walker) EndTime() int64 { return w.endTime }

// Walk reads src to its end and returns the error that ended it: io.EOF
// for a cleanly closed trace, format.ErrTruncated, or a read error. Calls
// still in progress at the end are passed to v as StatusDetached first.
// When v has an Err method (Printer, ChromeExporter) and it reports an
// error, such as a write to a closed pipe, Walk stops soon after and
// returns that error.
func (w *Walker) Walk(src EventSource, v Visitor) error {
	failing, _ := v.(interface{ Err() error })
	for {
		e, err := src.Next()
		if err != nil {
			w.finishAll(v)
			return err
		}
		w.Step(e, v)
		if failing != nil && w.read%1024 == 0 {
			if err := failing.Err(); err != nil {
				return err
			}
		}
	}
}

// Step processes one event. Walk calls it for each event; callers that
// read events themselves call Step and, at the end, Finish.
func (w *Walker) Step(e *format.Event, v Visitor) {
	w.read++
	if e.Time > w.endTime {
		w.endTime = e.Time
	}
	switch e.Kind {
	case format.KindSyscallEnter:
		w.enter(e, v)
	case format.KindSyscallExit:
		w.exit(e, v)
	case format.KindClone:
		pid := eventPid(e)
		parent := w.procOf(pid, e.Time, e.Tid)
		// The child is a thread of the trace from now on, whether or not
		// its first stop came before this event.
		child := e.Clone.Child
		if e.Clone.Kind == format.CloneThread {
			w.thread(child).proc = parent
		} else {
			w.thread(child).proc = w.newProc(child, e.Time, parent, e.Tid)
			if w.fds != nil {
				w.fds.clone(pid, child, &e.Clone)
			}
		}
		w.event(e, parent, v)
	case format.KindExec:
		p := w.procOf(eventPid(e), e.Time, e.Tid)
		if old := e.Exec.OldTid; old != 0 && old != e.Tid {
			// The leader's pending call (if any) never returns; the
			// exec'ing thread's execve returns on the leader's tid.
			if th := w.threads[e.Tid]; th != nil && th.pending {
				th.call.Superseded = true
				w.unfinish(th, v, e.Time, StatusUnfinished)
			}
			if oth := w.threads[old]; oth != nil {
				w.threads[e.Tid] = oth
				delete(w.threads, old)
				oth.call.Tid = e.Tid
				w.lastTid = -1
			}
		}
		if w.fds != nil {
			w.fds.exec(e)
		}
		if w.filter != nil {
			w.filter.exec(e, p)
		}
		p.run(e)
		w.event(e, p, v)
	case format.KindAttach:
		p := w.procOf(eventPid(e), e.Time, e.Tid)
		// Traced from here on, whether or not it makes a call: one
		// blocked in a call all along is a thread of the trace too.
		w.thread(e.Tid)
		if w.fds != nil {
			w.fds.attach(e)
		}
		if e.Exec.Path != "" || len(e.Exec.Argv) > 0 {
			p.run(e)
		}
		w.event(e, p, v)
	case format.KindDetach:
		p := w.procOf(eventPid(e), e.Time, e.Tid)
		w.detach(e, v)
		w.event(e, p, v)
	case format.KindExit:
		p := w.procOf(eventPid(e), e.Time, e.Tid)
		if th := w.threads[e.Tid]; th != nil {
			if th.pending {
				w.unfinish(th, v, e.Time, StatusUnfinished)
			}
		}
		w.event(e, p, v)
		delete(w.threads, e.Tid)
		w.lastTid = -1
		if !e.Exit.Thread {
			if w.fds != nil {
				w.fds.exit(p.id.Pid)
			}
			w.endProc(p)
		}
	case format.KindHook:
		w.hook(e, v)
	default:
		w.event(e, w.procOf(eventPid(e), e.Time, e.Tid), v)
	}
}

// Finish passes the calls still in progress to v as StatusDetached.
func (w *Walker) Finish(v Visitor) { w.finishAll(v) }

func (w *Walker) event(e *format.Event, p *proc, v Visitor) {
	if w.filter == nil || w.filter.keepEvent(e, p) {
		w.kept++
		v.Event(e)
	}
}

// resumedCall returns the call a restart_syscall of thread tid goes on
// with, or "" when the trace does not show it.
func (w *Walker) resumedCall(tid int32) string {
	if th := w.threads[tid]; th != nil {
		return th.resumes
	}
	return ""
}

// thread returns the state of tid, creating it.
func (w *Walker) thread(tid int32) *thread {
	if tid == w.lastTid {
		return w.last
	}
	th := w.threads[tid]
	if th == nil {
		th = &thread{}
		w.threads[tid] = th
		w.nthreads++
	}
	w.lastTid, w.last = tid, th
	return th
}

func (w *Walker) enter(e *format.Event, v Visitor) {
	th := w.thread(e.Tid)
	if th.pending {
		w.unfinish(th, v, e.Time, StatusUnfinished)
	}
	p := th.proc
	if p == nil || p.ended || (p.id.Pid != e.Pid && e.Pid != 0) {
		p = w.bind(th, e.Pid, e.Time, e.Tid)
	}
	th.copyEnter(e)
	th.hooks = th.hooks[:0]
	ci := w.ct.get(e.Nr)
	th.call = Call{Tid: e.Tid, Pid: p.id.Pid, Proc: p.id, Nr: e.Nr, Name: ci.name, Sys: ci.sys, Enter: &th.enter, info: ci, seq: w.read}
	th.pending = true
	w.inFlight++
	th.keep, th.deferred = true, false
	if w.filter != nil {
		th.keep, th.deferred = w.filter.keepEnter(&th.call, p, w.fds)
	}
	if th.keep {
		if w.trackPending {
			w.pending = append(w.pending, pendingCall{th, w.read})
		}
		// The enter counts as kept now; a deferred call whose status
		// does not match is taken back at its exit.
		w.kept++
		if !th.deferred {
			th.call.Announced = true
			w.visiting = e.Time
			v.SyscallEnter(&th.call)
			w.visiting = math.MaxInt64
		}
	}
}

func (w *Walker) exit(e *format.Event, v Visitor) {
	th := w.thread(e.Tid)
	if !th.pending {
		// An exit without its enter: the call began before the trace.
		p := w.bind(th, e.Pid, e.Time, e.Tid)
		ci := w.ct.get(e.Nr)
		c := Call{Tid: e.Tid, Pid: p.id.Pid, Proc: p.id, Nr: e.Nr, Name: ci.name, Sys: ci.sys, Exit: e, EndTime: e.Time, Status: statusOf(e.Ret), info: ci, seq: w.read}
		if e.Ret == restartBlock {
			th.interrupted(c.Name)
		}
		if w.filter == nil || w.filter.keepOrphanExit(&c, p) {
			w.kept++
			w.visitExit(v, &c)
		}
		return
	}
	c := &th.call
	c.Exit, c.EndTime, c.Status = e, e.Time, statusOf(e.Ret)
	th.pending = false
	w.inFlight--
	if e.Ret == restartBlock {
		th.interrupted(c.Name)
	}
	if th.keep {
		if th.deferred && !w.filter.statusOK(c.Status) {
			w.kept--
		} else {
			w.kept++
			w.visitExit(v, c)
		}
	}
	if w.fds != nil {
		w.fds.update(c, w.inFlight > 0)
	}
	c.Exit = nil
}

// detach ends the call the thread of detach event e was in, if any: its
// enter, or for a call entered before an attached recording began only
// its number, is in the trace, and its exit will not be.
func (w *Walker) detach(e *format.Event, v Visitor) {
	th := w.thread(e.Tid)
	if th.pending {
		th.call.Detach = true
		w.unfinish(th, v, e.Time, StatusDetached)
		return
	}
	if !e.Attach.InSyscall {
		return
	}
	ci := w.ct.get(e.Nr)
	p := w.bind(th, e.Pid, e.Time, e.Tid)
	c := Call{Tid: e.Tid, Pid: p.id.Pid, Proc: p.id, Nr: e.Nr, Name: ci.name, Sys: ci.sys, EndTime: e.Time, Status: StatusDetached, Detach: true, info: ci}
	if w.filter == nil || w.filter.keepOrphanExit(&c, p) {
		w.kept++
		w.visitExit(v, &c)
	}
}

// visitExit hands the ended call c to v, the fd lookups of FD and FDPath
// answering as c found the table when it entered.
func (w *Walker) visitExit(v Visitor, c *Call) {
	w.visiting = c.Start()
	v.SyscallExit(c)
	w.visiting = math.MaxInt64
}

// unfinish ends th's pending call without an exit.
func (w *Walker) unfinish(th *thread, v Visitor, at int64, st Status) {
	c := &th.call
	c.Exit, c.EndTime, c.Status = nil, at, st
	th.pending = false
	w.inFlight--
	if !th.keep {
		return
	}
	if th.deferred && !w.filter.statusOK(st) {
		w.kept--
		return
	}
	w.visitExit(v, c)
}

func (w *Walker) finishAll(v Visitor) {
	// Deterministic order: by enter time, then tid.
	var pend []*thread
	for _, th := range w.threads {
		if th.pending {
			pend = append(pend, th)
		}
	}
	sortThreads(pend)
	for _, th := range pend {
		w.unfinish(th, v, w.endTime, StatusDetached)
	}
}

// oldestPending returns the kept call in progress that was entered first,
// not counting calls already split, or nil. It needs trackPending.
func (w *Walker) oldestPending() *Call {
	w.compactPending()
	for w.pendingHead < len(w.pending) {
		p := w.pending[w.pendingHead]
		if p.th.pending && p.th.keep && p.th.call.seq == p.seq && !p.th.call.split {
			return &p.th.call
		}
		w.pending[w.pendingHead] = pendingCall{}
		w.pendingHead++
	}
	w.pending, w.pendingHead = w.pending[:0], 0
	return nil
}

// compactPending drops the ended calls at the front of w.pending once they
// are most of it.
func (w *Walker) compactPending() {
	if w.pendingHead > 1024 && w.pendingHead*2 > len(w.pending) {
		n := copy(w.pending, w.pending[w.pendingHead:])
		clear(w.pending[n:])
		w.pending, w.pendingHead = w.pending[:n], 0
	}
}

// copyEnter copies e into th's reusable buffers.
func (th *thread) copyEnter(e *format.Event) {
	caps := th.caps[:0]
	data := th.data[:0]
	for _, c := range e.Captures {
		data = append(data, c.Data...)
	}
	off := 0
	for _, c := range e.Captures {
		n := len(c.Data)
		c.Data = data[off : off+n : off+n]
		off += n
		caps = append(caps, c)
	}
	th.caps, th.data = caps, data
	th.enter = *e
	th.enter.Captures = caps
}

// FDPath returns the path of fd in process pid as far as the trace tells,
// and whether it is known; during a Visitor's SyscallEnter and SyscallExit,
// as the call found it when it entered. It needs WalkerOptions.TrackFDs.
func (w *Walker) FDPath(pid int32, fd int64) (string, bool) {
	if w.fds == nil {
		return "", false
	}
	if e := w.fds.lookup(pid, fd, w.visiting); e != nil && e.target() != "" {
		return e.target(), true
	}
	return "", false
}

// Path returns the file call c names, as export's path column holds it:
// its path argument made absolute against the working directory or its
// dirfd (the name trec stats lists the file under), else what its fd
// argument refers to as dump -y shows it ("/etc/passwd", "pipe:[4321]",
// "socket:[4322]"), without " (deleted)". It returns "" for a call that
// names neither and when the walker does not track fds.
func (w *Walker) Path(c *Call) string {
	if w.fds == nil || c.Enter == nil || c.info == nil {
		return ""
	}
	if p := w.fds.argPath(c); p != "" {
		return p
	}
	ci := c.info
	fdArg := ci.fdArg
	if fdArg < 0 {
		fdArg = ci.dirfdArg
	}
	if fdArg < 0 {
		return ""
	}
	if e := w.fds.lookup(c.Pid, int64(int32(c.Enter.Args[fdArg])), c.Start()); e != nil {
		return e.target()
	}
	return ""
}

// Bytes returns how many bytes call c read or wrote, for the calls whose
// result counts them (read, write, pread64, readv, sendto, recvmsg,
// sendfile, ...); ok is false for other calls and for failed or
// unfinished ones.
func (c *Call) Bytes() (n int64, ok bool) {
	if c.info == nil || c.info.io == ioNone || c.Exit == nil || IsError(c.Exit.Ret) {
		return 0, false
	}
	return c.Exit.Ret, true
}

// errStop is returned by nothing; it documents that Walk only ends at the
// source's end.
var _ = io.EOF
