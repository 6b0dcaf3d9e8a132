//go:build linux

package record

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/sysent"
)

// hooker runs Options.Hooks live: at the syscall stops of the calls the
// chain selects it builds a hook.Call on the stopped thread, runs the
// chain, applies the Decision through the applier and records what changed.
type hooker struct {
	chain *hook.Chain
	ap    *applier
	cache *pathCache
	call  liveCall
	// held are threads a delay keeps in their stop, until a time.
	held []heldThread
	// path and link are scratch for readlink, str for strings read.
	path []byte
	link [pathMax]byte
	str  []byte
	// logged counts the notices written about changes that could not be
	// applied or decided.
	logged int
}

// heldThread is a thread a delay keeps stopped until time until (tracer
// time), then resumed as act and sig say.
type heldThread struct {
	th    *thread
	until int64
	act   action
	sig   int
}

// hookState is a thread's state in a call the chain selects.
type hookState struct {
	active bool
	// recorded is set once the call's enter record is written.
	recorded bool
	// skip is set when the call was skipped; ret is the result to give
	// it at the exit.
	skip bool
	ret  int64
	// orig are the arguments as the program passed them; argMask those
	// changed, which the exit restores.
	orig    [6]uint64
	argMask uint8
	// hooks is the entry's Decision.Hooks.
	hooks     uint64
	enterTime int64
	// delay holds the thread before its next resume.
	delay time.Duration
}

// maxNotices bounds the notices hooks write on Options.Log.
const maxNotices = 5

func newHooker(t *tracer, hooks []hook.Hook) (*hooker, error) {
	chain, err := hook.NewChain(t.table, hooks...)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	h := &hooker{chain: chain, ap: newApplier(t.mem, !t.opts.noSetSyscallInfo), cache: newPathCache(t.table)}
	h.call.t = t
	// The cache serves hooks that look at paths; others do without it
	// and the stops its invalidators would cost.
	paths := hook.PathSyscalls(t.table)
	h.cache.on = slices.ContainsFunc(paths.Nrs(), chain.Selects)
	return h, nil
}

// selects reports whether the hooker must see syscall nr: a hook selects
// it, or it changes what the path cache holds.
func (h *hooker) selects(nr int) bool {
	return h.chain.Selects(nr) || h.cache.invalidates(nr)
}

// syscalls returns the syscall numbers the hooker must see, and whether
// numbers the table does not know are among them.
func (h *hooker) syscalls() ([]int, bool) {
	nrs, rest := h.chain.Syscalls()
	if h.cache.on {
		nrs = append(nrs, h.cache.nrs()...)
	}
	return nrs, rest
}

func (th *thread) hookState() *hookState {
	if th.hook == nil {
		th.hook = &hookState{}
	}
	return th.hook
}

// hookEnter runs the hooks at th's entry stop. The enter event is built,
// with its captures, and not yet written; record says whether the
// recording selects it. When the hooks change the call, hookEnter applies
// the change and writes the enter event and a hook record per change;
// it returns whether the enter event is still to be written.
func (t *tracer) hookEnter(th *thread, record bool) bool {
	h := t.hooks
	st := th.hookState()
	*st = hookState{active: true, recorded: record, enterTime: t.stopTime}
	if h.cache.invalidates(th.nr) {
		h.cache.changing(t, th)
	}
	if !h.chain.Selects(th.nr) {
		return record
	}
	h.call.at(th, false, 0)
	d := h.chain.Enter(&h.call)
	h.notice(t, th, d)
	if !d.Changes() {
		return record
	}
	if !h.applyEntry(t, th, st, d) {
		return record
	}
	st.hooks = d.Hooks
	st.delay = d.Delay
	h.signal(th, d.Signals)
	t.emit()
	st.recorded = true
	h.emitSteps(t, th, d.Steps)
	return false
}

