//go:build linux

package record

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/format/tracepb"
	"github.com/trecdev/trec/record/internal/startstate"
)

// attachOptions are the ptrace options of a thread trec attached to and of
// the threads and processes it creates. Without PTRACE_O_EXITKILL: when
// trec ends, however it ends, the kernel detaches what trec still traces
// and the processes run on.
const attachOptions = unix.PTRACE_O_TRACESYSGOOD | unix.PTRACE_O_TRACEEXEC |
	unix.PTRACE_O_TRACECLONE | unix.PTRACE_O_TRACEFORK | unix.PTRACE_O_TRACEVFORK

// detachWait bounds the wait, at the end of an attached recording, for
// the threads to stop so that they can be detached. A thread in an
// uninterruptible sleep does not stop; the kernel detaches it when the
// tracer's thread exits.
const detachWait = 2 * time.Second

// entryResumed is thread.entryOp for a thread that trec attached to inside
// a syscall that the attach interrupted and the kernel restarts: its next
// entry stop is that call going on (see resumedEntry).
const entryResumed = 4

// The reasons an attach fails, wrapped in an *AttachError.
var (
	// ErrNoProcess: there is no such process (any more).
	ErrNoProcess = errors.New("no such process")
	// ErrZombie: the process has exited and waits for its parent to reap
	// it.
	ErrZombie = errors.New("process is a zombie")
	// ErrTraced: another tracer (strace, gdb, another trec) traces the
	// process.
	ErrTraced = errors.New("already traced")
	// ErrSelf: the process is trec itself.
	ErrSelf = errors.New("that is trec itself")
)

// AttachError reports a process that Attach could not attach to.
type AttachError struct {
	// Pid is the process as the caller named it.
	Pid int
	// Err is the reason: ErrNoProcess, ErrZombie, ErrTraced, ErrSelf,
	// os.ErrPermission or another error of ptrace(2).
	Err error
	// Tracer is the process that traces it, for ErrTraced.
	Tracer int
	// Detail says more: the tracer's name, the zombie's parent, the
	// likely causes of a permission denied.
	Detail string
}

