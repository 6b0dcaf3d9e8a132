package replay

import (
	"fmt"
	"syscall"
	"time"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/record"
)

// The replay's schedule. A recording made pinned to one CPU ran one thread
// at a time, and the thread of each recorded stop is the one that ran up
// to it. The replay does the same: it lets go only the thread whose stop
// is the next recorded event, waits for it to stop there, replays the
// event (a served result, a signal's siginfo, AT_RANDOM), and goes on with
// the next event. A thread that stops early (a new thread, a stop that
// matches nothing) waits for its turn.
//
// Two things let the others go first: a thread that yields (sched_yield)
// where the recording has none waits for another thread, which in the
// recording had already done what it waits for; and a thread that runs
// for long without a syscall (serialWait) may be spinning on memory
// another thread writes.

// Stop implements record.Driver: it matches the stop with the thread's
// next recorded event and holds the thread there until its turn.
func (e *engine) Stop(th *record.Thread, s *record.Stop) {
	l := e.thread(th)
	if e.running == l {
		e.running = nil
	}
	l.free = false
	if e.ended {
		return
	}
	l.held, l.at, l.kind, l.stuck = true, nil, s.Kind, false
	if !e.started {
		if s.Kind != record.StopExec {
			l.held = false
			th.Resume(0)
			return
		}
		e.started = true
		e.mapTo(l, e.firstTid, e.firstTid)
		l.call = &callState{nr: e.nrs.execve, sc: e.table.Lookup(e.nrs.execve), plan: planRun}
		l.released = true
	}
	if l.mapped {
		switch s.Kind {
		case record.StopOther:
			e.transparent(l)
		case record.StopSyscallEnter:
			e.enter(l, s.Event)
		case record.StopSyscallExit:
			e.exit(l, s.Event)
		case record.StopSignal:
			e.signal(l, s.Event)
		case record.StopClone:
			e.clone(l, s)
		case record.StopExec:
			e.exec(l, s.Event)
		case record.StopGroup:
			e.expectKind(l, s.Event, format.KindStop)
		}
		if l.at != nil {
			l.going = false
		}
	}
	e.pump()
}

// transparent handles a stop that matches nothing: a thread on its way to
// its next recorded stop goes on at once; any other waits for its turn.
func (e *engine) transparent(l *lthread) {
	if l.going {
		l.held = false
		l.th.Resume(0)
		e.running = l
	}
}

// signal matches a signal-delivery-stop: a signal the replay sent, or one
// the program caused itself (a fault), is the recorded one; any other
// comes from today's world, which the program does not see.
func (e *engine) signal(l *lthread, live *format.Event) {
	signo := live.Signal.Signo
	sent := l.expect[signo] > 0
	if !sent && !selfInflicted(&live.Signal) {
		e.transparent(l)
		return
	}
	if sent {
		l.expect[signo]--
	}
	r := e.nth(l.rtid, 0)
	if r == nil || r.ev.Kind != format.KindSignal || r.ev.Signal.Signo != signo {
		e.divergeKind(l, r, live)
		return
	}
	l.at = r
}

// Exited implements record.Driver.
func (e *engine) Exited(th *record.Thread, ev *format.Event) {
	l := e.thread(th)
	l.dead, l.held, l.exit = true, false, ev.Exit
	delete(e.live, th)
	if e.running == l {
		e.running = nil
	}
	if !e.ended {
		e.pump()
	}
}

// Wake implements record.Driver: the thread last let go has run for long
// without a syscall; the next one goes too.
func (e *engine) Wake() {
	if e.ended {
		return
	}
	if e.running == nil {
		e.stalled()
		return
	}
	r := e.running
	r.free = true
	e.running = nil
	e.handoff(r)
	e.pump()
}

// pump replays recorded events for as long as the thread of the next one
// is stopped for it, and lets that thread go when it is stopped elsewhere.
func (e *engine) pump() {
	for !e.ended {
		n := e.front()
		if n == nil {
			e.end()
			return
		}
		if e.opts.Until > 0 && n.seq >= e.opts.Until || e.opts.UntilTime > 0 && n.ev.Time >= int64(e.opts.UntilTime) {
			e.until()
			return
		}
		switch n.ev.Kind {
		case format.KindHook:
			e.markDone(n)
			continue
		case format.KindExit:
			if !e.exitDue(n) {
				e.waitRunning()
				return
			}
			continue
		}
		l := e.byRec[n.ev.Tid]
		if n.ev.Kind == format.KindExec && n.ev.Exec.OldTid != 0 {
			l = e.byRec[n.ev.Exec.OldTid]
		}
		switch {
		case l != nil && l.dead:
			// The thread was killed (its process exited) sooner than in
			// the recording, which has it make a few more stops first:
			// its recorded end says whether it ended the same way.
			e.markDone(n)
			continue
		case l == nil:
			e.diverge(l, n, nil, "the thread of this event is not in this run")
		case l.held && l.at == n:
			e.complete(l)
			continue
		case l.held && (l.at != nil || l.stuck):
			e.diverge(l, n, nil, "the thread waits elsewhere")
		case e.running != nil && e.running != l:
		case l.held:
			if o := e.otherFirst(l, n); o != nil {
				e.resume(o, e.nth(o.rtid, 0))
				break
			}
			if o, on := e.fdFirst(l, n); o != nil {
				e.resume(o, on)
				break
			}
			e.resume(l, n)
		}
		e.waitRunning()
		return
	}
}

