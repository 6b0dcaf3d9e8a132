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
	// Top limits every section to its first N rows; 0 means all (and 10
	// slowest calls).
	Top int
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
	id      Process
	parent  Process
	end     int64
	ended   bool
	exit    format.Exit
	execs   []ExecRow
	calls   uint64
	threads int
}

// fileStat accumulates the calls on one path.
type fileStat struct {
	calls, errors, opens    uint64
	ns                      int64
	bytesRead, bytesWritten uint64
}

// peerStat accumulates the calls to one network peer.
type peerStat struct {
	calls, errors         uint64
	bytesSent, bytesRecvd uint64
	syscalls              []string
}

// signalStat accumulates one signal's deliveries.
type signalStat struct {
	count uint64
	procs []Process
}

// maxSignalProcs bounds the processes listed per signal.
const maxSignalProcs = 32

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
	peers   map[string]*peerStat
	signals map[int32]*signalStat
	slow    []SlowCall
	slowN   int
	scratch []byte
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
	s.proc(c.Proc).calls++
	if s.w.fds != nil {
		s.files1(c, d, failed)
	}
	if len(s.slow) < s.slowN || d > s.slow[len(s.slow)-1].ns {
		s.addSlow(c, d)
	}
}

// files1 attributes call c to the path it names or the file its fd
// refers to, and to the network peer it talks to.
func (s *Stats) files1(c *Call, d int64, failed bool) {
	ci := c.info
	fds := s.w.fds
	var fs *fileStat
	if ci.pathArg >= 0 {
		if p := captureData(c.Enter, int(ci.pathArg), format.CaptureString); len(p) > 0 {
			// An empty path (AT_EMPTY_PATH) names the dirfd's file: the
			// fd lookup below finds it.
			ft := fds.table(c.Pid)
			var name string
			if len(p) > 0 && p[0] == '/' {
				name = fds.str(p)
			} else {
				name = fds.resolve(ft, int64(int32(c.Enter.Args[0])), ci.dirfdArg >= 0, p)
			}
			fs = s.file(name)
			if ci.op == fdOpen && !failed {
				fs.opens++
			}
		}
	}
	var e *fdEntry
	fdArg := ci.fdArg
	if fdArg < 0 && fs == nil && ci.dirfdArg >= 0 {
		fdArg = ci.dirfdArg
	}
	if fs == nil && fdArg >= 0 {
		e = fds.lookup(c.Pid, int64(int32(c.Enter.Args[fdArg])))
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
	if peer == "" {
		return
	}
	ps := s.peers[peer]
	if ps == nil {
		ps = &peerStat{}
		s.peers[peer] = ps
	}
	ps.calls++
	if failed {
		ps.errors++
	}
	if !slices.Contains(ps.syscalls, ci.name) {
		ps.syscalls = append(ps.syscalls, ci.name)
	}
	if ci.io != ioNone && c.Exit != nil && c.Exit.Ret > 0 {
		if ci.io == ioRead {
			ps.bytesRecvd += uint64(c.Exit.Ret)
		} else {
			ps.bytesSent += uint64(c.Exit.Ret)
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
	sc := SlowCall{
		Name: c.Name, Pid: c.Pid, ProcessStartNs: c.Proc.Start, Tid: c.Tid, StartSeconds: seconds(c.Start()),
		Seconds: seconds(d), ns: d,
	}
	switch {
	case c.Exit == nil:
		sc.Result = "?"
	case IsError(c.Exit.Ret):
		sc.Result = "-1 " + ErrnoName(int(-c.Exit.Ret))
	case c.Sys != nil && c.Sys.Ret == sysent.RetHex:
		sc.Result = fmt.Sprintf("%#x", uint64(c.Exit.Ret))
	default:
		sc.Result = fmt.Sprint(c.Exit.Ret)
	}
	ci := c.info
	if p := captureData(c.Enter, int(ci.pathArg), format.CaptureString); ci.pathArg >= 0 && p != nil {
		sc.Detail = string(p)
	} else if fd := int64(int32(c.Enter.Args[max(ci.fdArg, 0)])); ci.fdArg >= 0 && fd >= 0 {
		// No fd, no detail: mmap's fd is -1 for an anonymous map.
		sc.Detail = fmt.Sprintf("fd %d", fd)
		if p, ok := s.w.FDPath(c.Pid, fd); ok {
			sc.Detail += " " + p
		}
	}
	i, _ := slices.BinarySearchFunc(s.slow, d, func(a SlowCall, d int64) int { return cmp.Compare(d, a.ns) })
	// Equal durations keep trace order: insert after them.
	for i < len(s.slow) && s.slow[i].ns == d {
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
		p := s.proc(id)
		child := s.proc(s.w.Process(e.Clone.Child))
		child.parent = id
		// A child inherits its parent's program until it execs.
		if len(p.execs) > 0 && len(child.execs) == 0 {
			last := p.execs[len(p.execs)-1]
			child.execs = append(child.execs, ExecRow{Path: last.Path, Argv: last.Argv, Inherited: true})
		}
	case format.KindExec:
		p := s.proc(id)
		if len(p.execs) == 1 && p.execs[0].Inherited {
			p.execs = p.execs[:0]
		}
		p.execs = append(p.execs, ExecRow{Seconds: seconds(e.Time), Path: e.Exec.Path, Argv: slices.Clone(e.Exec.Argv)})
	case format.KindExit:
		if e.Exit.Thread {
			return
		}
		p := s.proc(id)
		p.ended, p.end, p.exit = true, e.Time, e.Exit
	case format.KindSignal:
		ss := s.signals[e.Signal.Signo]
		if ss == nil {
			ss = &signalStat{}
			s.signals[e.Signal.Signo] = ss
		}
		ss.count++
		if len(ss.procs) < maxSignalProcs && !slices.Contains(ss.procs, id) {
			ss.procs = append(ss.procs, id)
		}
	}
}

// seconds converts nanoseconds to seconds as strace's ts_float does.
func seconds(ns int64) float64 {
	return float64(ns/1e9) + float64(ns%1e9)/1e9
}

// Report is the result of a stats walk; its JSON form is trec stats --json.
type Report struct {
	Events          uint64       `json:"events"`
	DurationSeconds float64      `json:"duration_seconds"`
	Syscalls        []SyscallRow `json:"syscalls"`
	Processes       []ProcessRow `json:"processes"`
	Files           []FileRow    `json:"files"`
	Network         []PeerRow    `json:"network"`
	Signals         []SignalRow  `json:"signals"`
	Slowest         []SlowCall   `json:"slowest"`

	// totals for the table's last row
	total sysCount
}

// SyscallRow is one line of the syscall table.
type SyscallRow struct {
	Name    string  `json:"name"`
	Calls   uint64  `json:"calls"`
	Errors  uint64  `json:"errors"`
	Seconds float64 `json:"seconds"`
	nr      int32
	ns      int64
}

// ExecRow is one program a process ran.
type ExecRow struct {
	Seconds float64  `json:"time_seconds"`
	Path    string   `json:"path"`
	Argv    []string `json:"argv"`
	// Inherited is set for the program a child runs from its parent
	// before any exec of its own.
	Inherited bool `json:"inherited,omitempty"`
}

// ExitRow says how a process ended.
type ExitRow struct {
	Status     int    `json:"status"`
	Code       int32  `json:"code"`
	Signal     string `json:"signal,omitempty"`
	CoreDumped bool   `json:"core_dumped,omitempty"`
}

// ProcessRow is one process of the process tree. A pid can appear in
// several rows: it names one process at a time, and Pid with StartNs
// tells the rows apart.
type ProcessRow struct {
	Pid int32 `json:"pid"`
	// StartNs is Process.Start: when the process appeared.
	StartNs int64 `json:"start_ns"`
	// Parent and ParentStartNs name the parent; 0 and 0 when the trace
	// does not hold it.
	Parent          int32     `json:"parent"`
	ParentStartNs   int64     `json:"parent_start_ns"`
	Execs           []ExecRow `json:"execs"`
	Exit            *ExitRow  `json:"exit"`
	StartSeconds    float64   `json:"start_seconds"`
	EndSeconds      float64   `json:"end_seconds"`
	LifetimeSeconds float64   `json:"lifetime_seconds"`
	Calls           uint64    `json:"calls"`
	Threads         int       `json:"threads"`
	depth           int
}

// FileRow is one path and the calls that used it.
type FileRow struct {
	Path         string  `json:"path"`
	Opens        uint64  `json:"opens"` // successful opens
	Calls        uint64  `json:"calls"`
	Errors       uint64  `json:"errors"`
	Seconds      float64 `json:"seconds"`
	BytesRead    uint64  `json:"bytes_read"`
	BytesWritten uint64  `json:"bytes_written"`
}

// PeerRow is one network peer.
type PeerRow struct {
	Address       string   `json:"address"`
	Calls         uint64   `json:"calls"`
	Errors        uint64   `json:"errors"`
	BytesSent     uint64   `json:"bytes_sent"`
	BytesReceived uint64   `json:"bytes_received"`
	Syscalls      []string `json:"syscalls"`
}

// SignalRow is one signal and its deliveries.
type SignalRow struct {
	Signal string `json:"signal"`
	Signo  int32  `json:"signo"`
	Count  uint64 `json:"count"`
	// Processes lists the processes it was delivered to, at most 32.
	Processes []ProcessRef `json:"processes"`
}

// ProcessRef names one process in a report: its pid and when it
// started (Process.Start).
type ProcessRef struct {
	Pid     int32 `json:"pid"`
	StartNs int64 `json:"start_ns"`
}

// SlowCall is one of the slowest calls.
type SlowCall struct {
	Name string `json:"name"`
	Pid  int32  `json:"pid"`
	// ProcessStartNs is when the calling process started
	// (Process.Start).
	ProcessStartNs int64   `json:"process_start_ns"`
	Tid            int32   `json:"tid"`
	StartSeconds   float64 `json:"start_seconds"`
	Seconds        float64 `json:"seconds"`
	Result         string  `json:"result"`
	Detail         string  `json:"detail,omitempty"`
	ns             int64
}

// Report builds the report of what was accumulated. events is the number
// of events to report (the walker's kept events) and end the trace's end
// time in nanoseconds.
func (s *Stats) Report(events uint64, end int64) *Report {
	key, _ := ParseSortBy(s.opts.SortBy)
	r := &Report{Events: events, DurationSeconds: seconds(end)}
	add := func(nr int32, sc *sysCount) {
		if sc.calls == 0 {
			return
		}
		r.Syscalls = append(r.Syscalls, SyscallRow{
			Name: s.w.ct.get(nr).name, Calls: sc.calls, Errors: sc.errors,
			Seconds: seconds(sc.ns), nr: nr, ns: sc.ns,
		})
		r.total.calls += sc.calls
		r.total.errors += sc.errors
		r.total.ns += sc.ns
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
		slices.SortStableFunc(r.Syscalls, func(a, b SyscallRow) int { return cmp.Compare(b.ns, a.ns) })
	case "calls":
		slices.SortStableFunc(r.Syscalls, func(a, b SyscallRow) int { return cmp.Compare(b.Calls, a.Calls) })
	case "errors":
		slices.SortStableFunc(r.Syscalls, func(a, b SyscallRow) int { return cmp.Compare(b.Errors, a.Errors) })
	case "name":
		slices.SortStableFunc(r.Syscalls, func(a, b SyscallRow) int { return strings.Compare(a.Name, b.Name) })
	}
	r.Processes = s.processRows()
	r.Files = s.fileRows(key)
	r.Network = s.peerRows(key)
	r.Signals = s.signalRows(key)
	r.Slowest = slices.Clone(s.slow)
	if r.Slowest == nil {
		r.Slowest = []SlowCall{}
	}
	if n := s.opts.Top; n > 0 {
		r.Syscalls = r.Syscalls[:min(n, len(r.Syscalls))]
		r.Processes = r.Processes[:min(n, len(r.Processes))]
		r.Files = r.Files[:min(n, len(r.Files))]
		r.Network = r.Network[:min(n, len(r.Network))]
		r.Signals = r.Signals[:min(n, len(r.Signals))]
	}
	if r.Syscalls == nil {
		r.Syscalls = []SyscallRow{}
	}
	return r
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
	rows := []ProcessRow{}
	var walk func(p *procStat, depth int)
	walk = func(p *procStat, depth int) {
		row := ProcessRow{
			Pid: p.id.Pid, StartNs: p.id.Start, Parent: p.parent.Pid, ParentStartNs: p.parent.Start,
			Execs: p.execs, StartSeconds: seconds(p.id.Start), Calls: p.calls, Threads: p.threads, depth: depth,
		}
		if row.Execs == nil {
			row.Execs = []ExecRow{}
		}
		if p.ended {
			row.EndSeconds = seconds(p.end)
			row.LifetimeSeconds = seconds(p.end - p.id.Start)
			x := &ExitRow{Status: p.exit.Status(), Code: p.exit.Code, CoreDumped: p.exit.CoreDumped}
			if p.exit.Signal != 0 {
				x.Signal = SignalName(p.exit.Signal)
			}
			row.Exit = x
		} else {
			row.EndSeconds = seconds(s.w.endTime)
			row.LifetimeSeconds = seconds(s.w.endTime - p.id.Start)
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
			Path: p, Opens: f.opens, Calls: f.calls, Errors: f.errors, Seconds: seconds(f.ns),
			BytesRead: f.bytesRead, BytesWritten: f.bytesWritten,
		})
	}
	slices.SortFunc(rows, func(a, b FileRow) int {
		var c int
		switch key {
		case "time":
			c = cmp.Compare(b.Seconds, a.Seconds)
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
			Address: a, Calls: p.calls, Errors: p.errors, BytesSent: p.bytesSent,
			BytesReceived: p.bytesRecvd, Syscalls: p.syscalls,
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
		return strings.Compare(a.Address, b.Address)
	})
	return rows
}

func (s *Stats) signalRows(key string) []SignalRow {
	rows := make([]SignalRow, 0, len(s.signals))
	for sig, st := range s.signals {
		procs := make([]ProcessRef, len(st.procs))
		for i, p := range st.procs {
			procs[i] = ProcessRef{Pid: p.Pid, StartNs: p.Start}
		}
		rows = append(rows, SignalRow{Signal: SignalName(sig), Signo: sig, Count: st.count, Processes: procs})
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
