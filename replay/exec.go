package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/record"
	"github.com/trecdev/trec/sysent"
)

// ErrNotReplayable is returned by Exec for a trace that was not recorded
// with trec record --replayable.
var ErrNotReplayable = errors.New("not recorded with trec record --replayable: it cannot be run again")

// errDiverged ends the run at a divergence; Exec reports it in
// ExecResult.Divergence.
var errDiverged = errors.New("replay diverged")

// ExecOptions configure a re-execution.
type ExecOptions struct {
	// Stdin, Stdout and Stderr are the program's standard files; nil
	// means this process's.
	Stdin, Stdout, Stderr *os.File
	// QuietOutput serves the program's writes to its standard output and
	// error from the recording instead of making them.
	QuietOutput bool
	// Until stops before the recording's event Until (counted from 1),
	// UntilTime before its first event at or after that time since the
	// trace start, and leaves the program stopped and detached, for a
	// debugger; 0 runs to the end. The program then runs in a session of
	// its own, so that it stays stopped once this process has exited.
	Until     uint64
	UntilTime time.Duration
	// Log receives notices, a line each; nil discards them.
	Log io.Writer
	// Version is trec's version, for the tracer.
	Version string
}

// ExecResult says how a re-execution ended.
type ExecResult struct {
	// ExitStatus is the program's exit status as a shell reports it, the
	// recorded one when the replay matched to the end.
	ExitStatus int
	// Events is the number of recorded events replayed.
	Events uint64
	// Served and Ran count the syscalls served from the recording and
	// those run for real.
	Served, Ran uint64
	// Divergence is where the program stopped matching the recording, nil
	// when it matched to the end.
	Divergence *Divergence
	// Stopped holds the pids of the processes Until left stopped.
	Stopped []int
}

// serialWait is how long the thread last let go may run before the next
// one goes too: threads run one at a time, so that memory they share is
// read and written in the recorded order of their syscalls, unless one
// computes for long without a syscall (or spins waiting for another).
const serialWait = 50 * time.Millisecond

// Exec runs the program of a replayable recording again under the tracer
// and serves it the recording (trec replay --exec). The trace is read
// from r, whose header must say the recording is replayable.
func Exec(ctx context.Context, r *format.Reader, opts ExecOptions) (*ExecResult, error) {
	h := r.Header()
	if !h.GetOptions().GetReplayable() {
		return nil, ErrNotReplayable
	}
	table, err := analyze.TableFor(h)
	if err != nil {
		return nil, err
	}
	e := &engine{
		rd:     r,
		h:      h,
		table:  table,
		opts:   opts,
		queues: make(map[int32][]*rec),
		live:   make(map[*record.Thread]*lthread),
		byRec:  make(map[int32]*lthread),
		res:    &ExecResult{},
	}
	e.nrs.init(table)
	first, err := e.start()
	if err != nil {
		return nil, err
	}
	e.stdout = identify(opts.Stdout, os.Stdout)
	e.stderr = identify(opts.Stderr, os.Stderr)
	extra, closeExtra, err := placeholderFiles(first)
	if err != nil {
		return nil, err
	}
	defer closeExtra()
	res, err := record.Run(ctx, record.Options{
		Argv:        h.GetArgv(),
		Env:         h.GetEnv(),
		Dir:         h.GetCwd(),
		Path:        first.ev.Exec.Path,
		Stdin:       opts.Stdin,
		Stdout:      opts.Stdout,
		Stderr:      opts.Stderr,
		CaptureSize: int(h.GetOptions().GetCaptureSize()),
		ExtraFiles:  extra,
		StartState:  h.GetStartState(),
		Session:     opts.Until > 0 || opts.UntilTime > 0,
		Log:         opts.Log,
		Version:     opts.Version,
		Driver:      e,
	}, nil)
	e.res.ExitStatus = res.ExitStatus
	switch {
	case e.res.Divergence != nil:
		return e.res, nil
	case err != nil:
		return e.res, err
	case e.res.Stopped != nil:
		return e.res, nil
	}
	if tr := r.Trailer(); tr != nil && int(tr.GetExitStatus()) != res.ExitStatus {
		e.res.Divergence = &Divergence{Reason: fmt.Sprintf("the program ended with status %d, the recording with %d", res.ExitStatus, tr.GetExitStatus())}
	}
	return e.res, nil
}

// rec is a recorded event read ahead of the replay.
type rec struct {
	// seq is the event's number in the trace, from 1.
	seq  uint64
	ev   format.Event
	done bool
	// pairDone is set on a futex call once the call that pairs with it
	// was looked for (engine.otherFirst).
	pairDone bool
}

