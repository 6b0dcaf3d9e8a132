package replay

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/sysent"
)

// Options configure a replay.
type Options struct {
	// Hooks run over the recorded calls in this order, as trec record
	// runs them live.
	Hooks []hook.Hook
	// Filter selects the calls the hooks see, as if the recording had
	// kept only those (inject's when= counts only them); nil for all.
	// The fd tables and working directories follow every call whatever
	// it selects.
	Filter *analyze.Filter
	// Root is the directory under which symbolic links are read from the
	// file system: "/" for this machine's. "" means "/" when the trace
	// was recorded on this host, and no links at all otherwise (see the
	// package documentation).
	Root string
	// Host is this machine's host name, compared with the trace
	// header's; "" means os.Hostname's.
	Host string
	// Name names the trace in the output.
	Name string
	// Print says how the calls are printed, as trec dump prints them;
	// with Print.JSON the whole output is one JSON object.
	Print analyze.DumpOptions
}

// Result sums up a replay.
type Result struct {
	// Seen counts the calls the hooks saw.
	Seen uint64
	// Changed counts the calls a hook would have changed; Undecidable
	// those a hook could not decide. A call can be both.
	Changed     uint64
	Undecidable uint64
	// Incomplete says, a line each, what makes the trace an incomplete
	// witness of what the program did: calls the hooks act on that the
	// recording did not keep, a trace cut short.
	Incomplete []string
	// Counts are the hooks' counts, as hook.Chain.Counts returns them.
	Counts []hook.Count
}

// Run reads the events of a trace with header h from src, runs
// opts.Hooks over its calls and writes what they would have changed to
// out, then the counts per hook and per rule. The error is nil when src
// was read to its end (a trace cut short is named in Result.Incomplete);
// otherwise it is the error that stopped the reading or the writing.
func Run(src analyze.EventSource, h *format.Header, out io.Writer, opts Options) (Result, error) {
	r, err := newReplayer(h, out, opts)
	if err != nil {
		return Result{}, err
	}
	rerr := r.walk(src)
	switch {
	case errors.Is(rerr, io.EOF):
	case errors.Is(rerr, format.ErrTruncated):
		r.res.Incomplete = append(r.res.Incomplete,
			fmt.Sprintf("the trace is cut short after %d events: what the program did after the cut is not in it", r.w.Read()))
	default:
		r.out.abort()
		return r.res, rerr
	}
	r.res.Counts = r.chain.Counts()
	if err := r.out.finish(&r.res); err != nil {
		return r.res, fmt.Errorf("write: %w", err)
	}
	return r.res, nil
}

// replayer is the Visitor that runs the hooks over the calls a Walker
// pairs.
type replayer struct {
	tab     *sysent.Table
	chain   *hook.Chain
	w       *analyze.Walker
	links   *links
	call    recordedCall
	out     *report
	threads map[int32]*thread
	// started is set once the trace's first program runs: the execve
	// that started it was the recorder's, which hooks never see.
	started bool
	// stateLost says why the fd tables and working directories cannot be
	// trusted; "" when they can. whole is set when the trace holds every
	// call of its processes from their start, so that an fd missing from
	// a complete table is closed.
	stateLost string
	whole     bool
	// tracked has the syscalls links.track follows; made holds, per
	// thread, the enter event of such a call in progress.
	tracked []bool
	made    map[int32]*format.Event
	res     Result
}

// thread is the replay's state of one thread in a call the hooks selected.
type thread struct {
	// proc is the Serial of the thread's process (analyze.Process) when
	// the hooks last saw a call of it.
	proc   uint32
	active bool
	// The entry's Decision: what Chain.Exit needs and what the report
	// prints.
	hooks uint64
	skip  bool
	ret   int64
	steps []hook.Step
	errs  []hook.Step
	// The call's result before the recording's own hooks changed it at
	// the exit, when they did.
	recOld    int64
	recOldSet bool
}

func newReplayer(h *format.Header, out io.Writer, opts Options) (*replayer, error) {
	w, err := analyze.NewWalker(h, opts.Filter, analyze.WalkerOptions{TrackFDs: true})
	if err != nil {
		return nil, err
	}
	tab := w.Table()
	chain, err := hook.NewChain(tab, opts.Hooks...)
	if err != nil {
		return nil, err
	}
	r := &replayer{tab: tab, chain: chain, w: w, threads: map[int32]*thread{},
		made: map[int32]*format.Event{}, tracked: make([]bool, tab.Max())}
	r.call.r = r
	r.links = newLinks(linkRoot(h, opts))
	for _, name := range []string{"symlink", "symlinkat", "unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2"} {
		if sc, ok := tab.ByName(name); ok {
			r.tracked[sc.Nr] = true
		}
	}
	r.started = len(h.GetAttached()) > 0
	r.res.Incomplete, r.stateLost = gaps(h, tab, chain)
	r.whole = len(h.GetAttached()) == 0 && h.GetOptions().GetFilter() == "" && r.stateLost == ""
	r.out = newReport(out, w, h, opts, chain)
	if err := r.out.start(); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return r, nil
}

