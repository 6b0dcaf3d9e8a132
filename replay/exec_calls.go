package replay

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// plan is what the replay does with a syscall.
type plan uint8

const (
	// planServe: the call does not run; the program gets the recorded
	// result and the memory the call wrote.
	planServe plan = iota
	// planRun: the call runs; the program gets the live result (an
	// address, a mapping), which must succeed where the recorded one did.
	planRun
	// planRunFD: the call runs and must give the recorded fd or fds.
	planRunFD
	// planRunRet: the call runs for its effect on the program; the
	// program gets the recorded result (pids, the count of woken
	// waiters).
	planRunRet
	// planPlaceholder: the recorded call made an fd; /dev/null is opened
	// in its place, which must get the recorded number, and the rest is
	// served.
	planPlaceholder
	// planOutput: a write to the program's standard output or error is
	// made, and the program gets the recorded result.
	planOutput
)

// makesFD reports whether the call makes an fd in the program: one that
// runs and must give the recorded fd, or one kept by /dev/null.
func (c *callState) makesFD() bool {
	return c.plan == planPlaceholder || c.plan == planRunFD && c.sc != nil && c.sc.Ret == sysent.RetFD
}

// serves reports whether the program's result comes from the recording.
func (p plan) serves() bool { return p == planServe || p == planPlaceholder }

// callState is a live thread's syscall, from its entry to its exit.
type callState struct {
	nr   int
	sc   *sysent.Syscall
	args [6]uint64
	plan plan
	// enter is the recorded entry.
	enter *rec
	// childTid is where a clone asks for the child's tid in the child
	// (CLONE_CHILD_SETTID), parentTid in the parent (CLONE_PARENT_SETTID).
	childTid, parentTid uint64
	// fd is the recorded result, the fd a placeholder is to make.
	fd int64
	// extra is set for a wait the recording does not have, which returns
	// ret; entered once the plan was applied at the entry.
	extra, entered bool
	ret            int64
}

// knownNrs are the syscalls the replay treats apart.
type knownNrs struct {
	execve, openat, dup3, yield, nanosleep, clockNanosleep, futex int
}

func (k *knownNrs) init(t *sysent.Table) {
	for name, nr := range map[string]*int{"execve": &k.execve, "openat": &k.openat, "dup3": &k.dup3, "sched_yield": &k.yield,
		"nanosleep": &k.nanosleep, "clock_nanosleep": &k.clockNanosleep, "futex": &k.futex} {
		*nr = -1
		if sc, ok := t.ByName(name); ok {
			*nr = sc.Nr
		}
	}
}

// shortWait is the longest sleep taken for a wait on another thread.
const shortWait = 1_000_000 // ns

// futex operations (<linux/futex.h>), without FUTEX_PRIVATE_FLAG and
// FUTEX_CLOCK_REALTIME.
const (
	futexWait       = 0
	futexWake       = 1
	futexWakeOp     = 5
	futexWaitBitset = 9
	futexWakeBitset = 10
	futexCmd        = 0x7f
)

// waits reports whether the syscall entry e is how a thread waits for
// another or wakes it: sched_yield, a sleep of at most shortWait, a futex
// wait or wake. Whether and how often a thread makes these depends on
// timing, on which thread got to shared memory first; the replay serves
// them without requiring the recording's to match them one for one (see
// engine.enter).
func (k *knownNrs) waits(e *format.Event) bool {
	arg := 0
	switch int(e.Nr) {
	case k.yield:
		return true
	case k.futex:
		switch e.Args[1] & futexCmd {
		case futexWait, futexWake, futexWaitBitset, futexWakeBitset:
			return true
		}
		return false
	case k.nanosleep:
	case k.clockNanosleep:
		const timerAbstime = 1
		if e.Args[1]&timerAbstime != 0 {
			return false
		}
		arg = 2
	default:
		return false
	}
	ts, ok := captureOf(e, arg, format.CaptureStruct)
	if !ok || len(ts) < 16 {
		return false
	}
	return binary.LittleEndian.Uint64(ts) == 0 && binary.LittleEndian.Uint64(ts[8:]) <= shortWait
}

