package analyze

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// StatsOptions shape a stats report.
type StatsOptions struct {
	// SortBy orders the syscall table and the sections: "time" (the
	// default), "calls", "errors", "name", or "none" (syscall number).
	SortBy string
	// Top limits every section to its first N rows, counting the rest
	// in Report.Omitted; 0 keeps every row (and 10 slowest calls).
	Top int
	// CallingOnly lists only the processes that made a kept call, and
	// their ancestors: with a filter on calls, the others are noise.
	CallingOnly bool
}

// sortKeys are the -S values, with strace's aliases.
var sortKeys = map[string]string{
	"time": "time", "time_total": "time", "time-total": "time", "total_time": "time",
	"total-time": "time", "time_percent": "time", "time-percent": "time", "seconds": "time",
	"calls": "calls", "count": "calls", "errors": "errors", "error": "errors",
	"name": "name", "syscall": "name", "syscall_name": "name", "syscall-name": "name",
	"none": "none", "nothing": "none",
}

// ParseSortBy checks a -S value and returns its canonical name.
func ParseSortBy(s string) (string, error) {
	if s == "" {
		return "time", nil
	}
	if k, ok := sortKeys[s]; ok {
		return k, nil
	}
	return "", fmt.Errorf("invalid sort key %q (want time, calls, errors, name or none)", s)
}

// sysCount accumulates one syscall's calls.
type sysCount struct {
	calls, errors uint64
	ns            int64
}

// procStat accumulates one process.
type procStat struct {
	id Process
	// parent is the parent, which may have ended; Serial 0 when unknown.
	parent  Process
	end     int64
	ended   bool
	exit    format.Exit
	execs   []ExecRow
	calls   uint64
	errors  uint64
	threads int
}

// fileStat accumulates the calls on one path.
type fileStat struct {
	calls, errors, opens    uint64
	ns                      int64
	bytesRead, bytesWritten uint64
}

// failKey is a failed path: the path, the syscall and its errno.
type failKey struct {
	path  string
	nr    int32
	errno int32
}

// peerStat accumulates the calls to one network peer.
type peerStat struct {
	calls, errors           uint64
	bytesRead, bytesWritten uint64
	syscalls                []string
}

// signalStat accumulates one signal's deliveries.
type signalStat struct {
	count uint64
	procs []ProcRef
}

// maxSignalPids bounds the pids listed per signal.
const maxSignalPids = 32

// Stats is a Visitor that accumulates what trec stats reports: strace -c's
// syscall table, processes, files, network peers, signals and the slowest
// calls. Memory grows with the number of distinct syscalls, processes,
// paths and peers, not with the trace's length.
type Stats struct {
	w      *Walker
	opts   StatsOptions
	counts []sysCount
	extra  map[int32]*sysCount
	// procs holds every process, by Process.Serial.
	procs   map[uint32]*procStat
	lastP   *procStat
	files   map[string]*fileStat
	failed  map[failKey]uint64
	peers   map[string]*peerStat
	signals map[int32]*signalStat
	slow    []SlowCall
	slowN   int
	scratch []byte
	hooks   hookStats
}

// NewStats returns a Stats for the calls w walks. w should track fds
// (WalkerOptions.TrackFDs) for the files and network sections.
func NewStats(w *Walker, opts StatsOptions) *Stats {
	n := opts.Top
	if n <= 0 {
		n = 10
	}
	return &Stats{
		w: w, opts: opts,
		counts:  make([]sysCount, w.ct.tab.Max()),
		extra:   map[int32]*sysCount{},
		procs:   map[uint32]*procStat{},
		files:   map[string]*fileStat{},
		failed:  map[failKey]uint64{},
		peers:   map[string]*peerStat{},
		signals: map[int32]*signalStat{},
		slowN:   n,
	}
}

// proc returns the statistics of process id, creating them.
func (s *Stats) proc(id Process) *procStat {
	if p := s.lastP; p != nil && p.id.Serial == id.Serial {
		return p
	}
	p := s.procs[id.Serial]
	if p == nil {
		p = &procStat{id: id, threads: 1}
		s.procs[id.Serial] = p
	}
	s.lastP = p
	return p
}

