//go:build linux

package record

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/record/internal/startstate"
	"github.com/trecdev/trec/record/seccomp"
	"github.com/trecdev/trec/sysent"
)

// thread is the tracer's state of one tracee thread. It does not assume
// that every syscall entry was seen: an exit without an entry is dropped,
// an entry without an exit is overwritten by the next one.
type thread struct {
	tid, pid int
	// shim is set while the thread is the shim, before the target's exec:
	// nothing it does is recorded.
	shim bool
	// held is set while a new thread, whose first stop came before its
	// parent's clone event, waits in that stop for the event; heldBy is
	// the process that created it.
	held   bool
	heldBy int
	// pl is where the thread runs, and what the adaptive placement
	// measures of it.
	pl threadPlace
	// stopped is set while the thread is in a group-stop.
	stopped bool

	inSyscall bool
	// entryOp is the kind of stop that began the current syscall
	// (syscallInfoEntry or syscallInfoSeccomp), 0 once its other stop was
	// seen too: see tracer.secondStop.
	entryOp uint8
	nr      int
	args    [6]uint64
	// sc describes nr, or is nil (unknown syscall or foreign ABI).
	sc *sysent.Syscall
	// foreign is set for a syscall of another ABI (int 0x80 on x86_64):
	// its number means another call, and it is not recorded.
	foreign bool

	// execPath and execArgv are captured at an execve entry for the exec
	// event; execErr is the errno of a failed execve.
	execPath string
	execArgv []string
	execErr  syscall.Errno

	// hook is the thread's state in calls hooks select; nil until it
	// makes one.
	hook *hookState
}

// action is what a stop handler decided: how the tracee resumes.
type action uint8

const (
	actResume action = iota // resume in the thread's mode, injecting sig
	actListen               // group-stop: PTRACE_LISTEN
	actNone                 // the thread is gone: nothing to resume
)

// knownNrs are the syscall numbers the tracer itself needs to recognize.
type knownNrs struct {
	execve, execveat, clone, clone3, fork, vfork int
	getaffinity, setaffinity, seccomp            int
	chdir, fchdir, dup, dup2, dup3               int
	restart                                      int
}

// ending is how a recording ends once it must.
type ending uint8

const (
	endNot    ending = iota // recording
	endKill                 // kill every tracee, then drain their exits
	endDetach               // detach from every thread (an attached recording)
)

// stopOrder is the order in which a syscall that is both traced with
// PTRACE_SYSCALL and selected by the seccomp filter makes its entry stop
// and its seccomp stop. The kernel decides it (entry first since Linux
// 4.8); the tracer learns it from the first such syscall, the shim's
// execve of the program.
type stopOrder uint8

const (
	orderUnknown stopOrder = iota
	orderEntryFirst
	orderSeccompFirst
)

// tracer owns one recording. Its methods, but cancel, run on the locked
// OS thread.
type tracer struct {
	opts Options
	path string
	out  io.Writer
	// inherit is what the program inherits through the shim.
	inherit startstate.State
	w       *format.Writer
	start   time.Time
	cwd     string

	table  *sysent.Table
	filter sysent.Set
	all    bool
	nrs    knownNrs
	sock   sockCalls
	audit  uint32
	place  placement

	// prog is the seccomp filter the shim installs, nil for none. seccomp
	// is set while the filter decides where the program stops: its threads
	// then resume with PTRACE_CONT outside the syscalls it selects.
	prog    []unix.SockFilter
	seccomp bool
	// seccompSeen is set at the first seccomp stop; seccompErr is the
	// errno of the shim's failed seccomp(2), if it failed.
	seccompSeen bool
	// foreignSeen is set once a syscall of another ABI was reported.
	foreignSeen bool
	// cutSeen is set once a replayable recording said that an output
	// was over the capture cap.
	cutSeen    bool
	seccompErr syscall.Errno
	// seccompFallback says why the program runs without the filter the
	// header announces, for the trailer.
	seccompFallback string
	order           stopOrder

	threads threadTable
	// att is the state of a recording of running processes (Attach), nil
	// for a recording of a program started by Run.
	att *attacher
	// pollOff counts the stops to wait for before polling again, and
	// pollBackoff is what it is set to after the next slow poll; yielded is
	// set when the tracer yielded to get the current stop.
	pollOff     int
	pollBackoff int
	yielded     bool
	// stopTime is when the current stop was taken, the time of its events.
	stopTime int64
	// held are the new threads waiting for their parent's clone event.
	held        []*thread
	mem         *memReader
	cap         *capturer
	ev          format.Event
	si          syscallInfo
	sig         siginfo
	initial     int
	shimPhase   bool
	status      int
	signal      syscall.Signal
	statusKnown bool
	startErr    error
	processes   int
	nthreads    int
	// ending says how the recording ends once it must: by killing
	// every tracee or by detaching from every thread.
	ending ending
	// gone is set when every thread of an attached recording has ended.
	gone bool
	err  error

	cancelled atomic.Bool
	mu        sync.Mutex
	procs     map[int]struct{} // live thread groups, for cancel

	// hooks runs Options.Hooks; nil without hooks.
	hooks *hooker

	// driven holds the Driver's handles of the threads in a driven run
	// (Options.Driver), nil in a recording; ctl is its Control, drvStop
	// the Stop it is handed, ap what changes syscalls, and execRandom the
	// address of the AT_RANDOM bytes at the current exec stop.
	driven     map[*thread]*Thread
	ctl        *Control
	drvStop    Stop
	ap         *applier
	execRandom uint64
}