// waitResult is what a wait the recording does not have returns: a futex
// wait finds the value changed (EAGAIN) and looks again, a wake woke
// nobody (no thread really waits in a replay), a yield or a sleep is
// over.
func (k *knownNrs) waitResult(e *format.Event) int64 {
	if int(e.Nr) == k.futex && e.Args[1]&futexCmd != futexWake && e.Args[1]&futexCmd != futexWakeBitset {
		return -int64(unix.EAGAIN)
	}
	return 0
}

// maxExtraWaits is how many waits the recording does not have a thread may
// make in a row before the replay gives up on it: it waits for something
// that does not come.
const maxExtraWaits = 100_000

// runs are the syscalls that shape the process itself: they run for real.
var runs = map[string]plan{
	"brk": planRun, "mmap": planRun, "munmap": planRun, "mremap": planRun, "mprotect": planRun,
	"madvise": planRun, "mlock": planRun, "mlock2": planRun, "munlock": planRun, "mlockall": planRun,
	"munlockall": planRun, "msync": planRun, "pkey_mprotect": planRun, "pkey_alloc": planRun, "pkey_free": planRun,
	"rt_sigaction": planRun, "rt_sigprocmask": planRun, "sigaltstack": planRun, "rt_sigreturn": planRun,
	"set_robust_list": planRun, "rseq": planRun, "arch_prctl": planRun, "membarrier": planRun,
	"execve": planRun, "execveat": planRun, "exit": planRun, "exit_group": planRun,
	"chdir": planRunFD, "fchdir": planRunFD, "umask": planRun,
	"close": planRun, "close_range": planRun,
	"dup": planRunFD, "dup2": planRunFD, "dup3": planRunFD, "pipe": planRunFD, "pipe2": planRunFD,
	"socketpair": planRunFD, "memfd_create": planRunFD,
	"clone": planRunRet, "clone3": planRunRet, "fork": planRunRet, "vfork": planRunRet, "set_tid_address": planRunRet,
}

// Open flags that make an open write, create or truncate.
const openWrites = unix.O_WRONLY | unix.O_RDWR | unix.O_CREAT | unix.O_TRUNC | unix.O_TMPFILE

// fcntl commands that shape the fd table.
var fcntlRuns = map[uint64]plan{
	unix.F_DUPFD: planRunFD, unix.F_DUPFD_CLOEXEC: planRunFD, unix.F_GETFD: planRun, unix.F_SETFD: planRun, unix.F_SETFL: planRun,
}

// enter matches a syscall entry with the thread's next recorded event and
// decides what to do with the call.
func (e *engine) enter(l *lthread, live *format.Event) {
	if c := l.restart; c != nil {
		l.restart = nil
		if int(live.Nr) == c.nr {
			l.call = c
			e.transparent(l)
			return
		}
	}
	sc := e.table.Lookup(int(live.Nr))
	r := e.nth(l.rtid, 0)
	same := func(r *rec) bool {
		return r != nil && r.ev.Kind == format.KindSyscallEnter && r.ev.Nr == live.Nr && compareCall(sc, &r.ev, live) == ""
	}
	// Waits are matched loosely: one of the recording that this run does
	// not make is dropped, one this run makes that the recording does not
	// have is served apart.
	for r != nil && r.ev.Kind == format.KindSyscallEnter && e.nrs.waits(&r.ev) && !same(r) {
		e.markDone(r)
		if x := e.nth(l.rtid, 0); x != nil && x.ev.Kind == format.KindSyscallExit && x.ev.Nr == r.ev.Nr {
			e.markDone(x)
		}
		r = e.nth(l.rtid, 0)
	}
	if r != nil && r.ev.Kind == format.KindExit {
		// Another thread ended the process (exit_group, execve) while
		// this one was on its way here: it waits here for that.
		l.stuck = true
		return
	}
	if e.nrs.waits(live) && !same(r) {
		e.extraWait(l, live)
		return
	}
	if r == nil || r.ev.Kind != format.KindSyscallEnter || r.ev.Nr != live.Nr {
		e.divergeKind(l, r, live)
		return
	}
	if d := compareCall(sc, &r.ev, live); d != "" {
		e.diverge(l, r, live, d)
		return
	}
	l.extras = 0
	var x *format.Event
	if n := e.nth(l.rtid, 1); n != nil && n.ev.Kind == format.KindSyscallExit && n.ev.Nr == r.ev.Nr {
		x = &n.ev
	}
	c := &callState{nr: int(live.Nr), sc: sc, args: live.Args, enter: r}
	c.plan = e.plan(l, c, live, x)
	if x != nil {
		c.fd = x.Ret
	}
	if c.plan == planRunRet && sc != nil {
		c.childTid, c.parentTid = cloneTids(sc, live)
	}
	l.call, l.at = c, r
}