// SyscallEnter implements Visitor; calls are counted when they end.
func (s *Stats) SyscallEnter(*Call) {}

// SyscallExit implements Visitor.
func (s *Stats) SyscallExit(c *Call) {
	if c.Hooks != nil {
		s.hooks.call(c.Name, c.Hooks)
	}
	if c.Enter == nil {
		// strace counts calls at their entry; this one began before the
		// trace.
		return
	}
	var sc *sysCount
	if c.Nr >= 0 && int(c.Nr) < len(s.counts) {
		sc = &s.counts[c.Nr]
	} else {
		sc = s.extra[c.Nr]
		if sc == nil {
			sc = &sysCount{}
			s.extra[c.Nr] = sc
		}
	}
	d := c.Duration()
	failed := c.Exit != nil && IsError(c.Exit.Ret)
	sc.calls++
	sc.ns += d
	if failed {
		sc.errors++
	}
	p := s.proc(c.Proc)
	p.calls++
	if failed {
		p.errors++
	}
	if s.w.fds != nil {
		s.files1(c, d, failed)
	}
	if len(s.slow) < s.slowN || d > s.slow[len(s.slow)-1].DurationNs {
		s.addSlow(c, d)
	}
}

// files1 attributes call c to the path it names or the file its fd
// refers to, and to the network peer it talks to.
func (s *Stats) files1(c *Call, d int64, failed bool) {
	ci := c.info
	fds := s.w.fds
	var fs *fileStat
	if name := fds.argPath(c); name != "" {
		fs = s.file(name)
		if ci.op == fdOpen && !failed {
			fs.opens++
		}
		if failed {
			s.failed[failKey{name, c.Nr, int32(-c.Exit.Ret)}]++
		}
	}
	var e *fdEntry
	fdArg := ci.fdArg
	if fdArg < 0 && fs == nil && ci.dirfdArg >= 0 {
		fdArg = ci.dirfdArg
	}
	if fs == nil && fdArg >= 0 {
		e = fds.lookup(c.Pid, int64(int32(c.Enter.Args[fdArg])), c.Start())
		if e != nil && e.kind == fdFile && e.name() != "" {
			fs = s.file(e.name())
		}
	}
	if fs != nil {
		fs.calls++
		fs.ns += d
		if failed {
			fs.errors++
		}
		if ci.io != ioNone && c.Exit != nil && c.Exit.Ret > 0 {
			if ci.io == ioRead {
				fs.bytesRead += uint64(c.Exit.Ret)
			} else {
				fs.bytesWritten += uint64(c.Exit.Ret)
			}
		}
	}
	// Network peers: a sockaddr argument, or a connected socket.
	var peer string
	if ci.peerArg >= 0 {
		ev := c.Enter
		if ci.peerAtExit {
			ev = c.Exit
		}
		if sa := captureData(ev, int(ci.peerArg), format.CaptureSockaddr); len(sa) >= 2 {
			s.scratch = appendSockaddr(s.scratch[:0], sa)
			peer = fds.str(s.scratch)
		}
	}
	if peer == "" && e != nil && e.kind == fdSock && e.peer != "" && ci.io != ioNone {
		peer = e.peer
	}
	if peer == "" && ci.op == fdAccept {
		// Accepted without an address (accept4(fd, NULL, NULL)): the
		// recorder asked the new socket.
		if s.scratch = acceptedPeer(c, s.scratch[:0]); len(s.scratch) > 0 {
			peer = fds.str(s.scratch)
		}
	}
	if peer == "" {
		return
	}
	ps := s.peers[peer]
	if ps == nil {
		ps = &peerStat{}
		s.peers[peer] = ps
	}
	ps.calls++
	// Event loops connect without blocking (EINPROGRESS says the
	// connection is under way) and read and write until EAGAIN: neither
	// is a network error.
	if failed && !(ci.op == fdConnect && c.Exit.Ret == -errInProgress) && c.Exit.Ret != -errAgain {
		ps.errors++
	}
	if !slices.Contains(ps.syscalls, ci.name) {
		ps.syscalls = append(ps.syscalls, ci.name)
	}
	if ci.io != ioNone && c.Exit != nil && c.Exit.Ret > 0 {
		if ci.io == ioRead {
			ps.bytesRead += uint64(c.Exit.Ret)
		} else {
			ps.bytesWritten += uint64(c.Exit.Ret)
		}
	}
}