// engine is the Driver of a re-execution. It reads the recording ahead as
// far as a thread needs, matches each stop of each live thread with that
// thread's next recorded event, and lets the threads go on in the recorded
// order, one at a time.
type engine struct {
	rd    *format.Reader
	h     *format.Header
	table *sysent.Table
	opts  ExecOptions
	nrs   knownNrs
	ctl   *record.Control
	res   *ExecResult

	// window holds the events read and not yet replayed, in trace order,
	// from head; queues the same per recorded tid.
	window []*rec
	head   int
	queues map[int32][]*rec
	seq    uint64
	eof    bool
	// cut is set when the trace ended without its trailer.
	cut bool

	live  map[*record.Thread]*lthread
	byRec map[int32]*lthread
	// started is set once the program's first exec was matched; firstTid
	// is the recorded tid of that exec.
	started  bool
	firstTid int32
	// running is the thread last let go, until it stops again: the
	// others wait meanwhile.
	running *lthread
	// stdout and stderr identify the files the program's writes to its
	// standard output and error go to.
	stdout, stderr fileID
	ended          bool
}

// fileID is a file's device and inode.
type fileID struct{ dev, ino uint64 }

// lthread is a live thread of the program.
type lthread struct {
	th *record.Thread
	// rtid and rpid are the thread's ids in the recording; mapped is set
	// once they are known.
	rtid, rpid int32
	mapped     bool
	dead       bool
	exit       format.Exit
	// held is set while the thread waits in a stop for the replay to let
	// it go; at is the recorded event its stop matched, until that event
	// is replayed, nil once it is or for a stop that matches nothing.
	held bool
	at   *rec
	kind record.StopKind
	// stuck is set at the exit stop of a call that never returned in the
	// recording: the thread waits there to be killed.
	stuck bool
	// going is set from when the thread is let go for its next recorded
	// event until it stops for it.
	going bool
	// released is set once the thread has been let go.
	released bool
	// free is set when the thread ran for long without a stop: the replay
	// no longer waits for it.
	free bool
	// killed is set once the replay killed it as the recording says.
	killed bool
	call   *callState
	// restart is a call that ran and that the kernel restarts: a signal
	// of today's world interrupted it.
	restart *callState
	// expect counts the signals sent to it and not yet delivered; signal
	// is the signal its signal-delivery-stop delivers when it goes on.
	expect map[int32]int
	signal int32
	// settid is where its recorded tid goes when it first goes
	// (CLONE_CHILD_SETTID).
	settid uint64
	// recent holds its last calls, for a divergence report.
	recent []pastCall
	// extras counts the waits it made in a row that the recording does
	// not have.
	extras int
}

// pastCall is a recorded call, its exit nil when it did not return.
type pastCall struct{ enter, exit *rec }

// recentCalls is how many calls of a thread a divergence report shows.
const recentCalls = 5

// Start implements record.Driver.
func (e *engine) Start(c *record.Control) { e.ctl = c }

// start reads the recording to its first exec, the program's start: the
// events before it (the execve that started it) are done.
func (e *engine) start() (*rec, error) {
	for {
		if !e.read() {
			return nil, errors.New("the recording has no exec: the program never started")
		}
		r := e.window[len(e.window)-1]
		if r.ev.Kind == format.KindExec {
			e.firstTid = r.ev.Tid
			return r, nil
		}
		e.markDone(r)
	}
}

// identify returns the identity of f, or of def when f is nil; one that
// matches no file when it cannot be read.
func identify(f, def *os.File) fileID {
	if f == nil {
		f = def
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return fileID{^uint64(0), ^uint64(0)}
	}
	return fileID{st.Dev, st.Ino}
}

// spareFD is the fd at which the program starts with /dev/null open, not
// known to it: placeholders are copies of it (dup3) at the fd numbers the
// recording has. The highest fd of the usual limit of 1024, which a
// program reaches only with a thousand fds open.
const spareFD = 1023

// placeholderFiles opens /dev/null for each fd above 2 that the recorded
// program started with, so that the fds it opens get the recorded numbers,
// and at spareFD; it returns Options.ExtraFiles and what closes them.
func placeholderFiles(first *rec) ([]*os.File, func(), error) {
	var opened []*os.File
	done := func() {
		for _, f := range opened {
			f.Close()
		}
	}
	extra := make([]*os.File, spareFD-2)
	for _, c := range first.ev.Captures {
		if c.Kind != format.CaptureFD || c.Index < 3 || c.Index == format.CwdIndex || c.Index >= spareFD {
			continue
		}
		f, err := os.Open(os.DevNull)
		if err != nil {
			done()
			return nil, nil, err
		}
		opened = append(opened, f)
		extra[c.Index-3] = f
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		done()
		return nil, nil, err
	}
	opened = append(opened, f)
	extra[spareFD-3] = f
	return extra, done, nil
}

// read reads the next recorded event into the window; false at the end.
func (e *engine) read() bool {
	if e.eof {
		return false
	}
	ev, err := e.rd.Next()
	if err != nil {
		e.eof = true
		e.cut = err != io.EOF
		return false
	}
	e.seq++
	r := &rec{seq: e.seq, ev: ev.Copy()}
	e.window = append(e.window, r)
	tid := r.ev.Tid
	if r.ev.Kind == format.KindExec && r.ev.Exec.OldTid != 0 {
		// The exec'ing thread takes the leader's tid with this event.
		tid = r.ev.Exec.OldTid
	}
	e.queues[tid] = append(e.queues[tid], r)
	return true
}