// extraWait serves a wait the recording does not have (a sched_yield, a
// short sleep): the thread waits for another, which in the recording had
// already done what it waits for (released a lock, say). It returns 0 at
// once, and another thread goes before this one goes on.
func (e *engine) extraWait(l *lthread, live *format.Event) {
	if l.extras++; l.extras > maxExtraWaits {
		e.diverge(l, e.nth(l.rtid, 0), live, fmt.Sprintf("the thread waited %d times for what the recording does not show", maxExtraWaits))
		return
	}
	l.call = &callState{nr: int(live.Nr), sc: e.table.Lookup(int(live.Nr)), plan: planServe, extra: true, entered: true,
		ret: e.nrs.waitResult(live)}
	l.held = false
	if err := l.th.Skip(); err != nil {
		e.fail(fmt.Errorf("thread %d, %s: %w", l.th.Tid(), l.call.sc.Name, err))
		return
	}
	l.th.Resume(0)
	e.running = l
}

// plan decides what the replay does with call c; x is its recorded exit,
// nil when it did not return.
func (e *engine) plan(l *lthread, c *callState, live *format.Event, x *format.Event) plan {
	if c.sc == nil {
		return planServe
	}
	name := c.sc.Name
	if name == "rt_sigreturn" || x == nil {
		if p, ok := runs[name]; ok {
			return p
		}
		return planServe
	}
	if x.Ret < 0 && x.Ret >= -4095 {
		// A failure is served: it does not depend on today's world.
		return planServe
	}
	if p, ok := runs[name]; ok {
		return p
	}
	switch name {
	case "open", "openat", "openat2", "creat":
		return e.openPlan(l, c, live)
	case "write", "writev", "pwrite64", "pwritev", "pwritev2":
		if !e.opts.QuietOutput && e.isOutput(l, int(int32(c.args[0]))) {
			return planOutput
		}
	case "fcntl":
		if p, ok := fcntlRuns[c.args[1]&0xffffffff]; ok {
			return p
		}
	case "futex":
		// FUTEX_WAKE_OP writes the program's memory as it wakes.
		if c.args[1]&futexCmd == futexWakeOp {
			return planRunRet
		}
	}
	if c.sc.Ret == sysent.RetFD {
		return planPlaceholder
	}
	return planServe
}

// isOutput reports whether fd of l is the standard output or error the
// replay prints to.
func (e *engine) isOutput(l *lthread, fd int) bool {
	dev, ino, err := l.th.FDStat(fd)
	if err != nil {
		return false
	}
	id := fileID{dev, ino}
	return id == e.stdout || id == e.stderr
}

// openPlan decides an open: a read-only open of a file or a directory that
// exists runs, for the program's mappings and its cwd; anything else keeps
// its fd number with /dev/null.
func (e *engine) openPlan(l *lthread, c *callState, live *format.Event) plan {
	dirfd, pathArg, flags := unix.AT_FDCWD, 0, uint64(0)
	switch c.sc.Name {
	case "open":
		flags = c.args[1]
	case "openat":
		dirfd, pathArg, flags = int(int32(c.args[0])), 1, c.args[2]
	case "openat2":
		dirfd, pathArg = int(int32(c.args[0])), 1
		how, ok := captureOf(live, 2, format.CaptureStruct)
		if !ok || len(how) < 8 {
			return planPlaceholder
		}
		flags = binary.LittleEndian.Uint64(how)
	case "creat":
		flags = unix.O_CREAT | unix.O_WRONLY
	}
	path, ok := captureOf(live, pathArg, format.CaptureString)
	if !ok || flags&openWrites != 0 {
		return planPlaceholder
	}
	full := string(path)
	if strings.HasPrefix(full, "/") {
		full = l.th.Root(-1) + full
	} else {
		full = l.th.Root(dirfd) + "/" + full
	}
	var st unix.Stat_t
	if unix.Stat(full, &st) != nil {
		return planPlaceholder
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG, unix.S_IFDIR:
		return planRunFD
	}
	return planPlaceholder
}