func (s *Stats) file(name string) *fileStat {
	fs := s.files[name]
	if fs == nil {
		fs = &fileStat{}
		s.files[name] = fs
	}
	return fs
}

// addSlow inserts c into the slowest calls, keeping slowN.
func (s *Stats) addSlow(c *Call, d int64) {
	sc := SlowCall{Syscall: c.Name, Pid: c.Pid, ProcessStartNs: c.Proc.Start, Tid: c.Tid, TimeNs: c.Start(), DurationNs: d}
	switch {
	case c.Exit == nil:
		sc.RetText = "?"
	case IsError(c.Exit.Ret):
		sc.Errno = errnoText(int(-c.Exit.Ret))
		sc.RetText = "-1 " + sc.Errno
	case c.Sys != nil && c.Sys.Ret == sysent.RetHex:
		sc.RetText = fmt.Sprintf("%#x", uint64(c.Exit.Ret))
	default:
		sc.RetText = fmt.Sprint(c.Exit.Ret)
	}
	if c.Exit != nil {
		ret := c.Exit.Ret
		sc.Ret = &ret
	}
	ci := c.info
	if p := captureData(c.Enter, int(ci.pathArg), format.CaptureString); ci.pathArg >= 0 && p != nil {
		sc.Path = string(p)
	} else if fd := int64(int32(c.Enter.Args[max(ci.fdArg, 0)])); ci.fdArg >= 0 && fd >= 0 {
		// No fd, no detail: mmap's fd is -1 for an anonymous map.
		sc.FD = &FDRef{FD: fd}
		sc.FD.Path, _ = s.w.FDPath(c.Pid, fd)
	}
	i, _ := slices.BinarySearchFunc(s.slow, d, func(a SlowCall, d int64) int { return cmp.Compare(d, a.DurationNs) })
	// Equal durations keep trace order: insert after them.
	for i < len(s.slow) && s.slow[i].DurationNs == d {
		i++
	}
	s.slow = slices.Insert(s.slow, i, sc)
	if len(s.slow) > s.slowN {
		s.slow = s.slow[:s.slowN]
	}
}

// Event implements Visitor.
func (s *Stats) Event(e *format.Event) {
	id := s.w.Process(eventPid(e))
	switch e.Kind {
	case format.KindClone:
		if e.Clone.Kind == format.CloneThread {
			s.proc(id).threads++
			return
		}
		parent := s.proc(id)
		child := s.proc(s.w.Process(e.Clone.Child))
		child.parent = id
		// A child inherits its parent's program until it execs.
		if len(parent.execs) > 0 && len(child.execs) == 0 {
			last := parent.execs[len(parent.execs)-1]
			child.execs = append(child.execs, ExecRow{Path: last.Path, Argv: last.Argv, Inherited: true})
		}
	case format.KindExec:
		p := s.proc(id)
		if len(p.execs) == 1 && p.execs[0].Inherited {
			p.execs = p.execs[:0]
		}
		p.execs = append(p.execs, ExecRow{TimeNs: e.Time, Path: e.Exec.Path, Argv: slices.Clone(e.Exec.Argv)})
	case format.KindAttach:
		p := s.proc(id)
		if e.Tid != id.Pid {
			p.threads++
		}
		if e.Exec.Path != "" || len(e.Exec.Argv) > 0 {
			p.execs = append(p.execs, ExecRow{TimeNs: e.Time, Path: e.Exec.Path, Argv: slices.Clone(e.Exec.Argv), Attached: true})
		}
	case format.KindExit:
		if e.Exit.Thread {
			return
		}
		p := s.proc(id)
		p.ended, p.end, p.exit = true, e.Time, e.Exit
	case format.KindHook:
		s.hooks.call(s.w.ct.get(e.Nr).name, []format.Event{*e})
	case format.KindSignal:
		ss := s.signals[e.Signal.Signo]
		if ss == nil {
			ss = &signalStat{}
			s.signals[e.Signal.Signo] = ss
		}
		ss.count++
		if ref := (ProcRef{id.Pid, id.Start}); len(ss.procs) < maxSignalPids && !slices.Contains(ss.procs, ref) {
			ss.procs = append(ss.procs, ref)
		}
	}
}

