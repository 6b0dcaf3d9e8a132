//go:build linux

package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
)

// Driver steers a traced run stop by stop in place of recording it: trec
// replay --exec runs a program again and serves it a recording. With
// Options.Driver set, Run writes no trace (out may be nil), stops the
// program at every syscall, and hands every stop of every thread to the
// driver, which resumes the thread at once or holds it and resumes it
// later. The program starts as a replayable recording starts it: its vDSO
// is turned off at every exec.
//
// Driver methods run on the tracer's thread, one at a time; a Thread and
// the Control are used only from within them.
type Driver interface {
	// Start is called once, before the program starts.
	Start(c *Control)
	// Stop is called when a thread stops. It stays stopped until Resume
	// is called on it, in this call or in a later call of any method.
	Stop(th *Thread, s *Stop)
	// Exited is called when a thread has ended; e is its exit event.
	Exited(th *Thread, e *format.Event)
	// Wake is called when the time set with Control.WakeAfter has passed
	// and no stop came meanwhile.
	Wake()
}

// StopKind says what stopped a thread.
type StopKind uint8

// The stops a Driver sees.
const (
	// StopOther is a stop with nothing to report: a new thread's first
	// stop, a syscall exit whose entry the driver did not see, the end of
	// a group-stop, a thread whose syscall is of another ABI.
	StopOther StopKind = iota
	// StopSyscallEnter: Stop.Event is the enter event, with the captures
	// of a recording (paths, argv, input buffers).
	StopSyscallEnter
	// StopSyscallExit: Stop.Event is the exit event with the kernel's
	// result.
	StopSyscallExit
	// StopSignal is a signal-delivery-stop: Stop.Event is the signal
	// event.
	StopSignal
	// StopClone: Stop.Event is the clone event, Stop.Child the new thread.
	StopClone
	// StopExec: Stop.Event is the exec event of the new program, its
	// AT_RANDOM bytes in Exec.Random.
	StopExec
	// StopGroup is a group-stop; Stop.Event.Signal.Signo stopped it.
	StopGroup
)

// Stop describes a stop. It is valid during the Driver.Stop call only.
type Stop struct {
	Kind  StopKind
	Event *format.Event
	Child *Thread
}

// Thread is a thread of the driven program.
type Thread struct {
	t  *tracer
	th *thread
	// stopped is set while the thread waits in a stop for Resume.
	stopped bool
	kind    StopKind
	act     action
	// si is the syscall stop's information, kept for changes made after
	// other stops.
	si syscallInfo
	// random is where the AT_RANDOM bytes are, at an exec stop.
	random uint64
	// detach is set when Control.Detach waits for the thread to stop.
	detach bool
}

// Control is what a Driver does to the whole run.
type Control struct {
	t *tracer
	// wakeAt is when Driver.Wake is due, in tracer time; 0 for never.
	wakeAt int64
	// detached is set once Detach let the program go.
	detached bool
}

// Errors of Thread's methods.
var (
	// ErrNotStopped: the thread is not waiting in a stop.
	ErrNotStopped = errors.New("thread is not stopped")
	// ErrWrongStop: the thread's stop is not of the kind the method
	// needs.
	ErrWrongStop = errors.New("not possible at this stop")
)

// Tid returns the thread's id.
func (d *Thread) Tid() int { return d.th.tid }

func (d *Thread) at(kinds ...StopKind) error {
	if !d.stopped {
		return ErrNotStopped
	}
	for _, k := range kinds {
		if d.kind == k {
			return nil
		}
	}
	return ErrWrongStop
}

// Skip makes the syscall at whose entry the thread waits not run; SetRet
// at its exit stop gives it its result.
func (d *Thread) Skip() error {
	if err := d.at(StopSyscallEnter); err != nil {
		return err
	}
	return d.t.applier().setEntry(d.th.tid, &d.si, -1, &d.si.Args)
}

