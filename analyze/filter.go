package analyze

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// FilterOptions is a filter as the user wrote it on the command line. The
// zero value keeps everything.
type FilterOptions struct {
	// Exprs are -e qualifiers: "trace=SET", "status=LIST", or a bare SET
	// (strace's shorthand for trace=SET).
	Exprs []string
	// Pids keep the threads and processes with these ids: "1234" keeps
	// every process that had pid 1234 (pids are reused) and every thread
	// that had tid 1234; "1234@1.5s" only the process 1234 that started
	// then (the first with that pid to start at or after that offset from
	// the trace start, in the forms Since takes; see ParsePid).
	Pids []string
	// PidTrees keep these processes, in the forms Pids takes, and their
	// descendants.
	PidTrees []string
	// Comms keep the processes running a program of this name (the
	// kernel's comm: the executable's base name, or argv[0]'s); each is a
	// path.Match pattern. A process is kept from the exec that gives it
	// the name, that execve call included.
	Comms []string
	// Paths keep calls that name a matching path, directly or through an
	// fd; each is a path.Match pattern.
	Paths []string
	// Since and Until keep what happened in a window of time from the
	// trace start: "1.5s", "200ms", or plain seconds ("2.5").
	Since, Until string
}

// Filter selects calls and events of a trace. It is one type for every
// reading command; it also follows the process tree as a trace is read, so
// use a Filter for one walk only (Clone returns a fresh one).
type Filter struct {
	tab      *sysent.Table
	opts     FilterOptions
	set      sysent.Set
	hasSet   bool
	status   Status
	byProc   bool
	pids     []pidSpec
	tree     []pidSpec
	comms    []*commSel
	paths    []string
	since    int64
	until    int64
	hasUntil bool
	// signals is the -e signal= set, bit N for signal N.
	signals    uint64
	hasSignals bool
	// named are the syscalls a -e trace= list names, with whether the
	// trace had a call of each; warnings are what parsing found to say.
	named    []namedCall
	warnings []string

	// pathSeen says which paths matched a call; unseenPaths counts
	// those that have not yet.
	pathSeen    []bool
	unseenPaths int
}

// commSel is a --comm pattern, and whether a process matched it.
type commSel struct {
	pattern string
	seen    bool
}

// namedCall is a syscall named in -e trace=, and whether a call of it was
// in the trace.
type namedCall struct {
	name string
	nr   int32
	seen bool
}

// ParseFilter checks opts against syscall table tab and returns the
// filter. Errors are one line and name the flag at fault.
func ParseFilter(tab *sysent.Table, opts FilterOptions) (*Filter, error) {
	f := &Filter{tab: tab, opts: opts, status: statusAll}
	for _, e := range opts.Exprs {
		key, val, ok := strings.Cut(e, "=")
		if !ok {
			key, val = "trace", e
		}
		switch key {
		case "trace", "t":
			val, err := f.checkNames(tab, e, val)
			if err != nil {
				return nil, err
			}
			s, err := sysent.ParseSet(tab, val)
			if err != nil {
				return nil, fmt.Errorf("-e %s: %w", e, err)
			}
			if f.hasSet && !strings.HasPrefix(val, "!") && !strings.HasPrefix(f.set.String(), "!") {
				// Later lists add to earlier ones, as in strace; a
				// negated list replaces what came before.
				if merged, err := sysent.ParseSet(tab, f.set.String()+","+val); err == nil {
					s = merged
				}
			}
			f.set, f.hasSet = s, true
		case "status":
			st, err := parseStatus(val)
			if err != nil {
				return nil, fmt.Errorf("-e %s: %w", e, err)
			}
			f.status = st
		case "signal", "signals", "s":
			set, err := parseSignalSet(val)
			if err != nil {
				return nil, fmt.Errorf("-e %s: %w", e, err)
			}
			f.signals, f.hasSignals = set, true
		default:
			return nil, fmt.Errorf("-e %s: unknown qualifier %q (want trace=, status=, signal= or quiet=)", e, key)
		}
	}
	if err := f.parseSelection(opts); err != nil {
		return nil, err
	}
	return f, nil
}

// Check reports the errors ParseFilter would find in the options that do
// not depend on a trace's syscall table (all but -e), so that a command can
// reject bad flags before it opens a trace.
func (o FilterOptions) Check() error {
	return new(Filter).parseSelection(o)
}