func newTracer(opts Options, path string, out io.Writer) (*tracer, error) {
	table := sysent.ForArch(nativeArch)
	if table == nil {
		return nil, fmt.Errorf("record: no syscall table for %v", nativeArch)
	}
	t := &tracer{
		opts:        opts,
		path:        path,
		out:         out,
		table:       table,
		all:         true,
		audit:       nativeArch.Audit(),
		procs:       make(map[int]struct{}),
		pollBackoff: pollBackoffMin,
		nrs:         knownNrs{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
	}
	if opts.Filter != "" {
		set, err := sysent.ParseSet(table, opts.Filter)
		if err != nil {
			return nil, fmt.Errorf("record: filter %q: %w", opts.Filter, err)
		}
		t.filter, t.all = set, set.All()
	}
	for name, nr := range map[string]*int{
		"execve": &t.nrs.execve, "execveat": &t.nrs.execveat, "clone": &t.nrs.clone,
		"clone3": &t.nrs.clone3, "fork": &t.nrs.fork, "vfork": &t.nrs.vfork,
		"sched_getaffinity": &t.nrs.getaffinity, "sched_setaffinity": &t.nrs.setaffinity,
		"seccomp": &t.nrs.seccomp, "chdir": &t.nrs.chdir, "fchdir": &t.nrs.fchdir,
		"dup": &t.nrs.dup, "dup2": &t.nrs.dup2, "dup3": &t.nrs.dup3,
		"restart_syscall": &t.nrs.restart,
	} {
		if sc, ok := table.ByName(name); ok {
			*nr = sc.Nr
		}
	}
	t.sock = newSockCalls(table)
	t.cwd = kernelCwd(opts.Dir)
	pageSize := os.Getpagesize()
	t.mem = newMemReader(pageSize)
	t.cap = newCapturer(t.mem, opts.CaptureSize)
	if opts.Replayable {
		t.cap.out = MaxCaptureSize
	}
	if len(opts.Hooks) > 0 {
		h, err := newHooker(t, opts.Hooks)
		if err != nil {
			return nil, err
		}
		t.hooks = h
	}
	return t, nil
}

// buildFilter makes the seccomp filter for a filtered recording: it
// selects the syscalls the user asked for and those the tracer needs to
// see (execve for the exec event's path and argv, the clone family for
// the clone flags, and, unless nothing is pinned, the affinity calls it
// rewrites or follows), which are not recorded unless asked for. Without
// seccomp it says so on Log and leaves every syscall to stop.
func (t *tracer) buildFilter() error {
	if err := seccomp.TraceAvailable(); err != nil {
		t.noSeccomp(err.Error())
		return nil
	}
	nrs := t.filter.Nrs()
	for _, nr := range []int{t.nrs.execve, t.nrs.execveat, t.nrs.clone, t.nrs.clone3, t.nrs.fork, t.nrs.vfork} {
		if nr >= 0 {
			nrs = append(nrs, nr)
		}
	}
	if !t.opts.NoPin {
		nrs = append(nrs, t.nrs.getaffinity, t.nrs.setaffinity)
	}
	rest := t.filter.Rest()
	if t.hooks != nil {
		// Hooks act whatever the recording selects.
		hnrs, hrest := t.hooks.syscalls()
		nrs, rest = append(nrs, hnrs...), rest || hrest
	}
	from := -1
	if rest {
		from = t.table.Max()
	}
	prog, err := seccomp.FilterFrom(t.audit, nrs, from)
	if err != nil {
		return fmt.Errorf("record: seccomp filter for %q: %w", t.opts.Filter, err)
	}
	t.prog, t.seccomp = prog, true
	return nil
}

// noSeccomp gives up the seccomp filter and says why on Options.Log.
func (t *tracer) noSeccomp(reason string) {
	t.seccomp = false
	if t.opts.Log != nil {
		fmt.Fprintf(t.opts.Log, "trec: no seccomp filter (%s): every syscall stops, the filter applies in the recorder\n", reason)
	}
}

// kernelCwd returns dir, "" for the current directory, as the kernel
// resolves it (the link of an fd open on it), as fds are captured: without
// the symlinks a $PWD may hold.
func kernelCwd(dir string) string {
	if dir == "" {
		dir = "."
	}
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return dir
	}
	defer unix.Close(fd)
	if p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd)); err == nil {
		return p
	}
	return dir
}

// run starts the program and traces it to the end. It runs on the locked
// OS thread.
func (t *tracer) run() (Result, error) {
	if t.att != nil {
		return t.runAttached()
	}
	// Orphans of the program are reparented here rather than to init.
	unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	if err := t.place.pin(t.opts, t.table); err != nil {
		return Result{}, err
	}
	if t.opts.Replayable {
		if err := noASLR(); err != nil {
			return Result{}, fmt.Errorf("record: turn address space randomization off: %w", err)
		}
	}
	if t.opts.Driver != nil {
		t.driveStart()
	}
	if err := t.startShim(); err != nil {
		return Result{}, err
	}
	t.loop()
	return t.finish(&format.Trailer{SeccompFallback: t.seccompFallback})
}