// seconds converts nanoseconds to seconds as strace's ts_float does.
func seconds(ns int64) float64 {
	return float64(ns/1e9) + float64(ns%1e9)/1e9
}

// errInProgress and errAgain are EINPROGRESS and EAGAIN, the same on
// every supported arch.
const (
	errInProgress = 115
	errAgain      = 11
)

// Report is the result of a stats walk; its JSON form is trec stats --json,
// as format/JSON.md describes it.
type Report struct {
	Summary     Summary      `json:"summary"`
	Syscalls    []SyscallRow `json:"syscalls"`
	Total       TotalRow     `json:"total"`
	FailedPaths []FailedPath `json:"failed_paths"`
	Processes   []ProcessRow `json:"processes"`
	Files       []FileRow    `json:"files"`
	Network     []PeerRow    `json:"network"`
	Signals     []SignalRow  `json:"signals"`
	Slowest     []SlowCall   `json:"slowest"`
	Omitted     Omitted      `json:"omitted"`
	// Placement is null for a trace whose trailer does not say where its
	// threads ran (cut short, or recorded before trec counted them).
	Placement *PlacementReport `json:"placement"`
	// Hooks and Violations are what hooks did while recording
	// (analyze/hooks.go): empty for a trace recorded without hooks.
	Hooks      []HookRow      `json:"hooks"`
	Violations []ViolationRow `json:"sandbox_violations"`
	// TextRows caps the sections WriteText prints whole otherwise
	// (failed paths, processes, files, network, signals); 0 prints every
	// row. A cut section ends with how many rows it left out.
	TextRows int `json:"-"`
	// rooted is set when the trace started its first processes: their
	// parent is the recorder.
	rooted bool
	// key is the -S key, by which a cut keeps the top processes.
	key string
}

// Summary is the report's first line.
type Summary struct {
	Argv []string `json:"argv"`
	// Attached are the processes an attached recording began with, their
	// pids and command lines.
	Attached []AttachedRow `json:"attached,omitempty"`
	// EndReason says why an attached recording ended ("interrupted",
	// "duration", "exited", "error"); ExitStatus is then nil.
	EndReason string `json:"end_reason,omitempty"`
	// ExitStatus is the program's, as a shell reports it; nil when the
	// trace does not tell.
	ExitStatus *int   `json:"exit_status"`
	Signal     string `json:"signal,omitempty"`
	Signo      int32  `json:"signo,omitempty"`
	DurationNs int64  `json:"duration_ns"`
	Processes  int    `json:"processes"`
	Threads    int    `json:"threads"`
	Calls      uint64 `json:"calls"`
	Errors     uint64 `json:"errors"`
	Events     uint64 `json:"events"`
	// Complete is false for a trace cut short.
	Complete bool `json:"complete"`
	// Filter is the filter the report was made with, as flags.
	Filter string `json:"filter"`
}

// AttachedRow is a process an attached recording began with.
type AttachedRow struct {
	Pid  int32    `json:"pid"`
	Argv []string `json:"argv"`
}

// TraceInfo is what a report says of the trace beyond its events.
type TraceInfo struct {
	Header  *format.Header
	Trailer *format.Trailer
	// Complete is set when the whole trace was read.
	Complete bool
	// Filter is the filter as flags ("-e trace=%file"), "" for none.
	Filter string
}