// waitRunning asks to be woken if the thread last let go runs for long
// without stopping.
func (e *engine) waitRunning() {
	if e.ended {
		return
	}
	if e.running != nil && !e.running.free {
		e.ctl.WakeAfter(serialWait)
		return
	}
	e.ctl.WakeAfter(stallWait)
}

// stallWait is how long the replay waits with no thread let go and no
// stop before it decides that nothing the recording has next can happen.
const stallWait = 10 * time.Second

// stalled is called when nothing happened for stallWait: unless the
// thread of the next event is on its way to it (computing), the replay
// cannot go on.
func (e *engine) stalled() {
	n := e.front()
	if n == nil {
		return
	}
	l := e.byRec[n.ev.Tid]
	if l != nil && !l.held && !l.dead {
		e.ctl.WakeAfter(stallWait)
		return
	}
	e.diverge(l, n, nil, fmt.Sprintf("nothing happened for %v: what the recording has next does not come", stallWait))
}

// resume lets l go on from its stop for its next recorded event n: the
// call it waits to enter is changed as planned, a signal n delivers is
// sent, the recorded tid is written where a clone asked.
func (e *engine) resume(l *lthread, n *rec) {
	if c := l.call; c != nil && l.kind == record.StopSyscallEnter && !c.entered {
		c.entered = true
		if !e.enterRelease(l) {
			return
		}
	}
	if n != nil && n.ev.Kind == format.KindSignal && !selfInflicted(&n.ev.Signal) {
		if err := l.th.Signal(int(n.ev.Signal.Signo)); err == nil {
			if l.expect == nil {
				l.expect = make(map[int32]int)
			}
			l.expect[n.ev.Signal.Signo]++
		}
	}
	if !l.released && l.settid != 0 {
		if !e.write(l, l.settid, le32(uint32(l.rtid))) {
			return
		}
		l.settid = 0
	}
	sig := int(l.signal)
	l.signal = 0
	l.held, l.at, l.going, l.released = false, nil, true, true
	if err := l.th.Resume(sig); err != nil {
		e.fail(fmt.Errorf("resume thread %d: %w", l.th.Tid(), err))
		return
	}
	e.running = l
}

// lookahead bounds how far the recording is read ahead for the call that
// pairs with another (otherFirst, fdFirst).
const lookahead = 4096

// otherFirst returns a thread to let go before l, which is to make the
// recorded futex call n, or nil. A futex wait and its wake say which of
// two threads got to the memory they share first, which the order of
// their syscalls alone does not: l's wait means the thread that wakes the
// address next held what l waits for (a lock), taken on its way to its
// next stop, so that thread goes first, unless its next stop is the wake,
// on its way to which it lets go of the lock; l's wake of a thread whose
// next stop is a wait on the address means that thread had made itself
// known to l (put itself on a list of waiters) on its way there, so it
// goes first. Each call is looked at once.
func (e *engine) otherFirst(l *lthread, n *rec) *lthread {
	if n.ev.Kind != format.KindSyscallEnter || int(n.ev.Nr) != e.nrs.futex || n.pairDone {
		return nil
	}
	var want func(cmd uint64) bool
	switch n.ev.Args[1] & futexCmd {
	case futexWait, futexWaitBitset:
		want = func(cmd uint64) bool { return cmd == futexWake || cmd == futexWakeBitset }
	case futexWake, futexWakeBitset:
		want = func(cmd uint64) bool { return cmd == futexWait || cmd == futexWaitBitset }
	default:
		return nil
	}
	n.pairDone = true
	for i := e.head; i-e.head < lookahead; i++ {
		if i == len(e.window) && !e.read() {
			return nil
		}
		r := e.window[i]
		if r.done || r.seq <= n.seq || r.ev.Kind != format.KindSyscallEnter || int(r.ev.Nr) != e.nrs.futex || r.ev.Args[0] != n.ev.Args[0] {
			continue
		}
		if !want(r.ev.Args[1] & futexCmd) {
			return nil
		}
		o := e.byRec[r.ev.Tid]
		if o == nil || o == l || o.dead || !o.held || o.at != nil || o.stuck {
			return nil
		}
		// The waker goes first unless its next stop is the wake; the
		// waiter only when its next stop is the wait.
		if next := e.nth(o.rtid, 0) == r; next == want(futexWake) {
			return nil
		}
		return o
	}
	return nil
}