// Rewrite makes the syscall at whose entry the thread waits syscall nr
// with args. Its exit stop reports nr.
func (d *Thread) Rewrite(nr int, args [6]uint64) error {
	if err := d.at(StopSyscallEnter); err != nil {
		return err
	}
	if err := d.t.applier().setEntry(d.th.tid, &d.si, int64(nr), &args); err != nil {
		return err
	}
	d.si.Nr, d.si.Args = uint64(nr), args
	return nil
}

// Place copies data into the thread's memory below its stack pointer, past
// the red zone, where nothing of the program's lives while it is in a
// syscall, and returns its address; at a syscall entry, for an argument
// that Rewrite points at it.
func (d *Thread) Place(data []byte) (uint64, error) {
	if err := d.at(StopSyscallEnter); err != nil {
		return 0, err
	}
	below := placeBase(d.si.SP)
	return d.t.applier().place(d.th.tid, &below, data)
}

// SetRet sets the result the program sees at the syscall exit stop the
// thread waits in: a value, or -errno. A restart errno (ERESTARTSYS and
// its kin) gives the syscall its number back, so that the kernel restarts
// it after a signal as it would have.
func (d *Thread) SetRet(ret int64) error {
	if err := d.at(StopSyscallExit); err != nil {
		return err
	}
	ap := d.t.applier()
	if err := ap.setRet(d.th.tid, &d.si, ret); err != nil {
		return err
	}
	switch ret {
	case -512, -513, -514, -516: // ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK
		return ap.regs.setNr(d.th.tid, int64(d.th.nr))
	}
	return nil
}

// Write copies data into the thread's memory at addr. It returns ESRCH
// when the thread is gone (killed while it waited).
func (d *Thread) Write(addr uint64, data []byte) error {
	if !d.stopped {
		return ErrNotStopped
	}
	err := d.t.applier().write(d.th.tid, addr, data)
	if err != nil && d.gone() {
		return unix.ESRCH
	}
	return err
}

// gone reports whether the thread can no longer be operated on: it was
// killed while it waited in its stop.
func (d *Thread) gone() bool {
	_, err := eventMsg(d.th.tid)
	return err == unix.ESRCH
}

// Read reads n bytes of the thread's memory at addr.
func (d *Thread) Read(addr uint64, n int) ([]byte, error) {
	if !d.stopped {
		return nil, ErrNotStopped
	}
	b := make([]byte, n)
	if d.t.mem.read(d.th.tid, b, addr) < n {
		if d.gone() {
			return nil, unix.ESRCH
		}
		return nil, fmt.Errorf("read %d bytes at %#x in %d: %w", n, addr, d.th.tid, unix.EFAULT)
	}
	return b, nil
}

// SetRandom replaces the AT_RANDOM bytes of the program the thread has
// just exec'd, at its exec stop, before the program reads them.
func (d *Thread) SetRandom(b []byte) error {
	if err := d.at(StopExec); err != nil {
		return err
	}
	if d.random == 0 {
		return errNoAuxv
	}
	if len(b) != randomSize {
		return fmt.Errorf("AT_RANDOM: %d bytes, want %d", len(b), randomSize)
	}
	return d.t.applier().write(d.th.tid, d.random, b)
}

// SetSiginfo replaces the siginfo of the signal the thread is about to
// get, at its signal-delivery-stop: the program's handler sees s.
func (d *Thread) SetSiginfo(s format.Signal) error {
	if err := d.at(StopSignal); err != nil {
		return err
	}
	var si siginfo
	if err := getSiginfo(d.th.tid, &si); err != nil {
		return err
	}
	si.set(s)
	return ptraceData(unix.PTRACE_SETSIGINFO, d.th.tid, 0, unsafe.Pointer(&si))
}