// finish closes the trace with trailer, completed with the counts, once
// the loop has ended.
func (t *tracer) finish(trailer *format.Trailer) (Result, error) {
	t.place.stopDoorbell()
	end := time.Since(t.start)
	res := Result{
		ExitStatus: t.status,
		Signal:     t.signal,
		Processes:  t.processes,
		Threads:    t.nthreads,
		Duration:   end,
		hookRegs:   t.hooks != nil && !t.hooks.ap.usesSetInfo(),
	}
	if t.shimPhase && t.err == nil && !t.cancelled.Load() {
		// Cancelled, the program was killed before its exec: Run returns
		// the context's error.
		t.err = errors.New("record: the program ended before its exec")
	}
	if t.w == nil {
		// A driven run writes no trace.
		if t.startErr != nil {
			return Result{}, t.startErr
		}
		return res, t.err
	}
	res.Events = t.w.Events()
	trailer.EndTime = int64(end)
	trailer.ExitStatus = int32(t.status)
	trailer.Processes = uint32(t.processes)
	trailer.Threads = uint32(t.nthreads)
	trailer.Placement = t.place.trailer(t.stopTime)
	if t.hooks != nil {
		trailer.Hooks = t.hooks.counts()
	}
	cerr := t.w.Close(trailer)
	if t.startErr != nil {
		return Result{}, t.startErr
	}
	if t.err == nil && cerr != nil {
		t.err = fmt.Errorf("record: close trace: %w", cerr)
	}
	return res, t.err
}

// startShim starts the shim, writes the trace header, waits for the shim
// to stop itself, seizes it and lets it run on to the target's execve.
//
// The shim dies with the tracer's thread until it is seized (it sets
// PR_SET_PDEATHSIG before it stops, and checks that its parent is still
// this process), and with PTRACE_O_EXITKILL from then on: whenever the
// recorder is killed, nothing of the program is left, stopped or
// untraced.
func (t *tracer) startShim() error {
	argv := make([]string, 0, len(t.opts.Argv)+5)
	argv = append(argv, shimArg0, strconv.Itoa(os.Getpid()), encodeFilter(t.prog), t.inherit.String(), t.path)
	argv = append(argv, t.opts.Argv...)
	env := append(slices.Clip(t.opts.Env), shimMarker)
	attr := &syscall.ProcAttr{
		Dir:   t.opts.Dir,
		Env:   env,
		Files: []uintptr{t.opts.Stdin.Fd(), t.opts.Stdout.Fd(), t.opts.Stderr.Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: t.opts.Session},
	}
	for _, f := range t.opts.ExtraFiles {
		fd := ^uintptr(0)
		if f != nil {
			fd = f.Fd()
		}
		attr.Files = append(attr.Files, fd)
	}
	t.start = time.Now()
	// The header goes out first, so that a trace cut at any time after
	// reads as a recording.
	if err := t.openWriter(); err != nil {
		return err
	}
	pid, err := syscall.ForkExec("/proc/self/exe", argv, attr)
	if err != nil {
		t.dropTrace()
		return &StartError{Path: t.opts.Argv[0], Err: err}
	}
	if err := waitShimStop(pid); err != nil {
		t.dropTrace()
		return err
	}
	var ws unix.WaitStatus
	opts := shimOptions
	if t.prog != nil {
		// Before the shim installs the filter: a SECCOMP_RET_TRACE
		// without it would fail the syscall with ENOSYS.
		opts |= unix.PTRACE_O_TRACESECCOMP
	}
	if err := seize(pid, opts); err != nil {
		unix.Kill(pid, unix.SIGKILL)
		wait4(pid, &ws, 0)
		t.dropTrace()
		return fmt.Errorf("record: seize %d: %w", pid, err)
	}
	// Every ptrace stop would send this process a SIGCHLD that Go's
	// runtime handles at a cost; ignored, the kernel drops it. Run resets
	// it when the recording ends; the shim resets it for the target.
	signal.Ignore(syscall.SIGCHLD)
	t.initial = pid
	t.shimPhase = true
	th := t.newThread(pid, pid)
	th.shim = true
	t.addProc(pid)
	if err := unix.Kill(pid, unix.SIGCONT); err != nil {
		return fmt.Errorf("record: continue shim %d: %w", pid, err)
	}
	return nil
}

// waitShimStop waits for the shim pid, just started, to stop itself.
func waitShimStop(pid int) error {
	var ws unix.WaitStatus
	for {
		_, err := wait4(pid, &ws, unix.WUNTRACED)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			unix.Kill(pid, unix.SIGKILL)
			return fmt.Errorf("record: wait for shim %d: %w", pid, err)
		}
		if ws.Stopped() {
			return nil
		}
		if ws.Exited() || ws.Signaled() {
			return fmt.Errorf("record: shim %d ended before it could be traced (status %#x)", pid, uint32(ws))
		}
	}
}

// loop reaps stops until no tracee is left: wait4 fails with ECHILD or,
// recording running processes, every traced thread is gone.
func (t *tracer) loop() {
	var ws unix.WaitStatus
	for !t.gone {
		tid, err := t.next(&ws)
		// One clock read per stop: the time of its events, and of the
		// cycle that a yield may have made slow.
		prev := t.stopTime
		t.stopTime = t.now()
		if t.yielded {
			t.pollCheck(time.Duration(t.stopTime - prev))
		}
		if err == unix.EINTR {
			continue
		}
		if err == unix.ECHILD {
			return
		}
		if err != nil {
			t.fail(fmt.Errorf("record: wait: %w", err))
			return
		}
		if t.ending == endNot && (t.err != nil || t.cancelled.Load()) {
			if t.att != nil {
				t.detachAll(tid, ws)
				return
			}
			t.killAll()
		}
		t.stop(tid, ws)
	}
}