// SetTrace fills the summary's fields that come from the trace's header
// and trailer, and names the recorder as the parent of the first
// processes.
func (r *Report) SetTrace(ti TraceInfo) {
	r.Summary.Argv = ti.Header.GetArgv()
	if r.Summary.Argv == nil {
		r.Summary.Argv = []string{}
	}
	r.Summary.Complete = ti.Complete
	r.Summary.Filter = ti.Filter
	r.Placement = placementReport(ti.Header, ti.Trailer)
	for _, p := range ti.Header.GetAttachedProcesses() {
		r.Summary.Attached = append(r.Summary.Attached, AttachedRow{Pid: p.Pid, Argv: p.Argv})
	}
	if ti.Trailer != nil {
		// A copy of a cut trace does not know the exit status, nor an
		// attached recording.
		if r.Summary.EndReason = ti.Trailer.GetEndReason(); r.Summary.EndReason == "" && !ti.Trailer.GetTruncated() {
			st := int(ti.Trailer.GetExitStatus())
			r.Summary.ExitStatus = &st
		}
		r.Summary.DurationNs = max(r.Summary.DurationNs, ti.Trailer.GetEndTime())
	}
	if len(r.Processes) > 0 && r.Processes[0].Parent == nil {
		root := &r.Processes[0]
		if root.Signal != "" {
			r.Summary.Signal, r.Summary.Signo = root.Signal, root.Signo
		}
		if r.Summary.ExitStatus == nil && root.ExitStatus != nil && ti.Complete {
			r.Summary.ExitStatus = root.ExitStatus
		}
	}
	r.rooted = len(ti.Header.GetAttached()) == 0
	if tp := ti.Header.GetTracerPid(); tp != 0 && r.rooted {
		for i := range r.Processes {
			if r.Processes[i].Parent == nil {
				r.Processes[i].ParentPid = &tp
			}
		}
	}
}

// SyscallRow is one line of the syscall table.
type SyscallRow struct {
	Syscall    string `json:"syscall"`
	Nr         int32  `json:"nr"`
	Calls      uint64 `json:"calls"`
	Errors     uint64 `json:"errors"`
	DurationNs int64  `json:"duration_ns"`
}

// TotalRow is the syscall table's last line.
type TotalRow struct {
	Calls      uint64 `json:"calls"`
	Errors     uint64 `json:"errors"`
	DurationNs int64  `json:"duration_ns"`
}

// FailedPath counts the failures of one syscall with one errno on one
// path.
type FailedPath struct {
	Path    string `json:"path"`
	Syscall string `json:"syscall"`
	Errno   string `json:"errno"`
	Count   uint64 `json:"count"`
}

// ProcRef names a process: a pid and the start of its lifetime
// (Process.Start).
type ProcRef struct {
	Pid     int32 `json:"pid"`
	StartNs int64 `json:"start_ns"`
}

// ExecRow is one program a process ran.
type ExecRow struct {
	TimeNs int64    `json:"time_ns"`
	Path   string   `json:"path"`
	Argv   []string `json:"argv"`
	// Inherited is set for the program a child runs from its parent
	// before any exec of its own.
	Inherited bool `json:"inherited"`
	// Attached is set for the program a process ran when the recorder
	// attached to it.
	Attached bool `json:"attached,omitempty"`
}

// ProcessRow is one process of the process tree.
type ProcessRow struct {
	Pid     int32 `json:"pid"`
	StartNs int64 `json:"start_ns"`
	// Parent is the traced parent, nil for a root.
	Parent *ProcRef `json:"parent"`
	// ParentPid is the parent's pid: for a root, the recorder's when the
	// trace tells it, else nil.
	ParentPid *int32    `json:"parent_pid"`
	Execs     []ExecRow `json:"execs"`
	// EndNs, DurationNs and ExitStatus are nil while the process runs.
	EndNs      *int64 `json:"end_ns"`
	DurationNs *int64 `json:"duration_ns"`
	ExitStatus *int   `json:"exit_status"`
	ExitCode   *int32 `json:"exit_code,omitempty"`
	Signal     string `json:"signal,omitempty"`
	Signo      int32  `json:"signo,omitempty"`
	CoreDumped bool   `json:"core_dumped,omitempty"`
	Calls      uint64 `json:"calls"`
	Errors     uint64 `json:"errors"`
	Threads    int    `json:"threads"`
	depth      int
	// sofar is the time from the start to the trace's end, for a
	// process still running.
	sofar int64
}