// fdFirst returns the thread to let go before l, and the event it goes
// for, when l is to make the fd-creating call whose exit is n and another
// thread of its process waits to make one that got a lower fd in the
// recording. Calls made at once by two threads allocate their fds in the
// order the kernel ran them, which their stops do not tell, but their
// results do: the lowest free fd goes first.
func (e *engine) fdFirst(l *lthread, n *rec) (*lthread, *rec) {
	if n.ev.Kind != format.KindSyscallExit || l.call == nil || !l.call.makesFD() || n.ev.Ret < 0 {
		return nil, nil
	}
	for i := e.head; i-e.head < lookahead; i++ {
		if i == len(e.window) && !e.read() {
			break
		}
		r := e.window[i]
		if r.done || r == n || r.ev.Kind != format.KindSyscallExit || r.ev.Ret < 0 || r.ev.Ret >= n.ev.Ret {
			continue
		}
		o := e.byRec[r.ev.Tid]
		if o == nil || o == l || o.dead || o.rpid != l.rpid || !o.held || o.at != nil || o.kind != record.StopSyscallEnter ||
			o.call == nil || !o.call.makesFD() || e.nth(o.rtid, 0) != r {
			continue
		}
		return o, r
	}
	return nil, nil
}

// complete replays the recorded event l's stop matched: the result of a
// served call, a signal's siginfo, AT_RANDOM. The thread stays stopped
// until its next event is due, but for a call that does not return to
// it (exit, exit_group, a successful execve), which goes on at once.
func (e *engine) complete(l *lthread) {
	r := l.at
	switch l.kind {
	case record.StopSyscallExit:
		e.exitRelease(l, r)
	case record.StopExec:
		if len(r.ev.Exec.Random) > 0 {
			if err := l.th.SetRandom(r.ev.Exec.Random); err != nil {
				e.diverge(l, r, nil, fmt.Sprintf("the recorded AT_RANDOM bytes cannot be given: %v", err))
			}
		}
	case record.StopSignal:
		l.signal = r.ev.Signal.Signo
		if !selfInflicted(&r.ev.Signal) {
			if err := l.th.SetSiginfo(r.ev.Signal); err != nil {
				e.fail(fmt.Errorf("siginfo of thread %d: %w", l.th.Tid(), err))
			}
		}
	}
	if e.ended {
		return
	}
	e.markDone(r)
	l.at = nil
	if c := l.call; l.kind == record.StopSyscallEnter && c != nil && c.sc != nil && c.plan == planRun && noReturn[c.sc.Name] {
		e.resume(l, nil)
		if e.running == l {
			e.running = nil
		}
		l.free = true
	}
}

// noReturn are the calls that do not return to the thread when they run:
// it ends, or its process becomes another program.
var noReturn = map[string]bool{"exit": true, "exit_group": true, "execve": true, "execveat": true}

// handoff lets go, for one stop, the thread of the earliest recorded event
// that waits at a stop it can leave, other than l: l waits for it.
func (e *engine) handoff(l *lthread) {
	for i := e.head; i < len(e.window); i++ {
		n := e.window[i]
		if n.done {
			continue
		}
		m := e.byRec[n.ev.Tid]
		if m == nil || m == l || m.dead || !m.held || m.at != nil || m.stuck {
			continue
		}
		e.resume(m, n)
		return
	}
}

// exitDue replays a thread's recorded end: true once the live thread has
// ended the same way. A thread stopped with a signal to deliver is let go
// to die of it, SIGKILL (which makes no stop) is sent, and any other end
// comes from another thread (exit_group, execve).
func (e *engine) exitDue(n *rec) bool {
	l := e.byRec[n.ev.Tid]
	if l == nil {
		e.diverge(nil, n, nil, "the thread never existed in this run")
		return false
	}
	if !l.dead {
		switch {
		case n.ev.Exit.Signal == int32(syscall.SIGKILL) && !l.killed:
			l.killed = true
			l.th.Signal(int(syscall.SIGKILL))
		case l.held && l.at == nil && l.signal != 0 && (e.running == nil || e.running == l):
			// A signal that kills it.
			e.resume(l, n)
		}
		return false
	}
	if l.exit.Code != n.ev.Exit.Code || l.exit.Signal != n.ev.Exit.Signal {
		e.diverge(l, n, nil, fmt.Sprintf("the thread ended with %s, the recording with %s", exitText(l.exit), exitText(n.ev.Exit)))
		return false
	}
	e.markDone(n)
	delete(e.byRec, n.ev.Tid)
	return true
}

// end is reached when every recorded event is replayed.
func (e *engine) end() {
	for _, l := range e.live {
		if !l.dead {
			reason := "the program goes on where the recording ends"
			if e.cut {
				reason = "the recording was cut short here"
			}
			e.diverge(l, nil, nil, reason)
			return
		}
	}
	e.ctl.WakeAfter(0)
}

// until stops the replay before the next event and leaves the program
// stopped.
func (e *engine) until() {
	e.ended = true
	e.ctl.WakeAfter(0)
	// A served call waiting to return gets its result first: a skipped
	// call left alone would return ENOSYS.
	for _, l := range e.live {
		if l.held && l.at != nil && l.kind == record.StopSyscallExit && l.call != nil && l.call.plan.serves() {
			e.exitRelease(l, l.at)
		}
	}
	e.res.Stopped = e.ctl.Detach()
}