// Polling for stops (tracer.next): a stop that took longer than pollSlow
// to come after a yield may mean that the yield gave the CPU to something
// else than the tracee (or that the tracee's syscall took that long). The
// tracer then blocks in wait4 for a number of stops, from pollBackoffMin,
// doubled at each slow poll in a row, up to pollBackoffMax: a CPU-bound
// thread that takes a time slice at every yield is soon polled rarely, one
// slow syscall costs little.
const (
	pollSlow       = 100 * time.Microsecond
	pollBackoffMin = 64
	pollBackoffMax = 4096
)

// pollCheck adjusts polling after a stop that came after a yield, d after
// the previous stop.
func (t *tracer) pollCheck(d time.Duration) {
	if d <= pollSlow {
		t.pollBackoff = pollBackoffMin
		return
	}
	t.pollOff = t.pollBackoff
	t.pollBackoff = min(2*t.pollBackoff, pollBackoffMax)
}

// next waits for the next stop. While every tracee shares the tracer's
// CPU, the tracer polls: it takes a stop already there, else yields the
// CPU to the tracee it has just resumed, which runs to its next stop and
// gives the CPU back, and takes that stop, all with raw syscalls. That
// saves the blocking wait4's sleep and wakeup and the Go scheduler's
// bookkeeping of a blocking syscall. When the yield let something else run
// for long (a CPU-bound thread of the program, another process), polling
// would cost a time slice per stop: the tracer blocks in wait4 for a while
// instead, as it does when nothing came.
func (t *tracer) next(ws *unix.WaitStatus) (int, error) {
	if t.hooks != nil && len(t.hooks.held) > 0 {
		return t.hooks.next(t, ws)
	}
	t.yielded = false
	if t.place.shared && t.pollOff == 0 {
		if t.threads.n > 1 {
			if tid := takeStop(ws); tid > 0 {
				return tid, nil
			}
		}
		yield()
		t.yielded = true
		if tid := takeStop(ws); tid > 0 {
			return tid, nil
		}
	} else if t.pollOff > 0 {
		t.pollOff--
	}
	if t.driven != nil {
		return t.driveWait(ws)
	}
	if t.place.userShared >= 2 || t.place.narrowed > 0 {
		return t.waitWatched(ws)
	}
	return wait4(-1, ws, 0)
}

// stop is the one place where a stop is decided and the tracee resumed.
func (t *tracer) stop(tid int, ws unix.WaitStatus) {
	if ws.Exited() || ws.Signaled() {
		t.exited(tid, ws)
		return
	}
	if !ws.Stopped() {
		return
	}
	th := t.threads.get(tid)
	if th == nil {
		if t.place.isDoorbell(tid) {
			t.rung()
			return
		}
		th = t.attached(tid, ws)
	}
	if th == nil {
		// A new tracee's first stop can come before its parent's clone
		// event (and, resumed, it could even exit before it). It waits
		// in that stop for the event, so that the trace has the clone
		// before anything the new thread does. (A first stop that is a
		// group-stop is not held: it is resumed with PTRACE_LISTEN.)
		tgid, ppid := procIDs(tid)
		th = t.newThread(tid, tgid)
		th.shim = t.shimPhase && th.pid == t.initial
		if t.ending == endNot && !th.shim && int(ws)>>16 == ptraceEventStop && ws.StopSignal() == unix.SIGTRAP {
			th.held, th.heldBy = true, ppid
			if tgid != tid {
				th.heldBy = tgid
			}
			t.held = append(t.held, th)
			return
		}
	}
	if t.ending != endNot {
		if t.ending == endDetach {
			t.detachStop(th, ws)
			return
		}
		unix.Tgkill(th.pid, tid, unix.SIGKILL)
		ptrace(unix.PTRACE_CONT, tid, 0, 0)
		return
	}
	if t.place.adaptive {
		t.placeStop(th)
	}
	sig := int(ws.StopSignal())
	event := int(ws) >> 16
	act, inject := actResume, 0
	switch {
	case sig == syscallStopSig, event == ptraceEventSeccomp:
		act = t.syscallStop(th)
	case event == ptraceEventStop:
		if isStopSignal(sig) {
			act = t.groupStop(th, sig)
		} else {
			// The initial stop of a new tracee, or a stop that a
			// SIGCONT ended: resume.
			th.stopped = false
		}
	case event != 0:
		act, th = t.ptraceEvent(th, event)
	default:
		act, inject = t.signalStop(th, sig)
	}
	if th.hook != nil && th.hook.delay > 0 && act == actResume {
		t.hooks.hold(t, th, act, inject)
		return
	}
	if t.driven != nil {
		t.drive(th, ws, act, inject)
		return
	}
	t.resume(th, act, inject)
}

// resume carries out a stop's action. ESRCH means the thread is gone; its
// exit status is still to come.
func (t *tracer) resume(th *thread, act action, sig int) {
	var err error
	switch act {
	case actNone:
		return
	case actListen:
		err = ptrace(unix.PTRACE_LISTEN, th.tid, 0, 0)
	case actResume:
		// With a seccomp filter, the program runs to its next selected
		// syscall or event; in a syscall, and without a filter, to the
		// next syscall stop.
		req := unix.PTRACE_SYSCALL
		if t.seccomp && !th.inSyscall && !th.shim {
			req = unix.PTRACE_CONT
		}
		if t.place.adaptive {
			t.placeResume(th)
		}
		err = ptrace(req, th.tid, 0, uintptr(sig))
	}
	if err != nil && err != unix.ESRCH {
		t.fail(fmt.Errorf("record: resume %d: %w", th.tid, err))
	}
}

func isStopSignal(sig int) bool {
	switch syscall.Signal(sig) {
	case unix.SIGSTOP, unix.SIGTSTP, unix.SIGTTIN, unix.SIGTTOU:
		return true
	}
	return false
}