// Error returns "attach PID: reason (detail)".
func (e *AttachError) Error() string {
	s := "attach " + strconv.Itoa(e.Pid) + ": " + e.Err.Error()
	if errors.Is(e.Err, ErrTraced) {
		s += " by process " + strconv.Itoa(e.Tracer)
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Unwrap returns the reason.
func (e *AttachError) Unwrap() error { return e.Err }

// Attach records running processes: every thread of each process in pids
// (a thread's id stands for its process) and every thread and process
// they create from then on, into a trace written to out. opts.Argv must
// be empty; Env, Dir and the standard files are not used.
//
// The recording ends when every traced process has exited, or when ctx
// is done: then trec detaches from every thread, which runs on as if it
// had never been traced, and closes the trace. Neither is an error: the
// Result's ExitStatus is 0. A process that cannot be attached to returns
// an *AttachError and writes no trace.
//
// Placement is as for Run (see the package documentation, "Placement"
// and "Attaching"), from each thread's own CPU mask: by default a thread
// that makes syscalls often runs on the tracer's CPU, when its mask
// allows it; with opts.Pin or opts.UseCPU every traced thread runs there;
// with opts.NoPin none is moved. At the end each thread trec moved gets
// its own mask back. A seccomp filter cannot be installed in a running
// process: opts.Filter applies in the recorder.
func Attach(ctx context.Context, pids []int, opts Options, out io.Writer) (Result, error) {
	if len(pids) == 0 {
		return Result{}, errors.New("record: no process to attach to")
	}
	if len(opts.Argv) > 0 {
		return Result{}, errors.New("record: a program to run and processes to attach to: choose one")
	}
	if opts.CaptureSize < 0 {
		opts.CaptureSize = 0
	}
	t, err := newTracer(opts, "", out)
	if err != nil {
		return Result{}, err
	}
	t.att = &attacher{
		pids:      pids,
		first:     map[int]*thread{},
		described: map[int]bool{},
		wakerFD:   -1,
	}
	return t.record(ctx)
}

// attacher is the state of a recording of running processes.
type attacher struct {
	pids []int
	// procs describe the processes attached to, for the header and their
	// first KIND_ATTACH event.
	procs []*tracepb.AttachedProcess
	// first holds the threads seized whose first stop has not come yet.
	first map[int]*thread
	// described holds the processes whose program and fds are in the
	// trace.
	described map[int]bool
	// self is the tracer thread's tid: the TracerPid of its tracees.
	self int
	// waker is a child of the tracer's thread, kept in a ptrace-stop,
	// whose death wakes the tracer from wait4 (see startWaker); 0 once
	// reaped.
	waker    int
	detached int
	// masks are the CPU masks of the threads pinned with --cpu, one copy
	// of each.
	masks [][]byte

	// mu guards what cancel, on another goroutine, touches.
	mu      sync.Mutex
	wakerFD int // a pidfd of the waker, -1 once closed
	cause   error
}

// runAttached attaches to the processes and records them to the end. It
// runs on the locked OS thread.
func (t *tracer) runAttached() (Result, error) {
	a := t.att
	if err := t.place.pin(t.opts, t.table); err != nil {
		return Result{}, err
	}
	t.start = time.Now()
	a.self = unix.Gettid()
	if err := t.startWaker(); err != nil {
		return Result{}, err
	}
	defer t.closeWaker()
	if err := t.seizeAll(); err != nil {
		t.abandon()
		return Result{}, err
	}
	// As for a started program (startShim): no signal per stop.
	signal.Ignore(syscall.SIGCHLD)
	h := t.header()
	for _, p := range a.procs {
		h.Attached = append(h.Attached, p.Pid)
	}
	h.AttachedProcesses = a.procs
	h.Cwd = a.procs[0].Cwd
	if err := t.startWriter(h); err != nil {
		t.abandon()
		return Result{}, err
	}
	t.loop()
	t.reapWaker()
	reason := "exited"
	switch {
	case t.err != nil:
		reason = "error"
	case t.cancelled.Load():
		reason = "interrupted"
		a.mu.Lock()
		if errors.Is(a.cause, context.DeadlineExceeded) {
			reason = "duration"
		}
		a.mu.Unlock()
	}
	return t.finish(&format.Trailer{Detached: uint32(a.detached), EndReason: reason})
}

// abandon gives up an attach before the recording: the threads seized
// get their CPU masks back, and the kernel lets them go when this thread
// exits, as it does when the recording returns.
func (t *tracer) abandon() {
	for _, th := range t.att.first {
		t.unpin(th)
	}
	t.reapWaker()
}

// seizeAll seizes every thread of every process asked for.
func (t *tracer) seizeAll() error {
	a := t.att
	for _, pid := range a.pids {
		p, err := t.seizeProcess(pid)
		if err != nil {
			return err
		}
		if p != nil {
			a.procs = append(a.procs, p)
		}
	}
	return nil
}

// seizeProcess seizes every thread of the process of pid: it reads
// /proc/PID/task again until no thread appears that it has not seized, so
// that threads created meanwhile by a thread not yet seized are not
// missed (those a seized thread creates are traced from their start). It
// returns the process's description, nil for a process already seized.
func (t *tracer) seizeProcess(pid int) (*tracepb.AttachedProcess, error) {
	a := t.att
	st, err := readStatus(pid)
	if err != nil {
		return nil, &AttachError{Pid: pid, Err: ErrNoProcess}
	}
	asked := pid
	pid = st.tgid
	for _, p := range a.procs {
		if int(p.Pid) == pid {
			return nil, nil
		}
	}
	if pid == os.Getpid() {
		return nil, &AttachError{Pid: asked, Err: ErrSelf}
	}
	if st.kthread {
		return nil, &AttachError{Pid: asked, Err: os.ErrPermission, Detail: "a kernel thread cannot be traced"}
	}
	if st.tracer != 0 {
		return nil, tracedError(asked, st.tracer)
	}
	tids := tasks(pid)
	if st.state == 'Z' && len(tids) <= 1 {
		return nil, &AttachError{Pid: asked, Err: ErrZombie,
			Detail: "it has exited; its parent, process " + strconv.Itoa(st.ppid) + ", has not reaped it"}
	}
	seized := 0
	for {
		added := 0
		for _, tid := range tids {
			if a.first[tid] != nil {
				continue
			}
			ok, err := t.seizeThread(tid, pid)
			if err != nil {
				return nil, &AttachError{Pid: asked, Err: err.Err, Tracer: err.Tracer, Detail: err.Detail}
			}
			if ok {
				added++
			}
		}
		if added == 0 {
			break
		}
		seized += added
		tids = tasks(pid)
	}
	if seized == 0 {
		return nil, &AttachError{Pid: asked, Err: ErrNoProcess}
	}
	dir := "/proc/" + strconv.Itoa(pid)
	p := &tracepb.AttachedProcess{Pid: int32(pid)}
	if b, err := os.ReadFile(dir + "/cmdline"); err == nil && len(b) > 0 {
		p.Argv = strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
	}
	p.Cwd, _ = os.Readlink(dir + "/cwd")
	p.Exe, _ = os.Readlink(dir + "/exe")
	return p, nil
}

// seizeThread seizes thread tid of process pid and interrupts it: its
// first stop (tracer.attachStop) records it. It reports false for a
// thread that is gone, exiting, or already traced by this tracer (created
// by a thread it traces).
func (t *tracer) seizeThread(tid, pid int) (bool, *AttachError) {
	switch err := seize(tid, attachOptions); err {
	case nil:
	case unix.ESRCH:
		return false, nil
	case unix.EPERM:
		st, serr := readStatus(tid)
		switch {
		case serr != nil, st.tracer == t.att.self, st.state == 'Z', st.state == 'X':
			return false, nil
		case st.tracer != 0:
			return false, tracedError(pid, st.tracer)
		}
		return false, &AttachError{Pid: pid, Err: os.ErrPermission, Detail: permissionCauses(st)}
	default:
		return false, &AttachError{Pid: pid, Err: err}
	}
	th := t.makeThread(tid, pid)
	t.att.first[tid] = th
	if err := ptrace(unix.PTRACE_INTERRUPT, tid, 0, 0); err != nil && err != unix.ESRCH {
		return false, &AttachError{Pid: pid, Err: fmt.Errorf("interrupt thread %d: %w", tid, err)}
	}
	t.placeAttached(th)
	return true, nil
}

// placeAttached places a thread trec attached to, and keeps the mask it
// had, to show it to the program and give it back at the detach: pinned,
// on the recording's CPU; adaptive, on its own CPUs, from where it comes
// to the tracer's if its stops say so.
func (t *tracer) placeAttached(th *thread) {
	p := &t.place
	th.pl.where, th.pl.ran = whereOwn, ranOwn
	if p.cpu < 0 {
		return
	}
	n, err := getaffinity(th.tid, p.buf[:])
	if err != nil {
		return
	}
	th.pl.mask = t.att.mask(p.buf[:n])
	switch {
	case p.adaptive:
		th.pl.where = whereFree
	case setaffinity(th.tid, p.one) == nil:
		th.pl.where, th.pl.ran = whereTracer, ranTracer
	default:
		// Its stops cost the cross-CPU price, and the tracer must not
		// poll.
		p.shared = false
	}
}

// unpin gives a thread trec keeps on its CPU its own mask back.
func (t *tracer) unpin(th *thread) {
	if th.pl.mask != nil && (t.place.hidden(th) || th.pl.shown) {
		setaffinity(th.tid, th.pl.mask)
	}
}

// mask returns a kept copy of mask, shared by the threads that had it.
func (a *attacher) mask(m []byte) []byte {
	for _, k := range a.masks {
		if bytes.Equal(k, m) {
			return k
		}
	}
	k := bytes.Clone(m)
	a.masks = append(a.masks, k)
	return k
}

// tracedError is the error for process pid traced by tracer.
func tracedError(pid, tracer int) *AttachError {
	e := &AttachError{Pid: pid, Err: ErrTraced, Tracer: tracer}
	if st, err := readStatus(tracer); err == nil && st.name != "" {
		e.Detail = st.name
	}
	return e
}

// permissionCauses names what, of the usual causes, forbids this process
// to trace the thread st describes.
func permissionCauses(st procStatus) string {
	var causes []string
	self, _ := readStatus(os.Getpid())
	capPtrace := self.capEff&(1<<unix.CAP_SYS_PTRACE) != 0
	uid := os.Getuid()
	if !capPtrace && (st.uids[0] != uid || st.uids[1] != uid || st.uids[2] != uid) {
		causes = append(causes, fmt.Sprintf("it runs as uid %d, trec as uid %d", st.uids[1], uid))
	}
	scope := -1
	if b, err := os.ReadFile("/proc/sys/kernel/yama/ptrace_scope"); err == nil {
		scope, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	switch {
	case scope == 3:
		causes = append(causes, "/proc/sys/kernel/yama/ptrace_scope is 3: no process may be traced")
	case scope == 2 && !capPtrace:
		causes = append(causes, "/proc/sys/kernel/yama/ptrace_scope is 2: only with CAP_SYS_PTRACE")
	case scope == 1 && !capPtrace:
		causes = append(causes, "/proc/sys/kernel/yama/ptrace_scope is 1: only its ancestors may trace it")
	}
	if !capPtrace {
		causes = append(causes, "trec has no CAP_SYS_PTRACE")
	}
	if len(causes) == 0 {
		return "none of the usual causes applies (another user's process, /proc/sys/kernel/yama/ptrace_scope, no CAP_SYS_PTRACE): a security module may forbid it"
	}
	return strings.Join(causes, "; ")
}

// attached returns, at the first stop of a thread trec attached to, the
// thread's state, and records the attach (attachStop); nil for any other
// thread.
func (t *tracer) attached(tid int, ws unix.WaitStatus) *thread {
	if t.att == nil {
		return nil
	}
	th := t.att.first[tid]
	if th == nil {
		return nil
	}
	delete(t.att.first, tid)
	t.threads.put(th)
	t.attachStop(th, ws)
	return th
}

// attachStop records the attach of th at its first stop, ws: the KIND_ATTACH
// event, with the process's program and fds if it is the process's first
// thread to stop, and the syscall th is in.
//
// A thread in a syscall at its first stop is in one of three states. At a
// fork, clone or exec event the call is in progress: its exit stop is to
// come. A blocking call that the attach interrupted returns a restart
// code, and the kernel runs it again when the thread resumes: that next
// entry is the same call going on (resumedEntry), and its exit is the
// call's. Otherwise the call has returned (it did not sleep, or not
// interruptibly) and its result is in the registers: its exit is recorded
// now. Each exit comes without an enter.
func (t *tracer) attachStop(th *thread, ws unix.WaitStatus) {
	event := int(ws) >> 16
	st := format.Attach{Stopped: event == ptraceEventStop && isStopSignal(int(ws.StopSignal()))}
	nr, ret, args, err := syscallRegs(th.tid)
	returned := false
	// A syscall of another ABI is not recorded.
	if err == nil && nr >= 0 && getSyscallInfo(th.tid, &t.si) == nil && t.si.Arch == t.audit {
		st.InSyscall = t.traced(nr)
		switch {
		case event == ptraceEventFork || event == ptraceEventVfork || event == ptraceEventClone || event == ptraceEventExec:
			th.inSyscall, th.nr, th.args, th.sc = true, nr, args, t.table.Lookup(nr)
		case isRestart(ret):
			th.inSyscall, th.nr, th.entryOp = true, nr, entryResumed
		default:
			returned = true
		}
	}
	t.begin(format.KindAttach, th)
	t.ev.Attach = st
	if st.InSyscall {
		t.ev.Nr = int32(nr)
	}
	if !t.att.described[th.pid] {
		t.att.described[th.pid] = true
		for _, p := range t.att.procs {
			if int(p.Pid) == th.pid {
				t.ev.Exec = format.Exec{Path: p.Exe, Argv: p.Argv}
			}
		}
		t.cap.fdLinks(th.tid)
		t.cap.cwdLink(th.tid)
	}
	t.emit()
	if returned {
		// The exit as its stop would have shown it. (On arm64 the first
		// argument's register holds the result by now.)
		th.inSyscall, th.nr, th.args, th.sc = true, nr, args, t.table.Lookup(nr)
		t.si.Op, t.si.Nr, t.si.Args[0] = syscallInfoExit, uint64(ret), 0
		if ret < 0 && ret >= -4095 {
			t.si.Args[0] = 1
		}
		t.exit(th)
	}
}

// syscallRegs reads, at a stop outside syscall tracing (the first stop of
// a thread trec attached to), the syscall the thread is in: its number, -1
// when it is in none; the value it returns, meaningful once it returned;
// and its arguments (on aarch64 the first one's register holds the result
// once the call returned). PTRACE_GET_SYSCALL_INFO tells these only at
// syscall stops.
func syscallRegs(tid int) (nr int, ret int64, args [6]uint64, err error) {
	var g regs
	if err = g.get(tid); err == nil {
		nr, err = g.nr(tid)
	}
	if err != nil {
		return -1, 0, args, err
	}
	for i, p := range g.args() {
		args[i] = *p
	}
	return nr, int64(*g.ret()), args, nil
}

// isRestart reports whether ret is a code with which the kernel restarts
// an interrupted syscall when no signal handler runs: ERESTARTSYS,
// ERESTARTNOINTR, ERESTARTNOHAND and ERESTART_RESTARTBLOCK (which restarts
// it as restart_syscall).
func isRestart(ret int64) bool {
	return ret == -512 || ret == -513 || ret == -514 || ret == -516
}

// resumedEntry handles the first syscall entry of a thread attached to in
// a call that the attach interrupted (attachStop). When it is that call
// (its number, or restart_syscall) it is the call going on: nothing is
// recorded, and the exit will be recorded with the call's number and the
// arguments seen now, which are the call's. Otherwise a signal handler ran
// instead, the call failed with EINTR unseen, and the entry is a new
// call's. It reports whether the entry is the old call's.
func (t *tracer) resumedEntry(th *thread) bool {
	th.entryOp = 0
	if t.si.Nr != uint64(th.nr) && (t.nrs.restart < 0 || t.si.Nr != uint64(t.nrs.restart)) {
		th.inSyscall = false
		return false
	}
	th.args = t.si.Args
	th.sc = t.table.Lookup(th.nr)
	return true
}

// attachedExit is exited's part for a thread that is not in the table:
// one attached to that ended before its first stop, or the waker. It
// returns the thread's state, and false for the waker, which is not
// recorded.
func (t *tracer) attachedExit(tid int) (*thread, bool) {
	a := t.att
	if tid == a.waker {
		a.waker = 0
		return nil, false
	}
	th := a.first[tid]
	delete(a.first, tid)
	return th, true
}

// exitedAttached ends the loop once every traced thread has exited. (The
// tracer's thread may have children it does not trace: wait4 would not
// fail with ECHILD.)
func (t *tracer) exitedAttached() {
	t.gone = t.threads.n == 0 && len(t.att.first) == 0 && len(t.held) == 0
}

// detachAll ends a recording of running processes: it lets every thread
// go, with (tid, ws) the stop just taken. A thread is detached at a stop:
// the held ones are in one; the others are interrupted, and each is
// detached at its next stop (detachStop), which is recorded first.
// Threads that do not stop within detachWait (an uninterruptible sleep)
// are recorded as detached and left to the kernel, which detaches them
// when the tracer's thread exits.
func (t *tracer) detachAll(tid int, ws unix.WaitStatus) {
	t.ending = endDetach
	t.att.wake()
	if t.hooks != nil {
		// A delay ends now: the thread goes on to its next stop, where it
		// is detached (a call a hook skipped gets its result first).
		for _, ht := range t.hooks.held {
			t.resume(ht.th, ht.act, ht.sig)
		}
		t.hooks.held = nil
	}
	for _, h := range t.held {
		t.letGo(h, 0)
	}
	t.held = nil
	t.threads.each(func(th *thread) {
		if th.tid != tid {
			ptrace(unix.PTRACE_INTERRUPT, th.tid, 0, 0)
		}
	})
	t.stop(tid, ws)
	deadline := time.Now().Add(detachWait)
	for t.threads.n > 0 || len(t.att.first) > 0 {
		tid, err := unix.Wait4(-1, &ws, unix.WNOHANG|unix.WALL|unix.WNOTHREAD, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			break
		}
		if tid == 0 {
			if time.Now().After(deadline) {
				break
			}
			time.Sleep(time.Millisecond)
			continue
		}
		t.stopTime = t.now()
		t.stop(tid, ws)
	}
	var left []*thread
	t.threads.each(func(th *thread) { left = append(left, th) })
	for _, th := range left {
		t.recordDetach(th)
		t.unpin(th)
		t.threads.remove(th.tid)
	}
	for _, th := range t.att.first {
		t.unpin(th)
	}
}

// detachStop records a stop of th during detachAll, as tracer.stop would,
// and detaches the thread, passing on a signal about to be delivered. An
// exit stop that returns a restart code is not recorded: the call,
// interrupted by the detach, goes on untraced.
func (t *tracer) detachStop(th *thread, ws unix.WaitStatus) {
	tid := th.tid
	sig := int(ws.StopSignal())
	event := int(ws) >> 16
	inject := 0
	switch {
	case sig == syscallStopSig:
		if getSyscallInfo(tid, &t.si) == nil && t.si.Op == syscallInfoExit && isRestart(t.si.rval()) {
			break
		}
		t.syscallStop(th)
	case event == ptraceEventStop:
		if isStopSignal(sig) && !th.stopped {
			t.groupStop(th, sig)
		}
	case event != 0:
		_, th = t.ptraceEvent(th, event)
	default:
		_, inject = t.signalStop(th, sig)
	}
	t.letGo(th, inject)
}

// letGo records the detach of th, which is in a stop, gives it its CPU
// mask back and detaches it, injecting sig. A thread in a group-stop
// stays stopped: the kernel keeps it so after the detach.
func (t *tracer) letGo(th *thread, sig int) {
	t.recordDetach(th)
	t.unpin(th)
	if err := ptrace(unix.PTRACE_DETACH, th.tid, 0, uintptr(sig)); err != nil && err != unix.ESRCH {
		t.fail(fmt.Errorf("record: detach %d: %w", th.tid, err))
	}
	t.threads.remove(th.tid)
}

// recordDetach writes th's KIND_DETACH event and counts it.
func (t *tracer) recordDetach(th *thread) {
	t.att.detached++
	if th.held {
		// Its creation is not in the trace.
		return
	}
	t.begin(format.KindDetach, th)
	t.ev.Attach = format.Attach{InSyscall: th.inSyscall && !th.foreign && t.traced(th.nr), Stopped: th.stopped}
	if t.ev.Attach.InSyscall {
		t.ev.Nr = int32(th.nr)
	}
	t.emit()
}

// startWaker starts the waker: a child of the tracer's thread that does
// nothing, kept in a ptrace-stop where nothing but SIGKILL reaches it.
// When the recording must end (cancel), the waker is killed, and its exit
// wakes the tracer if it is blocked in wait4 with nothing else to come. It is traced so that its
// exit is reported even while SIGCHLD is ignored. It is the shim, which
// stops itself before it would exec.
func (t *tracer) startWaker() error {
	argv := []string{shimArg0, strconv.Itoa(os.Getpid()), "", startstate.State{}.String(), "/", "trec-waker"}
	pid, err := syscall.ForkExec("/proc/self/exe", argv, &syscall.ProcAttr{Env: []string{shimMarker}})
	if err != nil {
		return fmt.Errorf("record: start the waker: %w", err)
	}
	if err := waitShimStop(pid); err != nil {
		return err
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err == nil {
		err = seize(pid, unix.PTRACE_O_EXITKILL)
	}
	if err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		unix.Kill(pid, unix.SIGKILL)
		reap(pid)
		return fmt.Errorf("record: start the waker: %w", err)
	}
	// The stop that seizing a stopped process makes, reaped: the waker
	// stays in it.
	reap(pid)
	a := t.att
	a.waker = pid
	a.mu.Lock()
	a.wakerFD = fd
	a.mu.Unlock()
	return nil
}

// reap waits for the next stop or the end of pid.
func reap(pid int) {
	for {
		if _, err := wait4(pid, nil, 0); err != unix.EINTR {
			return
		}
	}
}

// wake kills the waker; safe from any goroutine, as it goes through a
// pidfd.
func (a *attacher) wake() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.wakerFD >= 0 {
		unix.PidfdSendSignal(a.wakerFD, unix.SIGKILL, nil, 0)
	}
}

// cancel keeps why the recording is asked to end.
func (a *attacher) cancel(cause error) {
	a.mu.Lock()
	a.cause = cause
	a.mu.Unlock()
}

// reapWaker kills the waker and reaps it, when the loop has not.
func (t *tracer) reapWaker() {
	if t.att.waker == 0 {
		return
	}
	t.att.wake()
	reap(t.att.waker)
	t.att.waker = 0
}

// closeWaker closes the waker's pidfd once it is reaped.
func (t *tracer) closeWaker() {
	a := t.att
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.wakerFD >= 0 {
		unix.Close(a.wakerFD)
		a.wakerFD = -1
	}
}

// procStatus is what /proc/TID/status says of a thread.
type procStatus struct {
	name  string
	state byte
	tgid  int
	ppid  int
	// tracer is the TracerPid, 0 when untraced.
	tracer int
	// uids are the real, effective, saved and filesystem uids.
	uids    [4]int
	kthread bool
	capEff  uint64
}

// readStatus reads /proc/TID/status.
func readStatus(tid int) (procStatus, error) {
	st := procStatus{tgid: tid}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return st, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "Name":
			st.name = v
		case "State":
			if v != "" {
				st.state = v[0]
			}
		case "Tgid":
			st.tgid, _ = strconv.Atoi(v)
		case "PPid":
			st.ppid, _ = strconv.Atoi(v)
		case "TracerPid":
			st.tracer, _ = strconv.Atoi(v)
		case "Uid":
			for i, f := range strings.Fields(v) {
				if i < len(st.uids) {
					st.uids[i], _ = strconv.Atoi(f)
				}
			}
		case "Kthread":
			st.kthread = v == "1"
		case "CapEff":
			st.capEff, _ = strconv.ParseUint(v, 16, 64)
		}
	}
	return st, nil
}

// tasks lists the threads of process pid.
func tasks(pid int) []int {
	ents, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	tids := make([]int, 0, len(ents))
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids
}