// applyEntry applies an entry Decision; false when nothing could be.
func (h *hooker) applyEntry(t *tracer, th *thread, st *hookState, d *hook.Decision) bool {
	var err error
	switch {
	case d.Skip:
		err = h.ap.setEntry(th.tid, &t.si, -1, &th.args)
		st.skip, st.ret = err == nil, d.Ret
		// A rewrite a later hook's skip made moot is recorded, its data
		// not placed.
		for j := range d.Steps {
			if s := &d.Steps[j]; s.Op == hook.OpSetArg && hook.IsPlaceholder(s.New) {
				s.New = 0
			}
		}
	case d.ArgMask != 0:
		args := th.args
		below := placeBase(t.si.SP)
		for i := range args {
			if d.ArgMask&(1<<i) == 0 {
				continue
			}
			if d.Data[i] != nil {
				var addr uint64
				if addr, err = h.ap.place(th.tid, &below, d.Data[i]); err != nil {
					break
				}
				for j := range d.Steps {
					if s := &d.Steps[j]; s.Op == hook.OpSetArg && s.Arg == i && hook.IsPlaceholder(s.New) {
						s.New = addr
					}
				}
				d.Args[i] = addr
			}
			args[i] = d.Args[i]
		}
		if err == nil {
			err = h.ap.setEntry(th.tid, &t.si, int64(th.nr), &args)
		}
		if err == nil {
			st.orig, st.argMask = th.args, d.ArgMask
		}
	}
	switch {
	case err == nil:
		return true
	case err == unix.ESRCH:
	case errors.Is(err, errNoPlace):
		h.logf(t, "trec: hook: process %d: %v; %s runs unchanged\n", th.pid, err, t.table.Name(th.nr))
	default:
		t.fail(fmt.Errorf("record: apply a hook to %d: %w", th.tid, err))
	}
	return false
}

// hookExit runs the hooks at th's exit stop, in a call they selected at its
// entry; ret is the kernel's result. It applies what the entry left to do
// (the result of a skipped call, the arguments to restore) and what the
// exit's hooks decide, writing their records, and returns the result the
// program sees, whether the call's records are to be written, and whether
// it was skipped.
func (t *tracer) hookExit(th *thread, ret int64) (int64, bool, bool) {
	h := t.hooks
	st := th.hook
	st.active = false
	if st.skip {
		if err := h.ap.setRet(th.tid, &t.si, st.ret); err != nil {
			h.applyFailed(t, th, err)
		}
		ret = st.ret
	}
	if st.argMask != 0 {
		if err := h.ap.restoreArgs(th.tid, &st.orig, st.argMask); err != nil {
			h.applyFailed(t, th, err)
		}
		st.argMask = 0
	}
	if h.cache.invalidates(th.nr) {
		h.cache.changing(t, th)
	}
	if !h.chain.Selects(th.nr) {
		return ret, st.recorded, st.skip
	}
	h.call.at(th, true, ret)
	d := h.chain.Exit(&h.call, st.hooks)
	h.notice(t, th, d)
	if !d.Changes() {
		return ret, st.recorded, st.skip
	}
	if d.SetRet {
		if err := h.ap.setRet(th.tid, &t.si, d.Ret); err != nil {
			h.applyFailed(t, th, err)
		}
		ret = d.Ret
	}
	st.delay = d.Delay
	h.signal(th, d.Signals)
	if !st.recorded {
		// The entry was neither selected nor changed: write it now,
		// with its time and arguments, so that the change has its call.
		t.begin(format.KindSyscallEnter, th)
		t.ev.Time, t.ev.Nr, t.ev.Args = st.enterTime, int32(th.nr), th.args
		t.emit()
		st.recorded = true
	}
	h.emitSteps(t, th, d.Steps)
	return ret, true, st.skip
}

func (h *hooker) applyFailed(t *tracer, th *thread, err error) {
	if err != unix.ESRCH {
		t.fail(fmt.Errorf("record: apply a hook to %d: %w", th.tid, err))
	}
}

// signal sends the signals the hooks decided to th; they are delivered
// when its syscall returns.
func (h *hooker) signal(th *thread, sigs []syscall.Signal) {
	for _, s := range sigs {
		unix.Tgkill(th.pid, th.tid, s)
	}
}

// emitSteps writes one hook record per change.
func (h *hooker) emitSteps(t *tracer, th *thread, steps []hook.Step) {
	for i := range steps {
		t.begin(format.KindHook, th)
		t.ev.Nr = int32(th.nr)
		t.ev.Hook = HookRecord(&steps[i])
		t.emit()
	}
}