// linkRoot returns the directory under which the file system's links are
// read, "" for none, and when none, why.
func linkRoot(h *format.Header, opts Options) (root, why string) {
	if opts.Root != "" {
		return opts.Root, ""
	}
	host := opts.Host
	if host == "" {
		host, _ = os.Hostname()
	}
	if rec := h.GetHostname(); rec != "" && rec == host {
		return "/", ""
	}
	return "", fmt.Sprintf("the trace was recorded on host %q, not on this one (%q); --root reads links from a copy of its file system",
		h.GetHostname(), host)
}

// gaps returns what makes a trace with header h an incomplete witness for
// the hooks of chain, and why its fd tables and working directories may
// be stale ("" when they are not).
func gaps(h *format.Header, tab *sysent.Table, chain *hook.Chain) (incomplete []string, stateLost string) {
	opts := h.GetOptions()
	if f := opts.GetFilter(); f != "" {
		kept, err := sysent.ParseSet(tab, f)
		if err != nil {
			return []string{fmt.Sprintf("the recording kept only -e trace=%s, which this trec cannot read: %v", f, err)},
				"the recording's -e trace= is unknown"
		}
		nrs, _ := chain.Syscalls()
		if miss := missing(tab, kept, nrs); miss != "" {
			incomplete = append(incomplete, fmt.Sprintf("the recording kept only -e trace=%s: calls of %s that the hooks act on are not in it", f, miss))
		}
		if miss := missing(tab, kept, analyze.StateSyscalls(tab)); miss != "" {
			stateLost = fmt.Sprintf("the recording kept only -e trace=%s, without %s", f, miss)
		}
	}
	for _, d := range opts.GetDerivedFilters() {
		if d == "all" {
			continue
		}
		incomplete = append(incomplete, fmt.Sprintf("the trace was thinned by trec filter %s: the calls it left out are not in it", d))
		stateLost = "the trace was thinned by trec filter " + d
	}
	if len(h.GetAttached()) > 0 {
		incomplete = append(incomplete, "the recording attached to running processes (trec record -p): the calls in progress at the attach began before it, and no hook saw them")
	}
	return incomplete, stateLost
}

// missing names the syscalls of nrs that kept lacks, the first few of
// them: "" when it has them all.
func missing(tab *sysent.Table, kept sysent.Set, nrs []int) string {
	const show = 6
	var names []string
	n := 0
	for _, nr := range nrs {
		if kept.Has(nr) {
			continue
		}
		if n++; n <= show {
			names = append(names, tab.Name(nr))
		}
	}
	s := strings.Join(names, ", ")
	if n > show {
		s += fmt.Sprintf(" and %d more", n-show)
	}
	return s
}

// walk reads src to its end and returns the error that ended it.
func (r *replayer) walk(src analyze.EventSource) error {
	for {
		e, err := src.Next()
		if err != nil {
			r.w.Finish(r)
			return err
		}
		r.step(e)
		if r.out.err != nil {
			return r.out.err
		}
	}
}

// step follows what the walker does not, then walks e.
func (r *replayer) step(e *format.Event) {
	switch e.Kind {
	case format.KindSyscallEnter:
		if th := r.threads[e.Tid]; th != nil {
			th.recOldSet = false
		}
		if r.isTracked(e.Nr) {
			ev := e.Copy()
			r.made[e.Tid] = &ev
		}
	case format.KindSyscallExit:
		if enter := r.made[e.Tid]; enter != nil {
			delete(r.made, e.Tid)
			if enter.Nr == e.Nr && e.Ret == 0 {
				sc := r.tab.Lookup(int(e.Nr))
				r.call.set(e.Tid, enter.Pid, e.Nr, sc, enter, true, e.Ret, e.Captures)
				r.links.track(&r.call, sc.Name)
			}
		}
	case format.KindHook:
		if th := r.thread(e.Tid); e.Hook.Op == format.HookSetRet && e.Hook.Exit && !th.recOldSet {
			th.recOld, th.recOldSet = int64(e.Hook.OldValue), true
		}
	case format.KindExec:
		r.started = true
		if old := e.Exec.OldTid; old != 0 && old != e.Tid {
			// The thread that called execve goes on as the leader.
			if th := r.threads[old]; th != nil {
				r.threads[e.Tid] = th
				delete(r.threads, old)
			}
		}
	}
	r.w.Step(e, r)
	if e.Kind == format.KindExit {
		r.chain.ThreadExited(int(e.Tid))
		delete(r.threads, e.Tid)
		delete(r.made, e.Tid)
	}
}

