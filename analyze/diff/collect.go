package diff

import (
	"hash/maphash"
	"strings"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// process is one process of a run: one of the walker's (analyze.Process),
// with what the comparison keeps of it.
type process struct {
	idx   int
	pid   int32
	start int64
	// serial is the walker's Process.Serial, parentSerial its parent's
	// (0 when the trace does not hold its creation): link makes the tree
	// of them once the run is read.
	serial, parentSerial uint32
	// prog is the program it ran when the run first saw it, which it
	// runs until it execs one of its own.
	prog     *analyze.Program
	ended    bool
	exit     format.Exit
	parent   *process
	children []*process
	threads  []*thread
	execs    []execInfo
	// fdOrd numbers what the process's fds refer to, per normalized
	// target, in the order the process first used them.
	fdOrd   map[string]uint32
	fdCount map[string]uint32
	streams map[streamKey]*stream
	sorder  []streamKey
	match   *process
	id      uint64
}

// execInfo is one program a process ran.
type execInfo struct {
	path string
	argv []string
}

// thread is one thread of a process and its sequence of compared calls.
type thread struct {
	idx   int
	tid   int32
	proc  *process
	start int64
	items []uint64
	refs  []ref
	match *thread
	id    uint64
}

// ref is a pid or tid inside a compared call, resolved once the runs'
// processes are matched.
type ref struct {
	item   int32
	proc   *process
	thread *thread
}

// sysCount counts one syscall's compared calls.
type sysCount struct {
	calls, errors uint64
	ns            int64
}

// failKey names a kind of failed call.
type failKey struct {
	syscall, errno, path string
}

// run is what one trace holds, normalized.
type run struct {
	name     string
	header   *format.Header
	trailer  *format.Trailer
	tab      *sysent.Table
	procs    []*process
	threads  []*thread
	events   uint64
	kept     uint64
	end      int64
	trunc    bool
	sys      map[int32]*sysCount
	fails    map[failKey]uint64
	files    []analyze.FileRow
	compared uint64
}

// collector is the Visitor that builds a run from a walk.
type collector struct {
	r      *run
	w      *analyze.Walker
	stats  *analyze.Stats
	ignore *sysent.Set
	strict bool
	seed   maphash.Seed
	// procs holds the run's processes by the walker's Serial, last the
	// one found last. byPid maps a pid to the last process that had it,
	// for pids named after their process ended (wait4).
	procs map[uint32]*process
	last  *process
	byPid map[int32]*process
	// liveThreads maps a tid to the thread that holds it now, byTid to
	// the last one that held it.
	liveThreads map[int32]*thread
	byTid       map[int32]*thread
	// render, when set, is called with each compared call and its place.
	render func(th *thread, item int, c *analyze.Call)
	// window, when set, is called with each call of a stream in a
	// second pass.
	window func(st *stream, c *analyze.Call)
}

func newCollector(r *run, w *analyze.Walker, ignore *sysent.Set, strict bool, seed maphash.Seed) *collector {
	return &collector{
		r: r, w: w, stats: analyze.NewStats(w, analyze.StatsOptions{}),
		ignore: ignore, strict: strict, seed: seed,
		procs: map[uint32]*process{}, byPid: map[int32]*process{},
		liveThreads: map[int32]*thread{}, byTid: map[int32]*thread{},
	}
}

// proc returns the run's process for the walker's process id, live at
// the event being walked, creating it. Its start is the walker's, which
// saw the events a filter left out, so that -p PID@START names the same
// process here.
func (c *collector) proc(id analyze.Process) *process {
	if p := c.last; p != nil && p.serial == id.Serial {
		return p
	}
	p := c.procs[id.Serial]
	if p == nil {
		info := c.w.ProcessInfo(id)
		p = &process{idx: len(c.r.procs), pid: id.Pid, start: id.Start, serial: id.Serial,
			parentSerial: info.Parent.Serial, prog: info.Program}
		c.r.procs = append(c.r.procs, p)
		c.procs[id.Serial], c.byPid[id.Pid] = p, p
	}
	c.last = p
	return p
}

// link makes the process tree: a process whose parent is in the run is
// its child, in the order the run first saw them; the others are roots.
func (c *collector) link() {
	for _, p := range c.r.procs {
		if pp := c.procs[p.parentSerial]; pp != nil && p.parentSerial != 0 {
			p.parent = pp
			pp.children = append(pp.children, p)
		}
	}
}

// thread returns the live thread tid of process p, creating it.
func (c *collector) thread(tid int32, p *process, t int64) *thread {
	if th := c.liveThreads[tid]; th != nil && th.proc == p {
		return th
	}
	return c.newThread(p, tid, t)
}

func (c *collector) newThread(p *process, tid int32, t int64) *thread {
	th := &thread{idx: len(c.r.threads), tid: tid, proc: p, start: t}
	c.r.threads = append(c.r.threads, th)
	p.threads = append(p.threads, th)
	c.liveThreads[tid], c.byTid[tid] = th, th
	return th
}

// SyscallEnter implements analyze.Visitor; calls are taken whole at their
// exit.
func (c *collector) SyscallEnter(*analyze.Call) {}

// Event implements analyze.Visitor.
func (c *collector) Event(e *format.Event) {
	pid := e.Pid
	if pid == 0 {
		pid = e.Tid
	}
	switch e.Kind {
	case format.KindClone:
		p := c.proc(c.w.Process(pid))
		c.thread(e.Tid, p, e.Time)
		child := e.Clone.Child
		if e.Clone.Kind == format.CloneThread {
			c.thread(child, p, e.Time)
			return
		}
		c.newThread(c.proc(c.w.Process(child)), child, e.Time)
	case format.KindExec:
		p := c.proc(c.w.Process(pid))
		if old := e.Exec.OldTid; old != 0 && old != e.Tid {
			// The exec'ing thread takes the leader's tid.
			if th := c.liveThreads[old]; th != nil {
				delete(c.liveThreads, old)
				c.liveThreads[e.Tid], c.byTid[e.Tid] = th, th
			}
		} else {
			c.thread(e.Tid, p, e.Time)
		}
		p.execs = append(p.execs, execInfo{path: e.Exec.Path, argv: append([]string(nil), e.Exec.Argv...)})
	case format.KindExit:
		p := c.proc(c.w.Process(pid))
		c.thread(e.Tid, p, e.Time)
		delete(c.liveThreads, e.Tid)
		if !e.Exit.Thread {
			p.ended, p.exit = true, e.Exit
		}
	}
}

// Errnos that scheduling decides rather than the program: a call
// interrupted by a signal, or refused because data was not there yet.
const (
	eintr                = 4
	eagain               = 11
	erestartsys          = 512
	erestartnointr       = 513
	erestartnohand       = 514
	erestartRestartblock = 516
)

// noisy lists the calls whose number, place or results depend on
// scheduling: left out of the comparison unless Options.Strict, with waits
// for any child (anyChild). A signal handler's rt_sigreturn lands wherever
// the signal happened to arrive.
var noisy = map[string]bool{"futex": true, "sched_yield": true, "restart_syscall": true, "rt_sigreturn": true}

// SyscallExit implements analyze.Visitor.
func (c *collector) SyscallExit(call *analyze.Call) {
	if call.Enter == nil {
		// Begun before the trace: its arguments are unknown.
		return
	}
	if c.ignore != nil && c.ignore.Has(int(call.Nr)) {
		return
	}
	failed := call.Exit != nil && analyze.IsError(call.Exit.Ret)
	var errno int64
	if failed {
		errno = -call.Exit.Ret
	}
	if !c.strict {
		if noisy[call.Name] || anyChild(call) {
			// Which child a wait for any child reaps, and whether a
			// WNOHANG poll finds one, depends on when the children
			// ended; their exit statuses are compared with the
			// processes.
			return
		}
		switch errno {
		case eintr, erestartsys, erestartnointr, erestartnohand, erestartRestartblock:
			return
		}
	}
	p := c.proc(call.Proc)
	th := c.thread(call.Tid, p, call.Start())
	var st *stream
	if dir := call.IO(); dir != analyze.IONone {
		if fd, ok := fdArg(call); ok {
			if info, ok := c.w.FD(p.pid, fd); ok && isStream(info) {
				if failed && errno == eagain && !c.strict {
					return
				}
				st = c.stream(p, info, dir)
			}
		}
	}
	if c.render != nil {
		// A second pass only finds the calls to print again, and the
		// bytes where streams differ.
		if st == nil || failed {
			// Hashing numbers the process's fds as the first pass did.
			c.hashCall(call, th)
			c.render(th, len(th.items), call)
			th.items = append(th.items, 0)
		} else if c.window != nil {
			c.window(st, call)
		}
		return
	}
	sc := c.r.sys[call.Nr]
	if sc == nil {
		sc = &sysCount{}
		c.r.sys[call.Nr] = sc
	}
	sc.ns += call.Duration()
	c.stats.SyscallExit(call)
	if failed {
		c.r.fails[failKey{call.Name, analyze.ErrnoName(int(errno)), c.failPath(call)}]++
	}
	if st != nil && !failed {
		st.add(call)
		return
	}
	sc.calls++
	if failed {
		sc.errors++
	}
	c.r.compared++
	th.items = append(th.items, c.hashCall(call, th))
}

// fdArg returns call's first fd argument.
func fdArg(call *analyze.Call) (int64, bool) {
	if call.Sys == nil {
		return 0, false
	}
	for i, a := range call.Sys.Args {
		if a.Kind == sysent.ArgFD && i < 6 {
			return int64(int32(call.Enter.Args[i])), true
		}
	}
	return 0, false
}

// isStream reports whether reads and writes on fd compare as a byte
// stream: pipes, sockets and terminals, whose chunking depends on
// scheduling, and /dev/null, where no one reads the chunks (and whichever
// thread of a multithreaded program happens to write the output).
func isStream(info analyze.FDInfo) bool {
	switch info.Kind {
	case analyze.FDPipe, analyze.FDSocket:
		return true
	case analyze.FDFile:
		return isTerminal(info.Target) || info.Target == "/dev/null"
	}
	return false
}

func isTerminal(p string) bool {
	return strings.HasPrefix(p, "/dev/pts/") || strings.HasPrefix(p, "/dev/tty") || p == "/dev/console" || p == "/dev/ptmx"
}

// failPath is the path a failed call names: its path argument, else what
// its fd refers to.
func (c *collector) failPath(call *analyze.Call) string {
	if call.Sys == nil {
		return ""
	}
	for i, a := range call.Sys.Args {
		if a.Kind == sysent.ArgPath && i < 6 {
			if d := analyze.Captured(call.Enter, i, format.CaptureString); d != nil {
				return string(d)
			}
		}
	}
	if fd, ok := fdArg(call); ok {
		if info, ok := c.w.FD(call.Pid, fd); ok {
			return maskTarget(info.Target)
		}
	}
	return ""
}