// parseSelection parses the options other than -e into f.
func (f *Filter) parseSelection(opts FilterOptions) error {
	var err error
	if f.pids, err = parsePids("-p", opts.Pids); err != nil {
		return err
	}
	if f.tree, err = parsePids("--pid-tree", opts.PidTrees); err != nil {
		return err
	}
	for _, c := range opts.Comms {
		if _, err := path.Match(c, ""); err != nil || c == "" {
			return fmt.Errorf("--comm %q: not a program name or pattern", c)
		}
		f.comms = append(f.comms, &commSel{pattern: c})
	}
	f.byProc = f.pids != nil || f.tree != nil || f.comms != nil
	for _, p := range opts.Paths {
		if p == "" {
			return errors.New(`--path "": an empty name matches no path`)
		}
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("--path %q: %w", p, err)
		}
		f.paths = append(f.paths, p)
	}
	f.pathSeen, f.unseenPaths = make([]bool, len(f.paths)), len(f.paths)
	if opts.Since != "" {
		if f.since, err = parseOffset(opts.Since); err != nil {
			return fmt.Errorf("--since %q: %w", opts.Since, err)
		}
	}
	if opts.Until != "" {
		if f.until, err = parseOffset(opts.Until); err != nil {
			return fmt.Errorf("--until %q: %w", opts.Until, err)
		}
		f.hasUntil = true
		if f.until < f.since {
			return fmt.Errorf("--until %s is before --since %s", opts.Until, opts.Since)
		}
	}
	return nil
}

// Clone returns a filter with the same options and a fresh process tree.
func (f *Filter) Clone() *Filter {
	g, _ := ParseFilter(f.tab, f.opts)
	return g
}

// IsZero reports whether the filter keeps everything.
func (f *Filter) IsZero() bool {
	return f == nil || (!f.hasSet && f.status == statusAll && !f.byProc && !f.hasSignals &&
		len(f.paths) == 0 && f.since == 0 && !f.hasUntil)
}

// TraceSet returns the -e trace= set and whether one was given. Repeated
// qualifiers are already merged, so a recorder that applies the filter live
// takes this one set.
func (f *Filter) TraceSet() (sysent.Set, bool) { return f.set, f.hasSet }

// SelectsCalls reports whether the filter keeps some calls of a process
// and not others (-e trace=, -e status=, -P), rather than whole processes
// or a window of time.
func (f *Filter) SelectsCalls() bool {
	return f != nil && (f.hasSet || f.status != statusAll || len(f.paths) > 0)
}

// NeedsResult reports whether the filter decides on a call only at its
// exit (-e status=).
func (f *Filter) NeedsResult() bool { return f != nil && f.status != statusAll }

// String returns the filter as command-line flags, for the record of a
// derived trace: "-e trace=%file -p 42 --since 1.5s".
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	var parts []string
	for _, e := range f.opts.Exprs {
		if !strings.Contains(e, "=") {
			e = "trace=" + e
		}
		parts = append(parts, "-e "+e)
	}
	for _, p := range f.opts.Pids {
		parts = append(parts, "-p "+p)
	}
	for _, p := range f.opts.PidTrees {
		parts = append(parts, "--pid-tree "+p)
	}
	for _, c := range f.opts.Comms {
		parts = append(parts, "--comm "+c)
	}
	for _, p := range f.opts.Paths {
		parts = append(parts, "-P "+p)
	}
	if f.opts.Since != "" {
		parts = append(parts, "--since "+f.opts.Since)
	}
	if f.opts.Until != "" {
		parts = append(parts, "--until "+f.opts.Until)
	}
	return strings.Join(parts, " ")
}

var statusNames = []struct {
	name string
	st   Status
}{
	{"successful", StatusSuccessful}, {"failed", StatusFailed}, {"unfinished", StatusUnfinished},
	{"unavailable", StatusUnavailable}, {"detached", StatusDetached},
}

// parseStatus parses strace's -e status= list, with "!" negation, "all"
// and "none".
func parseStatus(s string) (Status, error) {
	body, neg := strings.CutPrefix(s, "!")
	var st Status
	for _, tok := range strings.Split(body, ",") {
		switch tok {
		case "":
			continue
		case "all":
			st = statusAll
			continue
		case "none":
			continue
		}
		found := false
		for _, n := range statusNames {
			if n.name == tok {
				st |= n.st
				found = true
			}
		}
		if !found {
			var names []string
			for _, n := range statusNames {
				names = append(names, n.name)
			}
			hint := DidYouMean(tok, names)
			if hint == "" {
				hint = " (want successful, failed, unfinished, unavailable or detached)"
			}
			return 0, fmt.Errorf("unknown status %q%s", tok, hint)
		}
	}
	if neg {
		st = statusAll &^ st
	}
	return st, nil
}