func (t *tracer) syscallStop(th *thread) action {
	if err := getSyscallInfo(th.tid, &t.si); err != nil {
		if err == unix.ESRCH {
			return actNone
		}
		t.fail(fmt.Errorf("record: syscall info of %d: %w", th.tid, err))
		return actResume
	}
	switch t.si.Op {
	case syscallInfoSeccomp:
		t.seccompSeen = true
		fallthrough
	case syscallInfoEntry:
		if !t.secondStop(th) {
			t.enter(th)
			th.entryOp = t.si.Op
		}
	case syscallInfoExit:
		t.exit(th)
	}
	return actResume
}

// secondStop reports whether the current stop, an entry or a seccomp stop,
// is the second stop of the syscall th is in: one that PTRACE_SYSCALL
// traces and the seccomp filter selects stops twice, at entry and at the
// filter, in the order the kernel has (learnt from the first such pair).
// Only the first stop records the entry.
func (t *tracer) secondStop(th *thread) bool {
	op := t.si.Op
	if !th.inSyscall || th.entryOp == 0 {
		return false
	}
	if th.entryOp == entryResumed {
		return t.resumedEntry(th)
	}
	if th.entryOp == op || uint64(th.nr) != t.si.Nr || th.args != t.si.Args {
		return false
	}
	order := orderEntryFirst
	if th.entryOp == syscallInfoSeccomp {
		order = orderSeccompFirst
	}
	if t.order == orderUnknown {
		t.order = order
	} else if t.order != order {
		return false
	}
	th.entryOp = 0
	return true
}

// enter handles a syscall-entry stop. Hooks that rewrite arguments slot in
// here.
func (t *tracer) enter(th *thread) {
	th.inSyscall = true
	th.nr = int(t.si.Nr)
	th.args = t.si.Args
	th.sc = nil
	th.foreign = t.si.Arch != t.audit
	if th.foreign {
		// The trace's numbers are the native ABI's: recorded as they
		// are, i386's write (4) would read as stat.
		if !t.foreignSeen && !th.shim && t.opts.Log != nil {
			fmt.Fprintf(t.opts.Log, "trec: process %d makes syscalls of another ABI (arch %#x); they are not recorded\n", th.pid, t.si.Arch)
		}
		t.foreignSeen = t.foreignSeen || !th.shim
		return
	}
	if len(t.place.status) != 0 {
		t.statusEnter(th)
	}
	th.sc = t.table.Lookup(th.nr)
	isExec := th.sc != nil && (th.nr == t.nrs.execve || th.nr == t.nrs.execveat)
	if th.shim && !isExec {
		return
	}
	record := t.traced(th.nr)
	hooked := t.hooks != nil && !th.shim && t.hooks.selects(th.nr)
	if !record && !isExec && !hooked {
		return
	}
	t.begin(format.KindSyscallEnter, th)
	t.ev.Nr = int32(th.nr)
	t.ev.Args = th.args
	if th.sc != nil {
		// The thread's own tid: its leader may have exited, or it may
		// have an fd table of its own (unshare(CLONE_FILES)).
		t.cap.enter(th.tid, th.sc, &th.args)
		if th.sc.Extra != sysent.ExtraNone {
			t.cap.extraEnter(th.tid, th.sc, &th.args, t.si.SP)
		}
	}
	if isExec {
		t.execInfo(th)
	}
	if hooked {
		record = t.hookEnter(th, record)
	}
	if record {
		t.emit()
	}
}

// execInfo keeps the path and argv of an execve for its exec event.
func (t *tracer) execInfo(th *thread) {
	th.execPath, th.execArgv = "", th.execArgv[:0]
	pathArg, argvArg := -1, -1
	for i, a := range th.sc.Args {
		if a.Kind == sysent.ArgPath && pathArg < 0 {
			pathArg = i
		}
		if a.Kind == sysent.ArgStringArray && argvArg < 0 {
			argvArg = i
		}
	}
	caps := t.cap.finish()
	for _, c := range caps {
		switch {
		case int(c.Arg) == pathArg && c.Kind == format.CaptureString:
			th.execPath = string(c.Data)
		case int(c.Arg) == argvArg && c.Kind == format.CaptureStringArray:
			th.execArgv = append(th.execArgv, string(c.Data))
		}
	}
}