// FileRow is one path and the calls that used it.
type FileRow struct {
	Path         string `json:"path"`
	Opens        uint64 `json:"opens"` // successful opens
	Calls        uint64 `json:"calls"`
	Errors       uint64 `json:"errors"`
	DurationNs   int64  `json:"duration_ns"`
	BytesRead    uint64 `json:"bytes_read"`
	BytesWritten uint64 `json:"bytes_written"`
}

// PeerRow is one network peer.
type PeerRow struct {
	Peer         string   `json:"peer"`
	Calls        uint64   `json:"calls"`
	Errors       uint64   `json:"errors"`
	BytesRead    uint64   `json:"bytes_read"`
	BytesWritten uint64   `json:"bytes_written"`
	Syscalls     []string `json:"syscalls"`
}

// SignalRow is one signal and its deliveries.
type SignalRow struct {
	Signal    string    `json:"signal"`
	Signo     int32     `json:"signo"`
	Count     uint64    `json:"count"`
	Processes []ProcRef `json:"processes"`
}

// FDRef is an fd and what it refers to.
type FDRef struct {
	FD   int64  `json:"fd"`
	Path string `json:"path,omitempty"`
}

// SlowCall is one of the slowest calls.
type SlowCall struct {
	Syscall string `json:"syscall"`
	Pid     int32  `json:"pid"`
	// ProcessStartNs is the calling process's start (Process.Start).
	ProcessStartNs int64 `json:"process_start_ns"`
	Tid            int32 `json:"tid"`
	TimeNs         int64 `json:"time_ns"`
	DurationNs     int64 `json:"duration_ns"`
	// Ret is nil for a call that never returned.
	Ret     *int64 `json:"ret"`
	Errno   string `json:"errno,omitempty"`
	RetText string `json:"ret_text"`
	Path    string `json:"path,omitempty"`
	FD      *FDRef `json:"fd,omitempty"`
}

// Omitted counts the rows StatsOptions.Top left out of each section.
type Omitted struct {
	Syscalls    int `json:"syscalls"`
	FailedPaths int `json:"failed_paths"`
	Processes   int `json:"processes"`
	Files       int `json:"files"`
	Network     int `json:"network"`
	Signals     int `json:"signals"`
}