// captureOf returns the data of live's first capture of argument arg of
// kind k.
func captureOf(e *format.Event, arg int, k format.CaptureKind) ([]byte, bool) {
	for i := range e.Captures {
		if c := &e.Captures[i]; int(c.Arg) == arg && c.Kind == k {
			return c.Data, true
		}
	}
	return nil, false
}

// cloneTids returns where a clone asks the kernel to store the child's tid
// in the child and in the parent.
func cloneTids(sc *sysent.Syscall, live *format.Event) (child, parent uint64) {
	var flags uint64
	switch sc.Name {
	case "clone":
		flags = live.Args[0]
		for i, a := range sc.Args {
			switch a.Name {
			case "child_tidptr":
				child = live.Args[i]
			case "parent_tidptr":
				parent = live.Args[i]
			}
		}
	case "clone3":
		args, ok := captureOf(live, 0, format.CaptureStruct)
		if !ok || len(args) < 32 {
			return 0, 0
		}
		flags = binary.LittleEndian.Uint64(args)
		child, parent = binary.LittleEndian.Uint64(args[16:]), binary.LittleEndian.Uint64(args[24:])
	default:
		return 0, 0
	}
	if flags&unix.CLONE_CHILD_SETTID == 0 {
		child = 0
	}
	if flags&unix.CLONE_PARENT_SETTID == 0 {
		parent = 0
	}
	return child, parent
}

// exit matches a syscall exit with the recorded one and checks a call that
// ran.
func (e *engine) exit(l *lthread, live *format.Event) {
	c := l.call
	if c == nil {
		e.transparent(l)
		return
	}
	if c.extra {
		// The thread waits for another: that one goes first.
		l.call = nil
		if err := l.th.SetRet(c.ret); err != nil {
			e.fail(fmt.Errorf("thread %d, %s: %w", l.th.Tid(), c.sc.Name, err))
			return
		}
		e.handoff(l)
		return
	}
	r := e.nth(l.rtid, 0)
	if c.plan != planServe && c.plan != planPlaceholder && restartErr(live.Ret) && (r == nil || live.Ret != r.ev.Ret) {
		// A signal of today's world was pending as the call ran: the
		// kernel restarts it once the signal is dealt with (and kept
		// from the program). The restart is the same call.
		l.restart, l.call = c, nil
		e.transparent(l)
		return
	}
	if r == nil || r.ev.Kind != format.KindSyscallExit {
		// The call never returned in the recording: the thread waits
		// here for the end the recording gives it.
		if r == nil && !e.cut && e.eof || r != nil && r.ev.Kind != format.KindExit && r.ev.Kind != format.KindExec {
			e.divergeKind(l, r, live)
			return
		}
		l.stuck = true
		return
	}
	if int(r.ev.Nr) != c.nr {
		e.divergeKind(l, r, live)
		return
	}
	l.at = r
	switch c.plan {
	case planRun, planRunFD, planRunRet:
		recFailed, liveFailed := isErr(r.ev.Ret), isErr(live.Ret)
		switch {
		case liveFailed && !recFailed:
			e.diverge(l, r, live, fmt.Sprintf("%s failed in this run (%s) where it succeeded in the recording", c.sc.Name, errnoText(live.Ret)))
		case c.plan == planRunFD && live.Ret != r.ev.Ret:
			e.diverge(l, r, live, fmt.Sprintf("%s returned %d in this run, %d in the recording", c.sc.Name, live.Ret, r.ev.Ret))
		case c.plan == planRunFD && !sameFDs(&r.ev, live):
			e.diverge(l, r, live, fmt.Sprintf("%s made other fds in this run than in the recording", c.sc.Name))
		}
	case planPlaceholder:
		if live.Ret != r.ev.Ret {
			e.diverge(l, r, live, fmt.Sprintf("the fd kept for %s is %d in this run, %d in the recording", c.sc.Name, live.Ret, r.ev.Ret))
		}
	}
}

func isErr(ret int64) bool { return ret < 0 && ret >= -4095 }

// restartErr reports whether ret is one of the kernel's restart errnos
// (ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK).
func restartErr(ret int64) bool { return ret <= -512 && ret >= -516 }

// sameFDs compares the fd pairs pipe, pipe2 and socketpair wrote.
func sameFDs(rec, live *format.Event) bool {
	a, ok := captureOf(rec, outArg(rec), format.CaptureStruct)
	if !ok {
		return true
	}
	b, _ := captureOf(live, outArg(rec), format.CaptureStruct)
	return bytes.Equal(a, b)
}