func (r *replayer) isTracked(nr int32) bool {
	return nr >= 0 && int(nr) < len(r.tracked) && r.tracked[nr]
}

func (r *replayer) thread(tid int32) *thread {
	th := r.threads[tid]
	if th == nil {
		th = &thread{}
		r.threads[tid] = th
	}
	return th
}

// SyscallEnter runs the hooks at the entry of a call they select.
func (r *replayer) SyscallEnter(c *analyze.Call) {
	if c.Enter == nil || !r.chain.Selects(int(c.Nr)) {
		if th := r.threads[c.Tid]; th != nil {
			th.active = false
		}
		return
	}
	th := r.thread(c.Tid)
	th.active = false
	if th.proc != c.Proc.Serial {
		if th.proc != 0 {
			// The tid is another process's now, and the trace lacks
			// the old one's end: the hooks forget the thread as at
			// its exit.
			r.chain.ThreadExited(int(c.Tid))
		}
		th.proc = c.Proc.Serial
	}
	if !r.started && c.Sys != nil && (c.Sys.Name == "execve" || c.Sys.Name == "execveat") {
		return
	}
	r.call.set(c.Tid, c.Pid, c.Nr, c.Sys, c.Enter, false, 0, nil)
	d := r.chain.Enter(&r.call)
	r.res.Seen++
	th.active = true
	th.hooks, th.skip, th.ret = d.Hooks, d.Skip, d.Ret
	th.steps = append(th.steps[:0], d.Steps...)
	th.errs = append(th.errs[:0], d.Errs...)
}

// SyscallExit runs the hooks at the exit of a call they selected at its
// entry, and reports the call when they changed it or could not decide.
func (r *replayer) SyscallExit(c *analyze.Call) {
	if !c.Announced && c.Enter != nil {
		// A filter that needs the result (-e status=) decides at the
		// exit: the entry's hooks run now.
		r.SyscallEnter(c)
	}
	th := r.threads[c.Tid]
	if th == nil || !th.active {
		return
	}
	th.active = false
	ret := r.programRet(th, c)
	if th.skip {
		ret = th.ret
	}
	var exit *hook.Decision
	if c.Exit != nil || th.skip {
		// A skipped call returns at once, whether or not the recorded
		// one did.
		var out []format.Capture
		if c.Exit != nil && !th.skip {
			out = c.Exit.Captures
		}
		r.call.set(c.Tid, c.Pid, c.Nr, c.Sys, c.Enter, true, ret, out)
		exit = r.chain.Exit(&r.call, th.hooks)
	}
	changed := len(th.steps) > 0 || exit != nil && exit.Changes()
	undecided := len(th.errs) > 0 || exit != nil && len(exit.Errs) > 0
	if !changed && !undecided {
		return
	}
	if changed {
		r.res.Changed++
	}
	if undecided {
		r.res.Undecidable++
	}
	r.out.call(c, th, exit, ret)
}

// Event implements analyze.Visitor; step follows what the hooks need of
// the other events.
func (r *replayer) Event(*format.Event) {}

// programRet returns the result the kernel gave the call as the program
// made it: before the recording's own hooks changed it.
func (r *replayer) programRet(th *thread, c *analyze.Call) int64 {
	switch {
	case c.Exit == nil:
		return 0
	case th.recOldSet:
		return th.recOld
	}
	return c.Exit.Ret
}

func (r *replayer) cwd(pid int32) (string, error) {
	if r.stateLost != "" {
		return "", fmt.Errorf("working directory: %s: %w", r.stateLost, hook.ErrUnavailable)
	}
	s, ok := r.w.Cwd(pid)
	if !ok {
		return "", fmt.Errorf("the working directory of process %d is not in the recording: %w", pid, hook.ErrUnavailable)
	}
	return s, nil
}

func (r *replayer) fdPath(pid int32, fd int) (string, error) {
	if r.stateLost != "" {
		return "", fmt.Errorf("%s: %w", r.stateLost, hook.ErrUnavailable)
	}
	info, ok := r.w.FD(pid, int64(fd))
	if !ok && r.whole && r.w.FDClosed(pid, int64(fd)) {
		return "", syscall.EBADF
	}
	if !ok || info.Target == "" || info.Kind == analyze.FDFile && info.Target[0] != '/' {
		// A file known only by a name relative to what the trace does
		// not know is unknown too.
		return "", fmt.Errorf("what it refers to in process %d is not in the recording: %w", pid, hook.ErrUnavailable)
	}
	if info.Deleted {
		return info.Target + " (deleted)", nil
	}
	return info.Target, nil
}