// Report builds the report of what was accumulated. events is the number
// of events to report (the walker's kept events) and end the trace's end
// time in nanoseconds. SetTrace adds what the header and trailer tell.
func (s *Stats) Report(events uint64, end int64) *Report {
	key, _ := ParseSortBy(s.opts.SortBy)
	r := &Report{key: key}
	add := func(nr int32, sc *sysCount) {
		if sc.calls == 0 {
			return
		}
		r.Syscalls = append(r.Syscalls, SyscallRow{
			Syscall: s.w.ct.get(nr).name, Nr: nr, Calls: sc.calls, Errors: sc.errors, DurationNs: sc.ns,
		})
		r.Total.Calls += sc.calls
		r.Total.Errors += sc.errors
		r.Total.DurationNs += sc.ns
	}
	for nr := range s.counts {
		add(int32(nr), &s.counts[nr])
	}
	extra := make([]int32, 0, len(s.extra))
	for nr := range s.extra {
		extra = append(extra, nr)
	}
	slices.Sort(extra)
	for _, nr := range extra {
		add(nr, s.extra[nr])
	}
	// Stable sorts over number order: ties keep syscall number order, as
	// strace's sort of its number-indexed table does.
	switch key {
	case "time":
		slices.SortStableFunc(r.Syscalls, func(a, b SyscallRow) int { return cmp.Compare(b.DurationNs, a.DurationNs) })
	case "calls":
		slices.SortStableFunc(r.Syscalls, func(a, b SyscallRow) int { return cmp.Compare(b.Calls, a.Calls) })
	case "errors":
		slices.SortStableFunc(r.Syscalls, func(a, b SyscallRow) int { return cmp.Compare(b.Errors, a.Errors) })
	case "name":
		slices.SortStableFunc(r.Syscalls, func(a, b SyscallRow) int { return strings.Compare(a.Syscall, b.Syscall) })
	}
	r.FailedPaths = s.failedRows(key)
	r.Processes = s.processRows()
	r.Files = s.fileRows(key)
	r.Network = s.peerRows(key)
	r.Signals = s.signalRows(key)
	r.Hooks, r.Violations = s.hooks.hookRows(), s.hooks.violationRows()
	r.Slowest = slices.Clone(s.slow)
	sm := &r.Summary
	sm.DurationNs, sm.Events, sm.Calls, sm.Errors = end, events, r.Total.Calls, r.Total.Errors
	sm.Processes = len(r.Processes)
	for _, p := range r.Processes {
		sm.Threads += p.Threads
	}
	if n := s.opts.Top; n > 0 {
		r.Syscalls, r.Omitted.Syscalls = cut(r.Syscalls, n)
		r.FailedPaths, r.Omitted.FailedPaths = cut(r.FailedPaths, n)
		r.Processes, r.Omitted.Processes = topProcesses(r.Processes, n, key)
		r.Files, r.Omitted.Files = cut(r.Files, n)
		r.Network, r.Omitted.Network = cut(r.Network, n)
		r.Signals, r.Omitted.Signals = cut(r.Signals, n)
	}
	// Lists are [] in JSON, never null.
	nonNil(&r.Syscalls)
	nonNil(&r.FailedPaths)
	nonNil(&r.Processes)
	nonNil(&r.Files)
	nonNil(&r.Network)
	nonNil(&r.Signals)
	nonNil(&r.Slowest)
	return r
}

// topProcesses keeps the n processes first by key (time: the longest
// lived, calls, errors; name and none: the first in the tree), in the
// tree's order, and returns how many it dropped.
func topProcesses(rows []ProcessRow, n int, key string) ([]ProcessRow, int) {
	if len(rows) <= n {
		return rows, 0
	}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	life := func(p *ProcessRow) int64 {
		if p.DurationNs != nil {
			return *p.DurationNs
		}
		return p.sofar
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := &rows[a], &rows[b]
		switch key {
		case "time":
			return cmp.Compare(life(y), life(x))
		case "calls":
			return cmp.Compare(y.Calls, x.Calls)
		case "errors":
			return cmp.Compare(y.Errors, x.Errors)
		}
		return 0
	})
	keep := make([]bool, len(rows))
	for _, i := range order[:n] {
		keep[i] = true
	}
	top := make([]ProcessRow, 0, n)
	for i := range rows {
		if keep[i] {
			top = append(top, rows[i])
		}
	}
	return top, len(rows) - n
}

// cut keeps the first n rows and returns how many it dropped.
func cut[T any](rows []T, n int) ([]T, int) {
	if len(rows) <= n {
		return rows, 0
	}
	return rows[:n], len(rows) - n
}

func nonNil[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}

// failedRows lists the failed paths, most frequent first, or by path as
// the files are when key is "name" or "none".
func (s *Stats) failedRows(key string) []FailedPath {
	rows := make([]FailedPath, 0, len(s.failed))
	for k, n := range s.failed {
		rows = append(rows, FailedPath{Path: k.path, Syscall: s.w.ct.get(k.nr).name, Errno: errnoText(int(k.errno)), Count: n})
	}
	byCount := key != "name" && key != "none"
	slices.SortFunc(rows, func(a, b FailedPath) int {
		if c := cmp.Compare(b.Count, a.Count); byCount && c != 0 {
			return c
		}
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		if c := strings.Compare(a.Syscall, b.Syscall); c != 0 {
			return c
		}
		return strings.Compare(a.Errno, b.Errno)
	})
	return rows
}

