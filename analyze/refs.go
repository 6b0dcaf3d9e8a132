package analyze

import "github.com/trecdev/trec/format"

// Refs keeps, of the events that are not syscalls, those that the kept
// calls refer to: a filter on calls (-e trace=%net) then writes the
// processes that made those calls, the clones and execs that lead to them
// and their exits, and not every process's events. It takes two walks of
// the same trace with the same filter: the first (Collect) finds the
// processes, the second (Keep) decides.
type Refs struct {
	lives   lifetimes
	calling map[procKey]bool
	parent  map[procKey]procKey
	// tree holds the calling processes and their ancestors.
	tree map[procKey]bool
}

// procKey is a process: a pid and the start of its lifetime.
type procKey struct {
	pid   int32
	start int64
}

// lifetimes follows which lifetime of each pid is current: a pid is a new
// process after its clone event, and none after its exit.
type lifetimes map[int32]int64

func (l lifetimes) key(pid int32, t int64) procKey {
	start, ok := l[pid]
	if !ok {
		start = t
		l[pid] = t
	}
	return procKey{pid, start}
}

// event updates the lifetimes with e and returns the key of e's process,
// and for a clone of a process the child's.
func (l lifetimes) event(e *format.Event) (proc, child procKey) {
	pid := e.Pid
	if pid == 0 {
		pid = e.Tid
	}
	proc = l.key(pid, e.Time)
	switch e.Kind {
	case format.KindClone:
		if e.Clone.Kind != format.CloneThread {
			l[e.Clone.Child] = e.Time
			child = procKey{e.Clone.Child, e.Time}
		} else {
			child = proc
		}
	case format.KindExit:
		if !e.Exit.Thread {
			delete(l, pid)
		}
	}
	return proc, child
}

// NewRefs returns a Refs ready for its first walk.
func NewRefs() *Refs {
	return &Refs{lives: lifetimes{}, calling: map[procKey]bool{}, parent: map[procKey]procKey{}}
}

// Collect returns the Visitor of the first walk.
func (r *Refs) Collect() Visitor { return refsCollector{r} }

type refsCollector struct{ r *Refs }

func (c refsCollector) SyscallEnter(*Call) {}

func (c refsCollector) SyscallExit(call *Call) {
	c.r.calling[c.r.lives.key(call.Pid, call.EndTime)] = true
}

func (c refsCollector) Event(e *format.Event) {
	proc, child := c.r.lives.event(e)
	if e.Kind == format.KindClone && child != proc {
		c.r.parent[child] = proc
	}
}

// Keep wraps the Visitor of the second walk: it passes every call, and the
// other events that refer to a process that made one.
func (r *Refs) Keep(v Visitor) Visitor {
	r.tree = map[procKey]bool{}
	for p := range r.calling {
		for ok := true; ok && !r.tree[p]; p, ok = r.parent[p] {
			r.tree[p] = true
		}
	}
	r.lives = lifetimes{}
	return refsKeeper{r, v}
}

type refsKeeper struct {
	r *Refs
	v Visitor
}

func (k refsKeeper) SyscallEnter(c *Call) { k.v.SyscallEnter(c) }

func (k refsKeeper) SyscallExit(c *Call) {
	// As Collect did: the two walks must agree on every lifetime.
	k.r.lives.key(c.Pid, c.EndTime)
	k.v.SyscallExit(c)
}

func (k refsKeeper) Event(e *format.Event) {
	proc, child := k.r.lives.event(e)
	var keep bool
	switch e.Kind {
	case format.KindClone:
		// The clones on the way to a calling process.
		keep = k.r.tree[child]
	case format.KindExec, format.KindExit, format.KindAttach, format.KindDetach:
		// Attach events hold the program and the fds of the processes
		// an attached recording began with.
		keep = k.r.tree[proc]
	default:
		keep = k.r.calling[proc]
	}
	if keep {
		k.v.Event(e)
	}
}