// exit handles a syscall-exit stop. Hooks that rewrite return values slot
// in here.
func (t *tracer) exit(th *thread) {
	if !th.inSyscall {
		return
	}
	th.inSyscall, th.entryOp = false, 0
	failed := t.si.Args[0]&0xff != 0
	ret := t.si.rval()
	if th.shim {
		switch {
		case !failed:
		case th.nr == t.nrs.execve || th.nr == t.nrs.execveat:
			th.execErr = syscall.Errno(-ret)
		case th.nr == t.nrs.seccomp:
			t.seccompErr = syscall.Errno(-ret)
		}
		return
	}
	// What the kernel did, whatever a hook makes of it.
	kret, kfailed := ret, failed
	hooked, skipped := false, false
	if th.hook != nil && th.hook.active {
		ret, hooked, skipped = t.hookExit(th, ret)
		failed = ret < 0 && ret >= -4095
	}
	if len(t.place.status)+t.place.windows != 0 {
		t.statusExit(th, kfailed || skipped)
	}
	if th.sc != nil && t.place.cpu >= 0 && (th.nr == t.nrs.getaffinity || th.nr == t.nrs.setaffinity) {
		t.affinityExit(th, kret, kfailed || skipped)
	}
	if th.foreign || !t.traced(th.nr) && !hooked {
		return
	}
	t.begin(format.KindSyscallExit, th)
	t.ev.Nr = int32(th.nr)
	t.ev.Ret = ret
	if !failed && !skipped && th.sc != nil {
		t.cap.exit(th.tid, th.sc, &th.args, ret)
		if t.opts.Replayable {
			t.replayExit(th)
		}
		// What new fds refer to. A full trace knows every fd of the
		// program from its start or its creation, so copies (dup, dup2,
		// dup3) save the syscall a readlink costs; a filtered one may
		// not have recorded the fd copied.
		switch {
		case th.nr == t.nrs.chdir || th.nr == t.nrs.fchdir:
			t.cap.cwdLink(th.tid)
		case t.all && (th.nr == t.nrs.dup || th.nr == t.nrs.dup2 || th.nr == t.nrs.dup3):
		case th.sc.Ret == sysent.RetFD:
			t.cap.fdLink(th.tid, ret)
			t.statusOpened(th, ret)
		}
	}
	if th.sc != nil && th.sc.Extra != sysent.ExtraNone {
		t.cap.extraExit(th.tid, th.sc, &th.args, ret, failed)
	}
	if t.sock.has(th.nr) {
		t.sockExit(th, failed, ret)
	}
	t.emit()
}

func (t *tracer) traced(nr int) bool { return t.all || t.filter.Has(nr) }

// ptraceEvent handles PTRACE_EVENT_* stops. It returns the thread to
// resume: after an execve from a thread other than the leader, the state
// of that thread, now under the leader's tid, in its syscall.
func (t *tracer) ptraceEvent(th *thread, event int) (action, *thread) {
	switch event {
	case ptraceEventFork, ptraceEventVfork, ptraceEventClone:
		msg, err := eventMsg(th.tid)
		if err != nil {
			if err == unix.ESRCH {
				return actNone, th
			}
			t.fail(fmt.Errorf("record: clone event of %d: %w", th.tid, err))
			return actResume, th
		}
		t.cloned(th, event, int(msg))
	case ptraceEventExec:
		msg, err := eventMsg(th.tid)
		if err != nil {
			if err == unix.ESRCH {
				return actNone, th
			}
			t.fail(fmt.Errorf("record: exec event of %d: %w", th.tid, err))
			return actResume, th
		}
		th = t.execed(th, int(msg))
	}
	return actResume, th
}

// cloned records a new thread or process.
func (t *tracer) cloned(parent *thread, event, child int) {
	var kind format.CloneKind
	switch event {
	case ptraceEventFork:
		kind = format.CloneFork
	case ptraceEventVfork:
		kind = format.CloneVfork
	default:
		kind = format.CloneProcess
	}
	flags, known := t.cloneFlags(parent)
	c := t.threads.get(child)
	if event == ptraceEventClone {
		thread := flags&unix.CLONE_THREAD != 0
		if !known {
			if c != nil {
				thread = c.pid != child
			} else {
				tgid, _ := procIDs(child)
				thread = tgid != child
			}
		}
		if thread {
			kind = format.CloneThread
		}
	}
	pid := child
	if kind == format.CloneThread {
		pid = parent.pid
	}
	if c == nil {
		c = t.newThread(child, pid)
	} else if c.pid != pid {
		c.pid = pid
	}
	c.shim = parent.shim
	// CPU masks are inherited: a thread that set its own passes it on.
	t.place.inherit(c, parent)
	if !parent.shim {
		t.begin(format.KindClone, parent)
		t.ev.Clone = format.Clone{Child: int32(child), Kind: kind, Flags: flags}
		t.emit()
	}
	if c.held {
		t.release(c)
	}
}

// release resumes a held thread. When its parent's clone event does not
// come (the parent was killed first), it is released when the parent's
// process ends.
func (t *tracer) release(th *thread) {
	t.unhold(th)
	if t.driven != nil {
		t.drive(th, 0, actResume, 0)
		return
	}
	t.resume(th, actResume, 0)
}

// unhold takes th off the list of held threads.
func (t *tracer) unhold(th *thread) {
	th.held = false
	t.held = slices.DeleteFunc(t.held, func(h *thread) bool { return h == th })
}

// cloneFlags returns the flags of the clone the thread is in, from the
// arguments saved at its entry.
func (t *tracer) cloneFlags(th *thread) (uint64, bool) {
	if !th.inSyscall {
		return 0, false
	}
	switch th.nr {
	case t.nrs.clone:
		return th.args[0], true
	case t.nrs.clone3:
		flags, ok := t.cap.u64At(th.pid, th.args[0])
		if !ok {
			return 0, false
		}
		sig, _ := t.cap.u64At(th.pid, th.args[0]+32)
		return flags | sig&0xff, true
	case t.nrs.fork:
		return uint64(unix.SIGCHLD), true
	case t.nrs.vfork:
		return unix.CLONE_VM | unix.CLONE_VFORK | uint64(unix.SIGCHLD), true
	}
	return 0, false
}