// set writes the fields a trace keeps, as signalStop reads them.
func (si *siginfo) set(s format.Signal) {
	clear(si[:])
	put := func(off int, v uint32) { binary.NativeEndian.PutUint32(si[off:], v) }
	put(0, uint32(s.Signo))
	put(4, uint32(s.Errno))
	put(8, uint32(s.Code))
	switch {
	case syscall.Signal(s.Signo) == unix.SIGCHLD:
		put(16, uint32(s.SenderPid))
		put(20, s.SenderUid)
		put(24, uint32(s.Status))
	case s.Code > 0 && faultSignal(int(s.Signo)):
		binary.NativeEndian.PutUint64(si[16:], s.Addr)
	case s.Code <= 0:
		put(16, uint32(s.SenderPid))
		put(20, s.SenderUid)
	}
}

// Signal sends signal sig to the thread (tgkill). It is delivered, as a
// StopSignal, when the thread next returns to user space.
func (d *Thread) Signal(sig int) error {
	return unix.Tgkill(d.th.pid, d.th.tid, syscall.Signal(sig))
}

// Resume lets the thread go on from its stop: to its next syscall stop, or
// out of a group-stop as the kernel decides. At a signal-delivery-stop
// sig is the signal delivered (0 for none); elsewhere it must be 0.
func (d *Thread) Resume(sig int) error {
	if !d.stopped {
		return ErrNotStopped
	}
	d.stopped = false
	d.t.resume(d.th, d.act, sig)
	return nil
}

// FDStat returns the device and inode of what fd refers to in the thread,
// as stat(2) of /proc/TID/fd/FD gives them.
func (d *Thread) FDStat(fd int) (dev, ino uint64, err error) {
	var st unix.Stat_t
	if err := unix.Stat("/proc/"+strconv.Itoa(d.th.tid)+"/fd/"+strconv.Itoa(fd), &st); err != nil {
		return 0, 0, err
	}
	return st.Dev, st.Ino, nil
}

// Root returns the path under which the thread's view of the file system
// is seen from the tracer: /proc/TID/root, /proc/TID/cwd for relative
// paths, /proc/TID/fd/N for paths relative to a dirfd.
func (d *Thread) Root(dirfd int) string {
	p := "/proc/" + strconv.Itoa(d.th.tid)
	switch dirfd {
	case -1:
		return p + "/root"
	case unix.AT_FDCWD:
		return p + "/cwd"
	}
	return p + "/fd/" + strconv.Itoa(dirfd)
}

// Kill kills every process of the program; Run returns err.
func (c *Control) Kill(err error) {
	c.t.fail(err)
	c.t.killAll()
}

// WakeAfter asks for a Driver.Wake call when d passes without a stop; 0
// cancels it.
func (c *Control) WakeAfter(d time.Duration) {
	c.wakeAt = 0
	if d > 0 {
		c.wakeAt = c.t.now() + int64(d)
	}
}

// Detach lets the program go, stopped: each process gets SIGSTOP, each
// thread is detached, and the program stays stopped, untraced, for a
// debugger to attach; Run returns once every thread is detached. A thread
// that is not stopped is interrupted first. It returns the pids of the
// processes.
func (c *Control) Detach() []int {
	t := c.t
	c.detached = true
	var pids []int
	for _, d := range t.driven {
		if d.th.tid == d.th.pid {
			pids = append(pids, d.th.pid)
			unix.Kill(d.th.pid, unix.SIGSTOP)
		}
	}
	for _, d := range t.driven {
		if d.stopped {
			t.detach(d)
			continue
		}
		d.detach = true
		ptrace(unix.PTRACE_INTERRUPT, d.th.tid, 0, 0)
	}
	return pids
}

// detach detaches a stopped thread and forgets it.
func (t *tracer) detach(d *Thread) {
	ptrace(unix.PTRACE_DETACH, d.th.tid, 0, 0)
	d.stopped = false
	t.forget(d.th)
}