// HookRecord is the hook record (KIND_HOOK) trec record writes for step s;
// a replay reports the changes its hooks would make with the same record.
// A path or string the hook placed is stored without its NUL.
func HookRecord(s *hook.Step) format.Hook {
	h := format.Hook{Name: s.Hook, Op: hookOps[s.Op], Arg: uint8(s.Arg), OldValue: s.Old, NewValue: s.New,
		Rule: s.Rule, Path: s.Path, Exit: s.Exit}
	if s.NewData != nil {
		h.OldData, h.NewData = s.OldData, trimNUL(s.NewData)
	}
	return h
}

func trimNUL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == 0 {
		return b[:n-1]
	}
	return b
}

// hookOps are the hook records' operations of the hook package's.
var hookOps = [...]format.HookOp{
	hook.OpSkip: format.HookSkip, hook.OpSetArg: format.HookSetArg, hook.OpSetRet: format.HookSetRet,
	hook.OpDelay: format.HookDelay, hook.OpSignal: format.HookSignal,
}

// notice writes, for the first few, the hooks that could not decide.
func (h *hooker) notice(t *tracer, th *thread, d *hook.Decision) {
	for _, e := range d.Errs {
		h.logf(t, "trec: hook %s: process %d, %s: %v\n", e.Hook, th.pid, t.table.Name(th.nr), e.Err)
	}
}

func (h *hooker) logf(t *tracer, format string, args ...any) {
	if t.opts.Log == nil || h.logged >= maxNotices {
		return
	}
	h.logged++
	fmt.Fprintf(t.opts.Log, format, args...)
}

// hold keeps th in its stop for its delay, then resumes it as act and sig
// say (tracer.next releases it).
func (h *hooker) hold(t *tracer, th *thread, act action, sig int) {
	h.held = append(h.held, heldThread{th: th, until: t.stopTime + int64(th.hook.delay), act: act, sig: sig})
	th.hook.delay = 0
}

// next is tracer.next while threads are held: it resumes those whose time
// has come and takes the stops of the others as they come.
func (h *hooker) next(t *tracer, ws *unix.WaitStatus) (int, error) {
	for {
		now := t.now()
		earliest := int64(-1)
		for i := 0; i < len(h.held); {
			ht := h.held[i]
			if ht.until > now {
				if earliest < 0 || ht.until < earliest {
					earliest = ht.until
				}
				i++
				continue
			}
			h.held = append(h.held[:i], h.held[i+1:]...)
			t.resume(ht.th, ht.act, ht.sig)
		}
		if len(h.held) == 0 {
			return wait4(-1, ws, 0)
		}
		if tid := takeStop(ws); tid > 0 {
			return tid, nil
		}
		// Sleep to the next release, taking other stops at least every
		// millisecond meanwhile.
		time.Sleep(min(time.Duration(earliest-now), time.Millisecond))
	}
}

// exited forgets a thread that ended, and its process when it was the
// leader.
func (h *hooker) exited(tid, pid int) {
	if tid == pid {
		h.cache.exited(pid)
	}
	for i, ht := range h.held {
		if ht.th.tid == tid {
			h.held = append(h.held[:i], h.held[i+1:]...)
			break
		}
	}
	h.chain.ThreadExited(tid)
}

// specs returns the hooks as the header's Options.Hooks lists them.
func (h *hooker) specs() []string {
	var out []string
	for _, hk := range h.chain.Hooks() {
		if s, ok := hk.(fmt.Stringer); ok {
			out = append(out, s.String())
		} else {
			out = append(out, hk.Name())
		}
	}
	return out
}

// counts returns the chain's counts for the trailer.
func (h *hooker) counts() []*format.HookCount {
	var out []*format.HookCount
	for _, c := range h.chain.Counts() {
		out = append(out, &format.HookCount{Hook: c.Hook, Rule: c.Rule, Seen: c.Seen, Changed: c.Changed, Undecided: c.Undecided})
	}
	return out
}

// liveCall is the hook.Call of a stopped thread.
type liveCall struct {
	t    *tracer
	th   *thread
	exit bool
	ret  int64
}

func (c *liveCall) at(th *thread, exit bool, ret int64) {
	c.th, c.exit, c.ret = th, exit, ret
}