// execed records a successful exec. th is the thread group leader; when a
// non-leader thread called execve, oldTid is its former tid and the leader
// has vanished without an exit status. It returns the thread now under the
// leader's tid: the one that called execve.
func (t *tracer) execed(th *thread, oldTid int) *thread {
	if oldTid != th.tid {
		if old := t.threads.get(oldTid); old != nil {
			t.threads.remove(oldTid)
			// The leader is gone, without an exit status.
			t.placeExit(th)
			old.tid, old.pid = th.tid, th.pid
			t.threads.put(old)
			if t.driven != nil {
				delete(t.driven, th)
			}
			th = old
		}
	}
	if !th.inSyscall {
		th.inSyscall, th.nr = true, t.nrs.execve
	}
	th.sc = nil // the exit has nothing to capture
	if th.hook != nil {
		// The new program's registers are not the caller's.
		th.hook.argMask = 0
	}
	first := th.shim
	if th.shim {
		th.shim = false
		t.shimPhase = false
		t.processes++
		t.nthreads++
		opts := traceOptions
		if t.prog != nil {
			opts |= unix.PTRACE_O_TRACESECCOMP
		}
		if t.seccomp && !t.seccompSeen {
			// The shim's execve is always selected: the filter is not
			// there.
			reason := "the shim could not install it"
			if t.seccompErr != 0 {
				reason = t.seccompErr.Error()
			}
			t.noSeccomp(reason)
			t.seccompFallback = reason
		}
		if err := ptrace(unix.PTRACE_SETOPTIONS, th.tid, 0, uintptr(opts)); err != nil && err != unix.ESRCH {
			t.fail(fmt.Errorf("record: set options of %d: %w", th.tid, err))
		}
	}
	t.begin(format.KindExec, th)
	t.ev.Exec = format.Exec{Path: th.execPath, Argv: th.execArgv}
	if oldTid != th.tid {
		t.ev.Exec.OldTid = int32(oldTid)
	}
	if first {
		// The fds the program starts with; later ones are captured
		// as syscalls create them.
		t.cap.fdLinks(th.pid)
		t.placeStart(th)
	}
	if t.opts.Replayable {
		t.execRandom = t.execAux(th)
	}
	t.emit()
	th.execPath, th.execArgv = "", th.execArgv[:0]
	return th
}

// groupStop records a group-stop; the tracee is resumed with PTRACE_LISTEN
// so that it stays stopped until SIGCONT, as it would untraced.
func (t *tracer) groupStop(th *thread, sig int) action {
	th.stopped = true
	if th.shim {
		return actListen
	}
	t.begin(format.KindStop, th)
	t.ev.Signal.Signo = int32(sig)
	t.emit()
	if t.opts.JobControl && th.tid == t.initial && t.ending == endNot {
		t.resume(th, actListen, 0)
		t.stopWithProgram(sig)
		return actNone
	}
	return actListen
}

// signalStop handles a signal-delivery-stop: the signal is recorded and
// injected on the resume.
func (t *tracer) signalStop(th *thread, sig int) (action, int) {
	if err := getSiginfo(th.tid, &t.sig); err != nil {
		if err == unix.ESRCH {
			return actNone, 0
		}
		return actResume, sig
	}
	if th.shim {
		return actResume, sig
	}
	t.begin(format.KindSignal, th)
	s := &t.ev.Signal
	s.Signo, s.Errno, s.Code = t.sig.signo(), t.sig.errno(), t.sig.code()
	switch {
	case syscall.Signal(sig) == unix.SIGCHLD:
		s.SenderPid, s.SenderUid, s.Status = t.sig.pid(), t.sig.uid(), t.sig.status()
	case s.Code > 0 && faultSignal(sig):
		s.Addr = t.sig.addr()
	case s.Code <= 0:
		// SI_USER, SI_QUEUE, SI_TKILL, ...: sent by a process.
		s.SenderPid, s.SenderUid = t.sig.pid(), t.sig.uid()
	}
	t.cap.siginfo(&t.sig)
	t.emit()
	if isStopSignal(sig) && contPending(th.tid) {
		// A SIGCONT came after the stop signal was taken from the
		// queue: untraced, it would have discarded the stop signal.
		return actResume, 0
	}
	return actResume, sig
}

func faultSignal(sig int) bool {
	switch syscall.Signal(sig) {
	case unix.SIGSEGV, unix.SIGBUS, unix.SIGILL, unix.SIGFPE, unix.SIGTRAP:
		return true
	}
	return false
}

// exited handles the wait status of a thread that ended.
func (t *tracer) exited(tid int, ws unix.WaitStatus) {
	th := t.threads.get(tid)
	if th == nil && t.att != nil {
		var ours bool
		if th, ours = t.attachedExit(tid); !ours {
			return
		}
	}
	t.threads.remove(tid)
	if th != nil {
		t.placeExit(th)
		if th.held {
			t.unhold(th)
		}
	}
	pid := tid
	if th != nil {
		pid = th.pid
	}
	if t.hooks != nil {
		t.hooks.exited(tid, pid)
	}
	leader := tid == pid
	if leader {
		// A process that ended owes no more clone events: the threads
		// it created run on.
		for i := 0; i < len(t.held); {
			if h := t.held[i]; h.heldBy == pid {
				t.release(h)
				continue
			}
			i++
		}
		t.removeProc(pid)
		// A reparented orphan is also a child of this process: reap that
		// side too (no-op when SIGCHLD is ignored or it was ours).
		var ws2 unix.WaitStatus
		unix.Wait4(pid, &ws2, unix.WNOHANG|unix.WALL, nil)
	}
	status := 0
	if ws.Exited() {
		status = ws.ExitStatus()
	} else {
		status = 128 + int(ws.Signal())
	}
	if th != nil && th.shim {
		if tid == t.initial && t.shimPhase {
			t.status, t.statusKnown = status, true
			if th.execErr != 0 {
				t.startErr = startErrorFor(t.opts.Argv[0], th.execErr)
			} else if !t.cancelled.Load() && t.err == nil {
				t.startErr = &StartError{Path: t.opts.Argv[0], Err: fmt.Errorf("ended before exec with status %d", status)}
			}
		}
		return
	}
	if tid == t.initial {
		t.status, t.statusKnown = status, true
		if ws.Signaled() {
			t.signal = ws.Signal()
		}
	}
	t.ev = format.Event{Kind: format.KindExit, Time: t.stopTime, Tid: int32(tid), Pid: int32(pid)}
	if ws.Exited() {
		t.ev.Exit.Code = int32(ws.ExitStatus())
	} else {
		t.ev.Exit.Signal = int32(ws.Signal())
		t.ev.Exit.CoreDumped = ws.CoreDump()
	}
	t.ev.Exit.Thread = !leader
	t.cap.reset()
	t.emit()
	if t.att != nil {
		t.exitedAttached()
	}
	if t.driven != nil && th != nil {
		t.driveExited(th)
	}
}

