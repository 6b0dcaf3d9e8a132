package analyze

import (
	"slices"

	"github.com/trecdev/trec/format"
)

// Process is one process of a trace: a pid and its lifetime. The kernel
// reuses a pid once its process has been reaped, so over a trace one pid
// can name many processes (a program that forks and reaps more children
// than pid_max reuses every pid); Pid and Start together tell them apart,
// as do Serials.
//
// Start is when the process appeared: the time of the clone event that
// created it or, for a process whose creation the trace does not hold
// (the traced program, a process attached to, one whose parent a filter
// left out), of its first event. JSON outputs carry it as start_ns beside
// pid (process_start_ns in objects that are not processes).
type Process struct {
	// Start is when the process appeared, in nanoseconds since the trace
	// start.
	Start int64
	// Pid is the process id (thread-group id).
	Pid int32
	// Serial numbers the processes of one walk in order of appearance,
	// from 1; unlike a pid it is never reused. 0 means no process.
	Serial uint32
}

// Program is a program a process runs, as an exec event names it.
type Program struct {
	// Path is the program's file as execve named it.
	Path string
	// Argv is its arguments, argv[0] first.
	Argv []string
}

// ProcessInfo is what a walk knows of a live process beside its identity.
type ProcessInfo struct {
	// Parent is the process that created it, which may have ended since;
	// its Serial is 0 when the trace does not hold the creation (the
	// traced program, a process attached to, one first seen from its own
	// events).
	Parent Process
	// Program is the program it runs: the one its last exec ran, else
	// the one its attach event names, else its parent's when it was
	// created; nil when the trace does not say. Each exec makes a new
	// Program, so a caller can keep what it derives from one until the
	// pointer changes. It must not be modified.
	Program *Program
}

// proc is the walker's state for one process.
type proc struct {
	id     Process
	parent *proc
	prog   *Program
	// ended is set when the process's exit was read, or when a process
	// with the same pid was created although no exit was read.
	ended bool
	// picked and inTree are the filter's decisions (-p, --pid-tree),
	// made when the process appears; comm says it runs a program --comm
	// names.
	picked, inTree, comm bool
}

// Process returns the process that pid names at the event being walked:
// during a Visitor call, the process of that event, and for a clone event
// the new process its child names. The Serial of the result is 0 when no
// process with that pid is alive.
func (w *Walker) Process(pid int32) Process {
	if p := w.procs[pid]; p != nil {
		return p.id
	}
	return Process{Pid: pid}
}

// ProcessInfo returns what the walk knows of process p at the event
// being walked (p is a Call's Proc or what Process returned): its parent
// and its program. During an exec event's Visitor call the program is the
// new one; a call the exec cut short still sees the old one. It is zero
// for a process that is no longer live.
func (w *Walker) ProcessInfo(p Process) ProcessInfo {
	q := w.procs[p.Pid]
	if q == nil || q.id.Serial != p.Serial {
		return ProcessInfo{}
	}
	info := ProcessInfo{Program: q.prog}
	if q.parent != nil {
		info.Parent = q.parent.id
	}
	return info
}

// Processes returns how many processes the walk has seen so far: a pid
// counts once per lifetime, as a trailer counts them.
func (w *Walker) Processes() int { return int(w.serial) }

// Threads returns how many threads the walk has seen so far, a tid once
// per lifetime.
func (w *Walker) Threads() int { return w.nthreads }

// eventPid returns the process id of e; 0 means the thread's own.
func eventPid(e *format.Event) int32 {
	if e.Pid != 0 {
		return e.Pid
	}
	return e.Tid
}

// procOf returns the live process pid, creating it as first seen at t (a
// process whose creation the trace does not hold).
func (w *Walker) procOf(pid int32, t int64, tid int32) *proc {
	if p := w.procs[pid]; p != nil {
		return p
	}
	if w.fds != nil {
		// A table left by an earlier process with this pid, whose exit
		// the trace does not hold, is not this process's.
		w.fds.exit(pid)
	}
	return w.newProc(pid, t, nil, tid)
}

// newProc starts process pid at t, created by parent (nil when unknown)
// from its thread tid. A live process with the same pid ends: its exit
// is not in the trace (a filtered trace, or one that lost it).
func (w *Walker) newProc(pid int32, t int64, parent *proc, tid int32) *proc {
	if old := w.procs[pid]; old != nil {
		old.ended = true
	}
	w.serial++
	p := &proc{id: Process{Pid: pid, Start: t, Serial: w.serial}, parent: parent}
	if parent != nil {
		p.prog = parent.prog
	}
	if w.filter != nil {
		w.filter.admit(p, tid)
	}
	w.procs[pid] = p
	return p
}

// endProc forgets process p after its exit was walked.
func (w *Walker) endProc(p *proc) {
	p.ended = true
	if w.procs[p.id.Pid] == p {
		delete(w.procs, p.id.Pid)
	}
}

// bind returns the process of thread tid for an event of process pid (0:
// the thread's own), binding th, the thread's state, to it: a thread
// whose process ended (a tid whose thread died unseen and was reused) or
// changed gets the live one. Walker.enter checks th.proc itself first, on
// the path of every call.
func (w *Walker) bind(th *thread, pid int32, t int64, tid int32) *proc {
	if p := th.proc; p != nil && !p.ended && (p.id.Pid == pid || pid == 0) {
		return p
	}
	if pid == 0 {
		pid = tid
	}
	th.proc = w.procOf(pid, t, tid)
	return th.proc
}

// run records that process p runs the program exec or attach event e
// names.
func (p *proc) run(e *format.Event) {
	p.prog = &Program{Path: e.Exec.Path, Argv: slices.Clone(e.Exec.Argv)}
}