// front returns the next event to replay, nil at the end of the
// recording.
func (e *engine) front() *rec {
	for {
		for e.head < len(e.window) && e.window[e.head].done {
			e.window[e.head] = nil
			e.head++
		}
		if e.head > 4096 && e.head*2 > len(e.window) {
			e.window = append(e.window[:0], e.window[e.head:]...)
			e.head = 0
		}
		if e.head < len(e.window) {
			return e.window[e.head]
		}
		if !e.read() {
			return nil
		}
	}
}

// nth returns recorded thread tid's event i (0 is the next one), reading
// ahead as needed; nil when the recording has no more.
func (e *engine) nth(tid int32, i int) *rec {
	for {
		q := e.queues[tid]
		for len(q) > 0 && q[0].done {
			q = q[1:]
		}
		e.queues[tid] = q
		if len(q) > i {
			return q[i]
		}
		if !e.read() {
			return nil
		}
	}
}

// markDone marks r replayed.
func (e *engine) markDone(r *rec) {
	r.done = true
	e.res.Events++
}

// thread returns the live thread of th, new ones included.
func (e *engine) thread(th *record.Thread) *lthread {
	l := e.live[th]
	if l == nil {
		l = &lthread{th: th}
		e.live[th] = l
	}
	return l
}

// mapTo gives live thread l the recorded ids tid and pid.
func (e *engine) mapTo(l *lthread, tid, pid int32) {
	l.rtid, l.rpid, l.mapped = tid, pid, true
	e.byRec[tid] = l
}

// expectKind matches a stop that must be the thread's next recorded event,
// of kind k.
func (e *engine) expectKind(l *lthread, live *format.Event, k format.Kind) *rec {
	r := e.nth(l.rtid, 0)
	if r == nil || r.ev.Kind != k {
		e.divergeKind(l, r, live)
		return nil
	}
	l.at = r
	return r
}

// selfInflicted reports whether a signal is one the kernel raised for what
// the thread itself did: a fault, a trap, a seccomp SIGSYS.
func selfInflicted(s *format.Signal) bool {
	switch syscall.Signal(s.Signo) {
	case syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGILL, syscall.SIGFPE, syscall.SIGTRAP, syscall.SIGSYS:
		return s.Code > 0
	}
	return false
}

// clone matches a clone event and maps the new thread.
func (e *engine) clone(l *lthread, s *record.Stop) {
	r := e.expectKind(l, s.Event, format.KindClone)
	if r == nil {
		return
	}
	if r.ev.Clone.Kind != s.Event.Clone.Kind {
		e.diverge(l, r, s.Event, fmt.Sprintf("the recorded clone made a %s, this one a %s", cloneKind(r.ev.Clone.Kind), cloneKind(s.Event.Clone.Kind)))
		return
	}
	child := e.thread(s.Child)
	pid := r.ev.Clone.Child
	if r.ev.Clone.Kind == format.CloneThread {
		pid = l.rpid
	}
	e.mapTo(child, r.ev.Clone.Child, pid)
	if c := l.call; c != nil {
		child.settid = c.childTid
	}
}

func cloneKind(k format.CloneKind) string {
	switch k {
	case format.CloneFork:
		return "fork"
	case format.CloneVfork:
		return "vfork"
	case format.CloneProcess:
		return "process"
	case format.CloneThread:
		return "thread"
	}
	return "clone"
}

// exec matches an exec event. After an execve from a thread other than
// the leader, the leader is gone and the thread takes its tid.
func (e *engine) exec(l *lthread, live *format.Event) {
	r := e.expectKind(l, live, format.KindExec)
	if r == nil {
		return
	}
	if r.ev.Exec.OldTid != 0 {
		if lead := e.byRec[r.ev.Tid]; lead != nil && lead != l {
			lead.dead = true
			delete(e.live, lead.th)
		}
		q := e.queues[l.rtid]
		e.queues[r.ev.Tid] = append(q, e.queues[r.ev.Tid]...)
		delete(e.queues, l.rtid)
		e.mapTo(l, r.ev.Tid, r.ev.Tid)
	}
}

func exitText(x format.Exit) string {
	if x.Signal != 0 {
		return fmt.Sprintf("signal %d", x.Signal)
	}
	return fmt.Sprintf("status %d", x.Code)
}

// fail ends the replay on an error of the replay itself. ESRCH is not
// one: the thread was killed while it waited (its process ended), and its
// end is still to come.
func (e *engine) fail(err error) {
	if e.ended || errors.Is(err, syscall.ESRCH) {
		return
	}
	e.ended = true
	e.ctl.Kill(err)
}

// write copies data into l's memory; a failure is a divergence.
func (e *engine) write(l *lthread, addr uint64, data []byte) bool {
	if addr == 0 {
		return true
	}
	if err := l.th.Write(addr, data); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return false
		}
		e.diverge(l, l.at, nil, fmt.Sprintf("the recorded result cannot be written into the program: %v", err))
		return false
	}
	return true
}

func le32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