// forget drops a thread the tracer no longer traces.
func (t *tracer) forget(th *thread) {
	t.threads.remove(th.tid)
	delete(t.driven, th)
	if th.tid == th.pid {
		t.removeProc(th.pid)
	}
}

// applier returns the applier driven runs change syscalls with.
func (t *tracer) applier() *applier {
	if t.ap == nil {
		t.ap = newApplier(t.mem, !t.opts.noSetSyscallInfo)
	}
	return t.ap
}

// driveStart prepares a driven run.
func (t *tracer) driveStart() {
	t.driven = make(map[*thread]*Thread)
	t.ctl = &Control{t: t}
	t.opts.Driver.Start(t.ctl)
}

// threadOf returns the Driver's handle of th.
func (t *tracer) threadOf(th *thread) *Thread {
	d := t.driven[th]
	if d == nil {
		d = &Thread{t: t, th: th}
		t.driven[th] = d
	}
	return d
}

// drive hands a stop to the Driver in place of resuming the thread: ws is
// the stop's wait status, 0 for a new thread released after its parent's
// clone event; act and sig are what the tracer would have done.
func (t *tracer) drive(th *thread, ws unix.WaitStatus, act action, sig int) {
	if th.shim || act == actNone {
		t.resume(th, act, sig)
		return
	}
	d := t.threadOf(th)
	if d.detach {
		t.detach(d)
		return
	}
	d.stopped, d.act, d.kind, d.random = true, act, StopOther, 0
	s := &t.drvStop
	*s = Stop{Event: &t.ev}
	stopSig, event := int(ws.StopSignal()), int(ws)>>16
	switch {
	case ws == 0:
	case stopSig == syscallStopSig || event == ptraceEventSeccomp:
		d.si = t.si
		switch {
		case th.foreign:
		case t.si.Op == syscallInfoExit:
			if t.ev.Kind == format.KindSyscallExit && t.ev.Tid == int32(th.tid) && t.ev.Time == t.stopTime {
				d.kind = StopSyscallExit
			}
		default:
			d.kind = StopSyscallEnter
		}
	case event == ptraceEventStop:
		if isStopSignal(stopSig) {
			d.kind = StopGroup
		}
	case event == ptraceEventFork || event == ptraceEventVfork || event == ptraceEventClone:
		if c := t.threads.get(int(t.ev.Clone.Child)); c != nil && t.ev.Kind == format.KindClone {
			d.kind, s.Child = StopClone, t.threadOf(c)
		}
	case event == ptraceEventExec:
		d.kind, d.random = StopExec, t.execRandom
	case event == 0:
		if t.ev.Kind == format.KindSignal && t.ev.Tid == int32(th.tid) {
			d.kind = StopSignal
		}
	}
	s.Kind = d.kind
	t.opts.Driver.Stop(d, s)
}

// driveExited tells the Driver that th has ended.
func (t *tracer) driveExited(th *thread) {
	d := t.driven[th]
	if d == nil {
		return
	}
	d.stopped = false
	delete(t.driven, th)
	t.opts.Driver.Exited(d, &t.ev)
}

// driveWait is tracer.next's blocking wait in a driven run: it calls
// Driver.Wake when its time comes, and ends the loop once Control.Detach
// has let every thread go.
func (t *tracer) driveWait(ws *unix.WaitStatus) (int, error) {
	c := t.ctl
	for {
		if c.detached && len(t.driven) == 0 {
			return 0, unix.ECHILD
		}
		if c.wakeAt == 0 {
			return wait4(-1, ws, 0)
		}
		if tid := takeStop(ws); tid > 0 {
			return tid, nil
		}
		now := t.now()
		if now >= c.wakeAt {
			c.wakeAt = 0
			t.opts.Driver.Wake()
			continue
		}
		ts := unix.NsecToTimespec(min(c.wakeAt-now, int64(200*time.Microsecond)))
		unix.Nanosleep(&ts, nil)
	}
}