func (c *liveCall) Tid() int                 { return c.th.tid }
func (c *liveCall) Pid() int                 { return c.th.pid }
func (c *liveCall) Nr() int                  { return c.th.nr }
func (c *liveCall) Syscall() *sysent.Syscall { return c.th.sc }
func (c *liveCall) Table() *sysent.Table     { return c.t.table }
func (c *liveCall) Ret() int64               { return c.ret }
func (c *liveCall) Mem() hook.Memory         { return (*liveMem)(c) }

func (c *liveCall) Arg(i int) uint64 {
	if i < 0 || i >= len(c.th.args) {
		return 0
	}
	return c.th.args[i]
}

func (c *liveCall) Cwd() (string, error) {
	h := c.t.hooks
	if p, ok := h.cache.cwd(c.th.pid); ok {
		return p, nil
	}
	p, err := h.readlink(c.th.tid, "/cwd", "")
	if err == nil {
		h.cache.setCwd(c.th.pid, p)
	}
	return p, err
}

func (c *liveCall) FDPath(fd int) (string, error) {
	if fd < 0 {
		return "", unix.EBADF
	}
	h := c.t.hooks
	if p, ok := h.cache.fd(c.th.pid, fd); ok {
		return p, nil
	}
	p, err := h.readlink(c.th.tid, "/fd/", strconv.Itoa(fd))
	if err == nil {
		h.cache.setFD(c.th.pid, fd, p)
	}
	return p, err
}

func (c *liveCall) Readlink(path string) (string, error) {
	h := c.t.hooks
	target, ok := h.cache.link(path)
	if !ok {
		var err error
		target, err = h.readlink(c.th.tid, "/root", path)
		switch {
		case err == unix.EINVAL:
			// It exists and is not a link.
			h.cache.setLink(path, "")
		case err != nil:
			return "", fmt.Errorf("%s: %w", path, hook.ErrNotLink)
		default:
			h.cache.setLink(path, target)
		}
	}
	if target == "" {
		return "", fmt.Errorf("%s: %w", path, hook.ErrNotLink)
	}
	return target, nil
}

// readlink reads the link /proc/TID + sub + rest.
func (h *hooker) readlink(tid int, sub, rest string) (string, error) {
	b := strconv.AppendInt(append(h.path[:0], "/proc/"...), int64(tid), 10)
	b = append(append(append(b, sub...), rest...), 0)
	h.path = b
	cwd := unix.AT_FDCWD
	n, _, e := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(cwd),
		uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&h.link[0])), uintptr(len(h.link)), 0, 0)
	if e != 0 {
		return "", e
	}
	return string(h.link[:n]), nil
}

// liveMem reads the stopped thread's memory. At the entry, a string
// argument the recorder captured is served from the capture.
type liveMem liveCall

func (m *liveMem) ReadString(addr uint64, max int) (string, error) {
	c := (*liveCall)(m)
	if !c.exit {
		for i, a := range c.th.args {
			if a == addr && addr != 0 {
				if b, ok := c.t.cap.stringArg(i); ok && len(b) < max {
					return string(b), nil
				}
			}
		}
	}
	h := c.t.hooks
	buf, ok := c.t.mem.readString(c.th.tid, h.str[:0], addr, max)
	h.str = buf[:0]
	if !ok {
		if len(buf) == 0 {
			return "", unix.EFAULT
		}
		return "", unix.ENAMETOOLONG
	}
	return string(buf), nil
}

func (m *liveMem) ReadBytes(addr uint64, n int) ([]byte, error) {
	c := (*liveCall)(m)
	if n < 0 {
		return nil, unix.EINVAL
	}
	b := make([]byte, n)
	if c.t.mem.read(c.th.tid, b, addr) < n {
		return nil, unix.EFAULT
	}
	return b, nil
}

// stringArg returns the string the current event captured for argument
// arg, when it was captured whole.
func (c *capturer) stringArg(arg int) ([]byte, bool) {
	for i := range c.caps {
		cp := &c.caps[i]
		if int(cp.Arg) == arg && cp.Kind == format.CaptureString && cp.Index == 0 && cp.Size == 0 {
			s := c.spans[i]
			return c.arena[s.off : s.off+s.n], true
		}
	}
	return nil, false
}