func (t *tracer) newThread(tid, pid int) *thread {
	th := t.makeThread(tid, pid)
	t.threads.put(th)
	return th
}

// makeThread makes and counts the state of a new tracee thread, spawned or
// attached, without adding it to the table.
func (t *tracer) makeThread(tid, pid int) *thread {
	th := &thread{tid: tid, pid: pid, nr: -1}
	t.place.add(th)
	if !t.shimPhase || pid != t.initial {
		t.nthreads++
		if tid == pid {
			t.processes++
			t.addProc(pid)
		}
	}
	return th
}

func (t *tracer) now() int64 { return int64(time.Since(t.start)) }

// begin starts a new event on th, with no captures.
func (t *tracer) begin(kind format.Kind, th *thread) {
	t.ev = format.Event{Kind: kind, Time: t.stopTime, Tid: int32(th.tid), Pid: int32(th.pid)}
	t.cap.reset()
}

// emit writes the current event.
func (t *tracer) emit() {
	t.ev.Captures = t.cap.finish()
	if len(t.ev.Captures) == 0 {
		t.ev.Captures = nil
	}
	if t.w == nil {
		// A driven run: the Driver reads the event.
		return
	}
	if err := t.w.Write(&t.ev); err != nil {
		t.fail(fmt.Errorf("record: %w", err))
	}
}

// openWriter starts the trace with its header, before the program starts;
// a driven run has none.
func (t *tracer) openWriter() error {
	if t.driven != nil {
		return nil
	}
	h := t.header()
	h.Argv = t.opts.Argv
	h.TracerPid = int32(os.Getpid())
	return t.startWriter(h)
}

// header returns the trace header but for what tells how the recording
// started.
func (t *tracer) header() *format.Header {
	var uts unix.Utsname
	unix.Uname(&uts)
	h := &format.Header{
		TrecVersion:   t.opts.Version,
		Cwd:           t.cwd,
		StartUnixNano: t.start.UnixNano(),
		Clock:         "CLOCK_MONOTONIC",
		Arch:          nativeArch.String(),
		KernelRelease: unix.ByteSliceToString(uts.Release[:]),
		Hostname:      unix.ByteSliceToString(uts.Nodename[:]),
		PageSize:      uint32(os.Getpagesize()),
		Options: &format.Options{
			Filter:      t.opts.Filter,
			CaptureSize: uint64(t.opts.CaptureSize),
			Seccomp:     t.seccomp,
			Cpu:         int32(t.place.cpu),
			Placement:   t.place.mode.String(),
			Replayable:  t.opts.Replayable,
		},
	}
	if t.hooks != nil {
		h.Options.Hooks = t.hooks.specs()
	}
	if t.opts.Replayable {
		h.Env, h.StartState = t.opts.Env, t.startState()
	}
	return h
}

// startWriter writes header h.
func (t *tracer) startWriter(h *format.Header) error {
	w, err := format.NewWriter(t.out, h, format.WriterOptions{})
	if err != nil {
		return fmt.Errorf("record: open trace: %w", err)
	}
	t.w = w
	return nil
}

// dropTrace closes the trace of a program that could not be started.
func (t *tracer) dropTrace() {
	if t.w != nil {
		t.w.Close(nil)
	}
}

// fail keeps the first fatal error; the loop then kills every tracee and
// drains their exits.
func (t *tracer) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// killAll kills every traced process and switches the loop to killing
// whatever stops next.
func (t *tracer) killAll() {
	t.ending = endKill
	t.killProcs()
}

// cancel is called from another goroutine when Run's context is done:
// a recording of a started program kills it, one of running processes
// wakes the tracer to detach.
func (t *tracer) cancel(cause error) {
	if t.att != nil {
		t.att.cancel(cause)
		t.cancelled.Store(true)
		t.att.wake()
		return
	}
	t.cancelled.Store(true)
	t.killProcs()
}

func (t *tracer) killProcs() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for pid := range t.procs {
		unix.Kill(pid, unix.SIGKILL)
	}
}

func (t *tracer) addProc(pid int) {
	t.mu.Lock()
	t.procs[pid] = struct{}{}
	t.mu.Unlock()
}

func (t *tracer) removeProc(pid int) {
	t.mu.Lock()
	delete(t.procs, pid)
	t.mu.Unlock()
}

// procIDs reads a thread's thread group id and its process's parent from
// /proc; tid and 0 when the thread is gone.
func procIDs(tid int) (tgid, ppid int) {
	st, err := readStatus(tid)
	if err != nil {
		return tid, 0
	}
	return st.tgid, st.ppid
}