// processRows lists processes depth-first from the roots, children in
// order of creation.
func (s *Stats) processRows() []ProcessRow {
	children := map[uint32][]*procStat{}
	var roots []*procStat
	for _, p := range s.procs {
		if p.parent.Serial != 0 && s.procs[p.parent.Serial] != nil {
			children[p.parent.Serial] = append(children[p.parent.Serial], p)
		} else {
			roots = append(roots, p)
		}
	}
	order := func(ps []*procStat) {
		slices.SortFunc(ps, func(a, b *procStat) int { return cmp.Compare(a.id.Serial, b.id.Serial) })
	}
	order(roots)
	var calling func(p *procStat) bool
	calling = func(p *procStat) bool {
		if p.calls > 0 {
			return true
		}
		for _, k := range children[p.id.Serial] {
			if calling(k) {
				return true
			}
		}
		return false
	}
	var rows []ProcessRow
	var walk func(p *procStat, depth int)
	walk = func(p *procStat, depth int) {
		if s.opts.CallingOnly && !calling(p) {
			return
		}
		row := ProcessRow{
			Pid: p.id.Pid, StartNs: p.id.Start, Execs: p.execs, Calls: p.calls, Errors: p.errors, Threads: p.threads, depth: depth,
		}
		if depth > 0 {
			row.Parent = &ProcRef{p.parent.Pid, p.parent.Start}
			pp := p.parent.Pid
			row.ParentPid = &pp
		}
		if row.Execs == nil {
			row.Execs = []ExecRow{}
		}
		if p.ended {
			end, d, st := p.end, p.end-p.id.Start, p.exit.Status()
			row.EndNs, row.DurationNs, row.ExitStatus = &end, &d, &st
			if p.exit.Signal != 0 {
				row.Signal, row.Signo, row.CoreDumped = SignalName(p.exit.Signal), p.exit.Signal, p.exit.CoreDumped
			} else {
				code := p.exit.Code
				row.ExitCode = &code
			}
		} else {
			row.sofar = s.w.endTime - p.id.Start
		}
		rows = append(rows, row)
		kids := children[p.id.Serial]
		order(kids)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	for _, p := range roots {
		walk(p, 0)
	}
	return rows
}

func (s *Stats) fileRows(key string) []FileRow {
	rows := make([]FileRow, 0, len(s.files))
	for p, f := range s.files {
		rows = append(rows, FileRow{
			Path: p, Opens: f.opens, Calls: f.calls, Errors: f.errors, DurationNs: f.ns,
			BytesRead: f.bytesRead, BytesWritten: f.bytesWritten,
		})
	}
	slices.SortFunc(rows, func(a, b FileRow) int {
		var c int
		switch key {
		case "time":
			c = cmp.Compare(b.DurationNs, a.DurationNs)
		case "calls":
			c = cmp.Compare(b.Calls, a.Calls)
		case "errors":
			c = cmp.Compare(b.Errors, a.Errors)
		}
		if c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return rows
}

func (s *Stats) peerRows(key string) []PeerRow {
	rows := make([]PeerRow, 0, len(s.peers))
	for a, p := range s.peers {
		rows = append(rows, PeerRow{
			Peer: a, Calls: p.calls, Errors: p.errors, BytesRead: p.bytesRead,
			BytesWritten: p.bytesWritten, Syscalls: p.syscalls,
		})
	}
	slices.SortFunc(rows, func(a, b PeerRow) int {
		var c int
		switch key {
		case "time", "calls":
			c = cmp.Compare(b.Calls, a.Calls)
		case "errors":
			c = cmp.Compare(b.Errors, a.Errors)
		}
		if c != 0 {
			return c
		}
		return strings.Compare(a.Peer, b.Peer)
	})
	return rows
}

func (s *Stats) signalRows(key string) []SignalRow {
	rows := make([]SignalRow, 0, len(s.signals))
	for sig, st := range s.signals {
		rows = append(rows, SignalRow{Signal: SignalName(sig), Signo: sig, Count: st.count, Processes: st.procs})
	}
	slices.SortFunc(rows, func(a, b SignalRow) int {
		if key != "name" && key != "none" {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Signo, b.Signo)
	})
	return rows
}