// parseOffset parses a time offset: a Go duration ("1.5s", "200ms") or
// plain seconds ("2", "0.25").
func parseOffset(s string) (int64, error) {
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return 0, fmt.Errorf("negative offset")
		}
		return int64(d), nil
	}
	sec, err := strconv.ParseFloat(s, 64)
	if err != nil || sec < 0 {
		return 0, fmt.Errorf("not a time offset (want e.g. 1.5s, 200ms or 2.5)")
	}
	return int64(sec * 1e9), nil
}

// pidSpec is one -p or --pid-tree value: a pid, the start of the one
// process meant when the value names one, and whether the trace had what
// it names.
type pidSpec struct {
	pid      int32
	start    int64
	hasStart bool
	// matched is set once a spec with a start has picked its process.
	matched bool
	seen    bool
}

// parsePids parses the values of flag: "PID" or "PID@START".
func parsePids(flag string, vals []string) ([]pidSpec, error) {
	var specs []pidSpec
	for _, v := range vals {
		pid, start, hasStart, err := ParsePid(v)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", flag, v, err)
		}
		specs = append(specs, pidSpec{pid: pid, start: start, hasStart: hasStart})
	}
	return specs, nil
}

// ParsePid parses a -p or --pid-tree value: "PID", every process that had
// that pid, or "PID@START", the first process with that pid to start at or
// after START (Process.Start), an offset from the trace start in the forms
// FilterOptions.Since takes.
func ParsePid(s string) (pid int32, start int64, hasStart bool, err error) {
	pidStr, startStr, hasStart := strings.Cut(s, "@")
	p, err := strconv.ParseInt(pidStr, 10, 32)
	if err != nil || p <= 0 {
		return 0, 0, false, errors.New("not a process id (want PID or PID@START, e.g. 1234 or 1234@1.5s)")
	}
	if hasStart {
		if start, err = parseOffset(startStr); err != nil {
			return 0, 0, false, fmt.Errorf("start %q: %w", startStr, err)
		}
	}
	return int32(p), start, hasStart, nil
}

// matchProc reports whether one of specs names process p, and marks a
// spec with a start as used by it: it names one process only.
func matchProc(specs []pidSpec, p *Process) bool {
	found := false
	for i := range specs {
		sp := &specs[i]
		switch {
		case sp.pid != p.Pid:
		case !sp.hasStart:
			found = true
		case !sp.matched && p.Start >= sp.start:
			sp.matched, found = true, true
		}
	}
	return found
}

// matchTid reports whether one of specs names thread tid: a spec without
// a start names every thread that had that id.
func matchTid(specs []pidSpec, tid int32) bool {
	found := false
	for i := range specs {
		if sp := &specs[i]; sp.pid == tid && !sp.hasStart {
			sp.seen, found = true, true
		}
	}
	return found
}

// markSeen notes that the trace had the process a spec names.
func markSeen(specs []pidSpec, p *Process) {
	for i := range specs {
		if sp := &specs[i]; sp.pid == p.Pid && (!sp.hasStart || sp.matched) {
			sp.seen = true
		}
	}
}

// admit decides on process p as it appears, created by its parent's
// thread tid: -p keeps it when it names it, --pid-tree when it names it or
// its parent, or the thread that created it, is kept, --comm when its
// parent ran a program it names (until p execs).
func (f *Filter) admit(p *proc, tid int32) {
	if f.pids != nil {
		p.picked = matchProc(f.pids, &p.id)
	}
	if f.tree != nil {
		p.inTree = matchProc(f.tree, &p.id) ||
			(p.parent != nil && (p.parent.inTree || matchTid(f.tree, tid)))
	}
	if f.comms != nil && p.parent != nil {
		p.comm = p.parent.comm
	}
}

// procOK reports whether the filter keeps thread tid of process p.
func (f *Filter) procOK(tid int32, p *proc) bool {
	if !f.byProc {
		return true
	}
	switch {
	case p.picked:
		markSeen(f.pids, &p.id)
	case p.inTree:
		markSeen(f.tree, &p.id)
	case p.comm:
	default:
		return matchTid(f.pids, tid) || matchTid(f.tree, tid)
	}
	return true
}

// timeOK reports whether t is inside the time window.
func (f *Filter) timeOK(t int64) bool {
	return t >= f.since && (!f.hasUntil || t <= f.until)
}

// statusOK reports whether a call that ended with st is kept.
func (f *Filter) statusOK(st Status) bool { return f.status&st != 0 }

// exec follows the programs processes run, for --comm: process p runs
// the program of exec e from now on.
func (f *Filter) exec(e *format.Event, p *proc) {
	if f.comms == nil {
		return
	}
	var argv0 string
	if len(e.Exec.Argv) > 0 {
		argv0 = e.Exec.Argv[0]
	}
	p.comm = f.matchComm(e.Exec.Path, argv0)
}