// outArg is the argument of the int[2] result of pipe, pipe2 and
// socketpair: the last struct captured.
func outArg(e *format.Event) int {
	arg := -1
	for _, c := range e.Captures {
		if c.Kind == format.CaptureStruct {
			arg = int(c.Arg)
		}
	}
	return arg
}

// enterRelease applies the plan at the entry of a call; false when it
// could not.
func (e *engine) enterRelease(l *lthread) bool {
	c := l.call
	var err error
	switch c.plan {
	case planServe:
		err = l.th.Skip()
		e.res.Served++
	case planPlaceholder:
		err = e.placeholder(l, c)
		e.res.Served++
	default:
		e.res.Ran++
	}
	if err != nil {
		e.fail(fmt.Errorf("thread %d, %s: %w", l.th.Tid(), c.sc.Name, err))
		return false
	}
	return true
}

// placeholder turns the call l waits to enter into one that makes the fd
// the recorded call made: dup3 of spareFD to the recorded number when that
// is free, else an open of /dev/null, which gets the lowest free one.
func (e *engine) placeholder(l *lthread, c *callState) error {
	flags := uint64(0)
	for i, a := range c.sc.Args {
		if a.Kind == sysent.ArgFlags && c.args[i]&unix.O_CLOEXEC != 0 || c.sc.Name == "pidfd_open" {
			flags = unix.O_CLOEXEC
		}
	}
	if e.nrs.dup3 >= 0 && c.fd >= 0 && c.fd != spareFD {
		_, _, free := l.th.FDStat(int(c.fd))
		_, _, spare := l.th.FDStat(spareFD)
		if errors.Is(free, unix.ENOENT) && spare == nil {
			return l.th.Rewrite(e.nrs.dup3, [6]uint64{spareFD, uint64(c.fd), flags})
		}
	}
	addr, err := l.th.Place([]byte(os.DevNull + "\x00"))
	if err != nil {
		return err
	}
	return l.th.Rewrite(e.nrs.openat, [6]uint64{uint64(unix.AT_FDCWD & 0xffffffff), addr, unix.O_RDONLY | flags})
}

// exitRelease gives the program the result the plan says at the exit of a
// call.
func (e *engine) exitRelease(l *lthread, r *rec) {
	c := l.call
	l.call = nil
	if c == nil {
		return
	}
	l.remember(c.enter, r)
	var err error
	switch c.plan {
	case planServe, planPlaceholder:
		if !e.serve(l, c, &r.ev) {
			return
		}
		err = l.th.SetRet(r.ev.Ret)
	case planOutput:
		err = l.th.SetRet(r.ev.Ret)
	case planRunRet:
		if c.parentTid != 0 && !e.write(l, c.parentTid, le32(uint32(r.ev.Ret))) {
			return
		}
		err = l.th.SetRet(r.ev.Ret)
	}
	if err != nil {
		e.fail(fmt.Errorf("thread %d, %s: %w", l.th.Tid(), c.sc.Name, err))
	}
}

// remember keeps a call for a divergence report.
func (l *lthread) remember(enter, exit *rec) {
	if len(l.recent) == recentCalls {
		l.recent = append(l.recent[:0], l.recent[1:]...)
	}
	l.recent = append(l.recent, pastCall{enter, exit})
}

// serve writes into the program's memory what the recorded call wrote,
// where the live call's arguments point.
func (e *engine) serve(l *lthread, c *callState, x *format.Event) bool {
	if c.sc == nil {
		return true
	}
	// The live msghdr of each message a recvmsg or recvmmsg filled, read
	// when first needed: its pointers are this run's.
	msgs := map[uint64][]byte{}
	msg := func(addr uint64) []byte {
		if m, ok := msgs[addr]; ok {
			return m
		}
		m, err := l.th.Read(addr, msghdrSize)
		if err != nil {
			if !errors.Is(err, unix.ESRCH) {
				e.diverge(l, l.at, nil, fmt.Sprintf("the msghdr of %s cannot be read: %v", c.sc.Name, err))
			}
			return nil
		}
		msgs[addr] = m
		return m
	}
	mmsg := c.sc.Name == "recvmmsg" || c.sc.Name == "sendmmsg"
	for i := range x.Captures {
		cp := &x.Captures[i]
		if !served(cp.Kind) || int(cp.Arg) >= len(c.sc.Args) {
			continue
		}
		if cp.Truncated() {
			e.diverge(l, l.at, nil, fmt.Sprintf("the recording holds %d of the %d bytes %s returned: it cannot be replayed past here", len(cp.Data), cp.Size, c.sc.Name))
			return false
		}
		a := c.sc.Args[cp.Arg]
		addr := c.args[cp.Arg]
		ok := true
		switch {
		case mmsg:
			ok = e.serveMmsg(l, addr, msg, cp)
		case a.Kind == sysent.ArgOutMsghdr:
			m := msg(addr)
			ok = m != nil && e.serveMsghdr(l, addr, m, cp)
		case cp.Kind == format.CaptureIovec:
			ok = e.serveIovec(l, addr, c.args[a.Len], cp)
		case cp.Index == 0:
			ok = e.write(l, addr, cp.Data)
		}
		if !ok {
			return false
		}
	}
	return true
}

// served reports whether captures of kind k are memory a call wrote where
// its arguments point, which a served call writes again: not the fd links,
// socket endpoints, nor what the recorder read besides (iovec arrays,
// counts, a signal frame's mask).
func served(k format.CaptureKind) bool {
	switch k {
	case format.CaptureBuffer, format.CaptureStruct, format.CaptureSockaddr, format.CaptureIovec, format.CaptureOutput:
		return true
	}
	return false
}

// serveMmsg writes one capture of a recvmmsg (or a sendmmsg, whose
// message lengths the kernel writes): each message's length and the
// lengths and flags of its msghdr, then its sender's address, the data of
// its iovecs and its control data where this run's msghdrs point.
func (e *engine) serveMmsg(l *lthread, arr uint64, msg func(uint64) []byte, cp *format.Capture) bool {
	k := uint64(cp.Index)
	if cp.Kind == format.CaptureIovec {
		k = uint64(cp.Index / sysent.MmsgIndex)
	}
	hdr := arr + k*mmsghdrSize
	if cp.Kind == format.CaptureStruct {
		for k := uint64(0); (k+1)*mmsghdrSize <= uint64(len(cp.Data)); k++ {
			rec := cp.Data[k*mmsghdrSize:]
			h := arr + k*mmsghdrSize
			if !e.write(l, h+8, rec[8:12]) || !e.write(l, h+40, rec[40:48]) || !e.write(l, h+48, rec[48:52]) || !e.write(l, h+msghdrSize, rec[msghdrSize:msghdrSize+4]) {
				return false
			}
		}
		return true
	}
	m := msg(hdr)
	if m == nil {
		return false
	}
	if cp.Kind == format.CaptureIovec {
		elem := *cp
		elem.Index = cp.Index % sysent.MmsgIndex
		return e.serveMsghdr(l, hdr, m, &elem)
	}
	return e.serveMsghdr(l, hdr, m, cp)
}

// mmsghdrSize is struct mmsghdr's size on 64-bit ABIs: a msghdr and
// msg_len, padded.
const mmsghdrSize = msghdrSize + 8

// msghdrSize is struct msghdr's size on 64-bit ABIs.
const msghdrSize = 56

// serveMsghdr writes one capture of a recvmsg: the lengths and flags the
// kernel sets in the msghdr at addr (not its pointers, which are this
// run's), the sender's address, an iovec's data, the control data.
func (e *engine) serveMsghdr(l *lthread, addr uint64, msg []byte, cp *format.Capture) bool {
	ptr := func(off int) uint64 { return binary.LittleEndian.Uint64(msg[off:]) }
	switch cp.Kind {
	case format.CaptureStruct:
		if len(cp.Data) < msghdrSize {
			return true
		}
		return e.write(l, addr+8, cp.Data[8:12]) && e.write(l, addr+40, cp.Data[40:48]) && e.write(l, addr+48, cp.Data[48:52])
	case format.CaptureSockaddr:
		return e.write(l, ptr(0), cp.Data)
	case format.CaptureIovec:
		return e.serveIovec(l, ptr(16), ptr(24), cp)
	case format.CaptureBuffer:
		return e.write(l, ptr(32), cp.Data)
	}
	return true
}