// matchComm reports whether a program run from path (argv[0] argv0)
// matches a --comm pattern, by its base name or the kernel's 15-byte comm.
func (f *Filter) matchComm(file, argv0 string) bool {
	ok := false
	for _, c := range f.comms {
		for _, name := range [...]string{path.Base(file), path.Base(argv0)} {
			comm := name
			if len(comm) > 15 {
				comm = comm[:15]
			}
			if m, _ := path.Match(c.pattern, name); m || (name != "" && (c.pattern == comm || c.pattern == name)) {
				c.seen, ok = true, true
			}
		}
	}
	return ok
}

// keepEvent decides on an event of process p that is not a syscall.
func (f *Filter) keepEvent(e *format.Event, p *proc) bool {
	if f.hasSignals && (e.Kind == format.KindSignal || e.Kind == format.KindStop) &&
		(e.Signal.Signo < 1 || e.Signal.Signo > 64 || f.signals&(1<<(e.Signal.Signo-1)) == 0) {
		return false
	}
	return f.procOK(e.Tid, p) && f.timeOK(e.Time)
}

// keepEnter decides on a call of process p at its entry: keep says
// whether it may be kept, deferred that the decision waits for its result.
func (f *Filter) keepEnter(c *Call, p *proc, fds *fdTracker) (keep, deferred bool) {
	e := c.Enter
	if !f.procOK(c.Tid, p) && !f.execsComm(c) || !f.timeOK(e.Time) {
		return false, false
	}
	if f.hasSet && !f.set.Has(int(c.Nr)) {
		return false, false
	}
	for i := range f.named {
		if f.named[i].nr == c.Nr {
			f.named[i].seen = true
		}
	}
	if len(f.paths) > 0 && !f.pathOK(c, fds) {
		return false, false
	}
	return true, f.status != statusAll
}

// execsComm reports whether c is an execve of a program --comm selects:
// the call that gives the process its name is kept with what follows.
func (f *Filter) execsComm(c *Call) bool {
	if f.comms == nil || (c.Name != "execve" && c.Name != "execveat") {
		return false
	}
	p := captureData(c.Enter, int(c.info.pathArg), format.CaptureString)
	return p != nil && f.matchComm(string(p), "")
}

// keepOrphanExit decides on an exit of process p whose enter is not in
// the trace.
func (f *Filter) keepOrphanExit(c *Call, p *proc) bool {
	if !f.procOK(c.Tid, p) || !f.timeOK(c.EndTime) || !f.statusOK(c.Status) {
		return false
	}
	if f.hasSet && !f.set.Has(int(c.Nr)) {
		return false
	}
	return len(f.paths) == 0
}

// pathOK reports whether call c names a path matching the filter, as a
// path argument or through an fd argument. While some pattern has matched
// no call yet, it looks at every path of a call that matches, for
// Unmatched.
func (f *Filter) pathOK(c *Call, fds *fdTracker) bool {
	ci := c.info
	ok := false
	for _, a := range [2]int8{ci.pathArg, ci.pathArg2} {
		if a < 0 {
			continue
		}
		p := captureData(c.Enter, int(a), format.CaptureString)
		if p == nil {
			continue
		}
		if f.matchPath(string(p)) {
			if ok = true; f.unseenPaths == 0 {
				return true
			}
		}
		if fds != nil && (len(p) == 0 || p[0] != '/') {
			ft := fds.table(c.Pid)
			abs := fds.resolve(ft, int64(int32(c.Enter.Args[0])), ci.dirfdArg >= 0, p, c.Start())
			if f.matchPath(abs) {
				if ok = true; f.unseenPaths == 0 {
					return true
				}
			}
		}
	}
	if fds == nil || c.info.sys == nil {
		return ok
	}
	for i, a := range c.info.sys.Args {
		if i >= 6 || (a.Kind != sysent.ArgFD && a.Kind != sysent.ArgDirFD) {
			continue
		}
		// The path the calls named or, as strace -P also resolves
		// it, the one the kernel reports.
		if e := fds.lookup(c.Pid, int64(int32(c.Enter.Args[i])), c.Start()); e != nil {
			if m := e.path != "" && f.matchPath(e.path); m || (e.link != "" && f.matchPath(e.link)) {
				if ok = true; f.unseenPaths == 0 {
					return true
				}
			}
		}
	}
	return ok
}

// matchPath reports whether p matches a pattern, and marks each pattern it
// matches as seen.
func (f *Filter) matchPath(p string) bool {
	ok := false
	for i, pat := range f.paths {
		m := pat == p
		if !m {
			m, _ = path.Match(pat, p)
		}
		if m {
			ok = true
			if !f.pathSeen[i] {
				f.pathSeen[i] = true
				f.unseenPaths--
			}
		}
	}
	return ok
}