// serveIovec writes an iovec's recorded data where element cp.Index of the
// live iovec array at addr, of count elements, points.
func (e *engine) serveIovec(l *lthread, addr, count uint64, cp *format.Capture) bool {
	if uint64(cp.Index) >= count {
		return true
	}
	iov, err := l.th.Read(addr+uint64(cp.Index)*16, 16)
	if errors.Is(err, unix.ESRCH) {
		return false
	}
	if err != nil {
		e.diverge(l, l.at, nil, fmt.Sprintf("the iovec array cannot be read: %v", err))
		return false
	}
	base, n := binary.LittleEndian.Uint64(iov), binary.LittleEndian.Uint64(iov[8:])
	if uint64(len(cp.Data)) > n {
		e.diverge(l, l.at, nil, fmt.Sprintf("iovec %d holds %d bytes in this run, %d were read into it in the recording", cp.Index, n, len(cp.Data)))
		return false
	}
	return e.write(l, base, cp.Data)
}

// scalar reports whether an argument of kind k is compared by value: not
// a pointer, whose value depends on where things are in memory.
func scalar(k sysent.ArgKind) bool {
	switch k {
	case sysent.ArgInt, sysent.ArgUint, sysent.ArgFD, sysent.ArgDirFD, sysent.ArgFlags, sysent.ArgEnum,
		sysent.ArgMode, sysent.ArgSignal, sysent.ArgPid, sysent.ArgUID, sysent.ArgGID:
		return true
	}
	return false
}

// compared reports whether captures of kind k are compared: strings and
// the bytes a call reads, not structs (which may hold pointers) nor fd
// links.
func compared(k format.CaptureKind) bool {
	switch k {
	case format.CaptureString, format.CaptureStringArray, format.CaptureBuffer, format.CaptureIovec, format.CaptureSockaddr:
		return true
	}
	return false
}

// compareCall compares a live syscall entry with the recorded one: the
// scalar arguments (their low 32 bits: the rest of the register of an int
// argument is undefined) and the strings and bytes the call reads. It
// returns what differs, "" when nothing does.
func compareCall(sc *sysent.Syscall, rec, live *format.Event) string {
	if sc == nil {
		return ""
	}
	for i, a := range sc.Args {
		if i >= 6 || !scalar(a.Kind) {
			continue
		}
		if uint32(rec.Args[i]) != uint32(live.Args[i]) {
			return fmt.Sprintf("argument %d (%s) is %d in this run, %d in the recording", i+1, a.Name, int64(int32(live.Args[i])), int64(int32(rec.Args[i])))
		}
	}
	var rc, lc []*format.Capture
	for i := range rec.Captures {
		if compared(rec.Captures[i].Kind) {
			rc = append(rc, &rec.Captures[i])
		}
	}
	for i := range live.Captures {
		if compared(live.Captures[i].Kind) {
			lc = append(lc, &live.Captures[i])
		}
	}
	for i := 0; i < len(rc) || i < len(lc); i++ {
		if i >= len(rc) || i >= len(lc) {
			return "the call reads other memory in this run than in the recording"
		}
		r, l := rc[i], lc[i]
		name := "?"
		if int(r.Arg) < len(sc.Args) {
			name = sc.Args[r.Arg].Name
		}
		if r.Arg != l.Arg || r.Kind != l.Kind || r.Index != l.Index {
			return "the call reads other memory in this run than in the recording"
		}
		if r.Len() != l.Len() || !bytes.Equal(r.Data, l.Data) {
			off := 0
			for off < len(r.Data) && off < len(l.Data) && r.Data[off] == l.Data[off] {
				off++
			}
			return fmt.Sprintf("argument %d (%s) differs from byte %d: %s in this run, %s in the recording", r.Arg+1, name, off, excerpt(l.Data, off), excerpt(r.Data, off))
		}
	}
	return ""
}

// excerpt quotes a few bytes of b from off.
func excerpt(b []byte, off int) string {
	end := min(off+16, len(b))
	if off > len(b) {
		off = len(b)
	}
	s := fmt.Sprintf("%q", b[off:end])
	if end < len(b) {
		s += "..."
	}
	return s
}

// errnoText names an error result.
func errnoText(ret int64) string {
	if name := unix.ErrnoName(unix.Errno(-ret)); name != "" {
		return name
	}
	return fmt.Sprintf("errno %d", -ret)
}
