package diff

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/trecdev/trec/analyze"
)

// Report is what differs between two runs. Its JSON form is trec diff
// --json: one object whose sections are always present (empty arrays when
// nothing differs).
type Report struct {
	A RunSummary `json:"a"`
	B RunSummary `json:"b"`
	// Equal is set when the runs match after normalization: times, and
	// the sections that only tell about time, do not count.
	Equal bool `json:"equal"`
	// Processes are the processes present in only one run, and the
	// matched ones whose argv or exit status changed.
	Processes ProcessChanges `json:"processes"`
	// Syscalls lists the syscalls whose compared calls or errors changed.
	Syscalls []SyscallChange `json:"syscalls"`
	// NewFailures are the kinds of failed calls (syscall, errno, path)
	// found in b only; GoneFailures in a only.
	NewFailures  []Failure `json:"new_failures"`
	GoneFailures []Failure `json:"gone_failures"`
	// Files are the paths opened in only one run.
	Files FileChanges `json:"files"`
	// Bytes lists the paths whose bytes read or written changed.
	Bytes []BytesChange `json:"bytes"`
	// Streams lists the pipes, sockets and terminals of matched processes
	// whose bytes differ.
	Streams []StreamChange `json:"streams"`
	// Time lists the syscalls whose total time grew past the threshold.
	Time []TimeChange `json:"time"`
	// Threads holds, per matched thread whose calls differ, the hunks.
	Threads []ThreadDiff `json:"threads"`
	// Warnings say what was not compared in full (a truncated trace).
	Warnings []string `json:"warnings"`
}

// RunSummary describes one run.
type RunSummary struct {
	Trace string   `json:"trace"`
	Argv  []string `json:"argv"`
	// ExitStatus is the recorded program's, as a shell reports it; null
	// when the trace does not tell.
	ExitStatus *int   `json:"exit_status"`
	DurationNs int64  `json:"duration_ns"`
	Events     uint64 `json:"events"`
	// ComparedCalls counts the calls compared one by one (not ignored,
	// not part of a byte stream).
	ComparedCalls uint64 `json:"compared_calls"`
	ProcessCount  int    `json:"process_count"`
	ThreadCount   int    `json:"thread_count"`
}

// Process names a process of one run.
type Process struct {
	Pid     int32 `json:"pid"`
	StartNs int64 `json:"start_ns"`
	// Position is its place in its run's process tree: "1.2" is the
	// second child the first root process created.
	Position   string   `json:"position"`
	Path       string   `json:"path"`
	Argv       []string `json:"argv"`
	ExitStatus *int     `json:"exit_status"`
}

// ProcessPair is a process of a matched with its match in b.
type ProcessPair struct {
	A Process `json:"a"`
	B Process `json:"b"`
	// Changes says what differs: "argv", "exit_status".
	Changes []string `json:"changes"`
}

// ThreadRef names a thread of one run.
type ThreadRef struct {
	Pid     int32  `json:"pid"`
	Tid     int32  `json:"tid"`
	StartNs int64  `json:"start_ns"`
	Program string `json:"program"`
}

// ProcessChanges is the process section.
type ProcessChanges struct {
	OnlyInA        []Process     `json:"only_in_a"`
	OnlyInB        []Process     `json:"only_in_b"`
	Changed        []ProcessPair `json:"changed"`
	ThreadsOnlyInA []ThreadRef   `json:"threads_only_in_a"`
	ThreadsOnlyInB []ThreadRef   `json:"threads_only_in_b"`
}

// SyscallChange is one syscall whose calls or errors changed.
type SyscallChange struct {
	Syscall string `json:"syscall"`
	CallsA  uint64 `json:"calls_a"`
	CallsB  uint64 `json:"calls_b"`
	ErrorsA uint64 `json:"errors_a"`
	ErrorsB uint64 `json:"errors_b"`
}

// Failure is one kind of failed call: the syscall, its errno and the path
// it named (directly or through its fd), with how often it failed so.
type Failure struct {
	Syscall string `json:"syscall"`
	Errno   string `json:"errno"`
	Path    string `json:"path"`
	Count   uint64 `json:"count"`
}

// FileChanges lists the paths opened in one run only.
type FileChanges struct {
	OnlyInA []string `json:"only_in_a"`
	OnlyInB []string `json:"only_in_b"`
}

// BytesChange is one path whose bytes read or written changed.
type BytesChange struct {
	Path          string `json:"path"`
	BytesReadA    uint64 `json:"bytes_read_a"`
	BytesReadB    uint64 `json:"bytes_read_b"`
	BytesWrittenA uint64 `json:"bytes_written_a"`
	BytesWrittenB uint64 `json:"bytes_written_b"`
}

// StreamChange is one direction of one pipe, socket or terminal of a
// matched process whose bytes differ.
type StreamChange struct {
	A Process `json:"a"`
	B Process `json:"b"`
	// Fd is the fd in a (or b when a never used it); Target what it
	// refers to, run-specific numbers masked.
	Fd        int64  `json:"fd"`
	Target    string `json:"target"`
	Direction string `json:"direction"`
	BytesA    uint64 `json:"bytes_a"`
	BytesB    uint64 `json:"bytes_b"`
	CallsA    uint64 `json:"calls_a"`
	CallsB    uint64 `json:"calls_b"`
	// ContentCompared is false when a capture was cut (-s) in either
	// run: only the lengths were compared.
	ContentCompared bool `json:"content_compared"`
	// FirstDifference is the offset of the first byte that differs (the
	// shorter stream's length when it is a prefix of the other); null
	// when only the lengths were compared.
	FirstDifference *uint64 `json:"first_difference"`
	// ExcerptA and ExcerptB are what each run has from ExcerptOffset, a
	// few bytes before the first difference, quoted as strace quotes
	// strings.
	ExcerptOffset uint64 `json:"excerpt_offset"`
	ExcerptA      string `json:"excerpt_a"`
	ExcerptB      string `json:"excerpt_b"`
	pa, pb        *process
	key           streamKey
}

// TimeChange is a syscall whose total time grew.
type TimeChange struct {
	Syscall       string `json:"syscall"`
	DurationANs   int64  `json:"duration_a_ns"`
	DurationBNs   int64  `json:"duration_b_ns"`
	GrowthPercent int64  `json:"growth_percent"`
}

// ThreadDiff is the comparison of one matched pair of threads.
type ThreadDiff struct {
	A      ThreadRef `json:"a"`
	B      ThreadRef `json:"b"`
	CallsA int       `json:"calls_a"`
	CallsB int       `json:"calls_b"`
	// Hunks are the first MaxHunks runs of differing calls, with context.
	Hunks []Hunk `json:"hunks"`
	// HunksOmitted counts the hunks past MaxHunks.
	HunksOmitted int `json:"hunks_omitted"`
	ta, tb       *thread
}

// Hunk is one run of differing calls with context. Starts are 1-based
// positions in the threads' compared calls.
type Hunk struct {
	AStart int        `json:"a_start"`
	ACount int        `json:"a_count"`
	BStart int        `json:"b_start"`
	BCount int        `json:"b_count"`
	Lines  []HunkLine `json:"lines"`
	// LinesOmitted counts the lines past Options.MaxHunkLines.
	LinesOmitted int `json:"lines_omitted"`
}

// HunkLine is one call of a hunk: " " in both runs (shown as in a), "-"
// in a only, "+" in b only.
type HunkLine struct {
	Op string `json:"op"`
	// Text is the call as trec dump -y prints it, without "[pid N]".
	Text string `json:"-"`
	// Event is the call as trec dump --json prints it (with JSON only).
	Event json.RawMessage `json:"event,omitempty"`
	item  int
}

func (l *HunkLine) setText(b []byte) {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	if len(b) > 0 && b[0] == '{' {
		l.Event = json.RawMessage(b)
		return
	}
	l.Text = string(b)
}

// positions names each process of r by its place in the process tree.
func positions(r *run) map[*process]string {
	pos := map[*process]string{}
	var walk func(ps []*process, prefix string)
	walk = func(ps []*process, prefix string) {
		for i, p := range ps {
			s := prefix + strconv.Itoa(i+1)
			pos[p] = s
			walk(p.children, s+".")
		}
	}
	walk(roots(r), "")
	return pos
}

func exitStatus(p *process) *int {
	if !p.ended {
		return nil
	}
	s := p.exit.Status()
	return &s
}

// program returns the program p ran last: its last exec, else the one
// it ran when the run first saw it.
func program(p *process) (string, []string) {
	if len(p.execs) > 0 {
		x := p.execs[len(p.execs)-1]
		return x.path, x.argv
	}
	if p.prog != nil {
		return p.prog.Path, p.prog.Argv
	}
	return "", nil
}

func describe(p *process, pos map[*process]string) Process {
	path, argv := program(p)
	if argv == nil {
		argv = []string{}
	}
	return Process{Pid: p.pid, StartNs: p.start, Position: pos[p], Path: path, Argv: argv, ExitStatus: exitStatus(p)}
}

func threadRef(t *thread) ThreadRef {
	path, argv := program(t.proc)
	prog := strings.Join(argv, " ")
	if prog == "" {
		prog = path
	}
	return ThreadRef{Pid: t.proc.pid, Tid: t.tid, StartNs: t.start, Program: prog}
}

func summary(r *run) RunSummary {
	s := RunSummary{
		Trace: r.name, Argv: r.header.GetArgv(), DurationNs: r.end, Events: r.events,
		ComparedCalls: r.compared, ProcessCount: len(r.procs), ThreadCount: len(r.threads),
	}
	if s.Argv == nil {
		s.Argv = []string{}
	}
	if rs := roots(r); len(rs) > 0 && rs[0].ended {
		s.ExitStatus = exitStatus(rs[0])
	} else if r.trailer != nil && !r.trailer.GetTruncated() {
		st := int(r.trailer.GetExitStatus())
		s.ExitStatus = &st
	}
	return s
}

// build compares two matched runs.
func build(ra, rb *run, opts Options) *Report {
	rep := &Report{A: summary(ra), B: summary(rb)}
	pa, pb := positions(ra), positions(rb)
	rep.Processes = processChanges(ra, rb, pa, pb)
	rep.Syscalls = syscallChanges(ra, rb)
	rep.NewFailures = failuresOnlyIn(rb, ra)
	rep.GoneFailures = failuresOnlyIn(ra, rb)
	rep.Files, rep.Bytes = fileChanges(ra, rb)
	rep.Streams = streamChanges(ra, pa, pb)
	rep.Time = timeChanges(ra, rb, opts)
	rep.Threads = threadDiffs(ra, opts)
	rep.Warnings = []string{}
	for _, r := range []*run{ra, rb} {
		if r.trunc {
			rep.Warnings = append(rep.Warnings, r.name+": trace truncated after "+strconv.FormatUint(r.events, 10)+" events")
		}
	}
	p := &rep.Processes
	rep.Equal = len(p.OnlyInA)+len(p.OnlyInB)+len(p.Changed)+len(p.ThreadsOnlyInA)+len(p.ThreadsOnlyInB) == 0 &&
		len(rep.Syscalls)+len(rep.NewFailures)+len(rep.GoneFailures)+len(rep.Files.OnlyInA)+len(rep.Files.OnlyInB) == 0 &&
		len(rep.Bytes)+len(rep.Streams)+len(rep.Threads) == 0 && eqStatus(rep.A.ExitStatus, rep.B.ExitStatus)
	return rep
}

func eqStatus(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func processChanges(ra, rb *run, pa, pb map[*process]string) ProcessChanges {
	pc := ProcessChanges{OnlyInA: []Process{}, OnlyInB: []Process{}, Changed: []ProcessPair{}, ThreadsOnlyInA: []ThreadRef{}, ThreadsOnlyInB: []ThreadRef{}}
	for _, p := range ra.procs {
		if p.match == nil {
			pc.OnlyInA = append(pc.OnlyInA, describe(p, pa))
			continue
		}
		var what []string
		if changed(p, p.match) {
			what = append(what, "argv")
		}
		if !eqStatus(exitStatus(p), exitStatus(p.match)) {
			what = append(what, "exit_status")
		}
		if what != nil {
			pc.Changed = append(pc.Changed, ProcessPair{A: describe(p, pa), B: describe(p.match, pb), Changes: what})
		}
	}
	for _, p := range rb.procs {
		if p.match == nil {
			pc.OnlyInB = append(pc.OnlyInB, describe(p, pb))
		}
	}
	for _, t := range ra.threads {
		if t.match == nil && t.proc.match != nil {
			pc.ThreadsOnlyInA = append(pc.ThreadsOnlyInA, threadRef(t))
		}
	}
	for _, t := range rb.threads {
		if t.match == nil && t.proc.match != nil {
			pc.ThreadsOnlyInB = append(pc.ThreadsOnlyInB, threadRef(t))
		}
	}
	return pc
}

func syscallChanges(ra, rb *run) []SyscallChange {
	out := []SyscallChange{}
	seen := map[int32]bool{}
	for _, m := range []map[int32]*sysCount{ra.sys, rb.sys} {
		for nr := range m {
			if seen[nr] {
				continue
			}
			seen[nr] = true
			var a, b sysCount
			if c := ra.sys[nr]; c != nil {
				a = *c
			}
			if c := rb.sys[nr]; c != nil {
				b = *c
			}
			if a.calls != b.calls || a.errors != b.errors {
				out = append(out, SyscallChange{Syscall: ra.tab.Name(int(nr)), CallsA: a.calls, CallsB: b.calls, ErrorsA: a.errors, ErrorsB: b.errors})
			}
		}
	}
	slices.SortFunc(out, func(x, y SyscallChange) int { return strings.Compare(x.Syscall, y.Syscall) })
	return out
}

// failuresOnlyIn lists the kinds of failures of r that other lacks.
func failuresOnlyIn(r, other *run) []Failure {
	out := []Failure{}
	for k, n := range r.fails {
		if other.fails[k] == 0 {
			out = append(out, Failure{Syscall: k.syscall, Errno: k.errno, Path: k.path, Count: n})
		}
	}
	slices.SortFunc(out, func(x, y Failure) int {
		return cmp.Or(strings.Compare(x.Syscall, y.Syscall), strings.Compare(x.Errno, y.Errno), strings.Compare(x.Path, y.Path))
	})
	return out
}

func fileChanges(ra, rb *run) (FileChanges, []BytesChange) {
	fc := FileChanges{OnlyInA: []string{}, OnlyInB: []string{}}
	bc := []BytesChange{}
	fa, fb := map[string]analyze.FileRow{}, map[string]analyze.FileRow{}
	for _, f := range ra.files {
		fa[f.Path] = f
	}
	for _, f := range rb.files {
		fb[f.Path] = f
	}
	for p, a := range fa {
		b := fb[p]
		if a.Opens > 0 && b.Opens == 0 {
			fc.OnlyInA = append(fc.OnlyInA, p)
		}
		if a.BytesRead != b.BytesRead || a.BytesWritten != b.BytesWritten {
			bc = append(bc, BytesChange{Path: p, BytesReadA: a.BytesRead, BytesReadB: b.BytesRead, BytesWrittenA: a.BytesWritten, BytesWrittenB: b.BytesWritten})
		}
	}
	for p, b := range fb {
		a, ok := fa[p]
		if b.Opens > 0 && a.Opens == 0 {
			fc.OnlyInB = append(fc.OnlyInB, p)
		}
		if !ok && (b.BytesRead != 0 || b.BytesWritten != 0) {
			bc = append(bc, BytesChange{Path: p, BytesReadB: b.BytesRead, BytesWrittenB: b.BytesWritten})
		}
	}
	slices.Sort(fc.OnlyInA)
	slices.Sort(fc.OnlyInB)
	slices.SortFunc(bc, func(x, y BytesChange) int { return strings.Compare(x.Path, y.Path) })
	return fc, bc
}

func streamChanges(ra *run, pa, pb map[*process]string) []StreamChange {
	out := []StreamChange{}
	for _, p := range ra.procs {
		q := p.match
		if q == nil {
			continue
		}
		keys := slices.Clone(p.sorder)
		for _, k := range q.sorder {
			if p.streams[k] == nil {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			sa, sb := p.streams[k], q.streams[k]
			var empty stream
			if sa == nil {
				sa = &empty
			}
			if sb == nil {
				sb = &empty
			}
			sc := StreamChange{
				A: describe(p, pa), B: describe(q, pb), Fd: sa.fd, Target: k.target,
				Direction: "read", BytesA: sa.bytes, BytesB: sb.bytes, CallsA: sa.calls, CallsB: sb.calls,
				ContentCompared: !sa.cut && !sb.cut, pa: p, pb: q, key: k,
			}
			if sa == &empty {
				sc.Fd = sb.fd
			}
			if k.dir == analyze.IOWrite {
				sc.Direction = "write"
			}
			if sc.ContentCompared {
				ha, hb := sa.sum(), sb.sum()
				i := 0
				for i < len(ha) && i < len(hb) && ha[i] == hb[i] {
					i++
				}
				if i < len(ha) || i < len(hb) {
					off := uint64(i) * blockSize
					sc.FirstDifference = &off
				}
			}
			if sc.BytesA != sc.BytesB || sc.FirstDifference != nil {
				out = append(out, sc)
			}
		}
	}
	return out
}

func timeChanges(ra, rb *run, opts Options) []TimeChange {
	out := []TimeChange{}
	for nr, b := range rb.sys {
		var a int64
		if c := ra.sys[nr]; c != nil {
			a = c.ns
		}
		grow := b.ns - a
		if grow < opts.MinTimeGrowth || grow <= 0 || float64(grow) <= float64(a)*opts.TimeThreshold {
			continue
		}
		pct := int64(math.MaxInt64)
		if a > 0 {
			pct = int64(math.Round(100 * float64(grow) / float64(a)))
		}
		out = append(out, TimeChange{Syscall: rb.tab.Name(int(nr)), DurationANs: a, DurationBNs: b.ns, GrowthPercent: pct})
	}
	slices.SortFunc(out, func(x, y TimeChange) int {
		return cmp.Or(cmp.Compare(y.DurationBNs-y.DurationANs, x.DurationBNs-x.DurationANs), strings.Compare(x.Syscall, y.Syscall))
	})
	return out
}

// threadDiffs aligns the calls of each matched pair of threads.
func threadDiffs(ra *run, opts Options) []ThreadDiff {
	out := []ThreadDiff{}
	for _, ta := range ra.threads {
		tb := ta.match
		if tb == nil {
			continue
		}
		es := seqDiff(ta.items, tb.items)
		if len(es) == 0 || (len(es) == 1 && es[0].Op == Equal) {
			continue
		}
		td := ThreadDiff{A: threadRef(ta), B: threadRef(tb), CallsA: len(ta.items), CallsB: len(tb.items), ta: ta, tb: tb}
		td.Hunks, td.HunksOmitted = hunks(es, opts.Context, opts.MaxHunks, opts.MaxHunkLines)
		out = append(out, td)
	}
	return out
}

// hunks groups an edit script into hunks with ctx calls of context, the
// first max of them with their lines, at most maxLines each (0: all).
func hunks(es []Edit, ctx, max, maxLines int) ([]Hunk, int) {
	type span struct{ first, last int } // indices into es of changes
	var spans []span
	for i, e := range es {
		if e.Op == Equal {
			continue
		}
		if n := len(spans); n > 0 {
			gap := 0
			for j := spans[n-1].last + 1; j < i; j++ {
				gap += es[j].N
			}
			if gap <= 2*ctx {
				spans[n-1].last = i
				continue
			}
		}
		spans = append(spans, span{i, i})
	}
	omitted := 0
	if max >= 0 && len(spans) > max {
		omitted = len(spans) - max
		spans = spans[:max]
	}
	out := make([]Hunk, 0, len(spans))
	for _, s := range spans {
		var h Hunk
		first := es[s.first]
		// Leading context from the equal run before.
		lead := 0
		if s.first > 0 {
			lead = min(ctx, es[s.first-1].N)
		}
		h.AStart, h.BStart = first.A-lead, first.B-lead
		for k := first.A - lead; k < first.A; k++ {
			h.Lines = append(h.Lines, HunkLine{Op: " ", item: k})
		}
		for j := s.first; j <= s.last; j++ {
			e := es[j]
			for k := 0; k < e.N; k++ {
				switch e.Op {
				case Equal:
					h.Lines = append(h.Lines, HunkLine{Op: " ", item: e.A + k})
				case Delete:
					h.Lines = append(h.Lines, HunkLine{Op: "-", item: e.A + k})
				case Insert:
					h.Lines = append(h.Lines, HunkLine{Op: "+", item: e.B + k})
				}
			}
		}
		last := es[s.last]
		endA, endB := last.A, last.B
		switch last.Op {
		case Delete:
			endA += last.N
		case Insert:
			endB += last.N
		}
		if s.last+1 < len(es) {
			n := min(ctx, es[s.last+1].N)
			for k := 0; k < n; k++ {
				h.Lines = append(h.Lines, HunkLine{Op: " ", item: endA + k})
			}
			endA += n
			endB += n
		}
		h.ACount, h.BCount = endA-h.AStart, endB-h.BStart
		if maxLines > 0 && len(h.Lines) > maxLines {
			h.LinesOmitted = len(h.Lines) - maxLines
			h.Lines = h.Lines[:maxLines]
		}
		h.AStart++
		h.BStart++
		out = append(out, h)
	}
	return out, omitted
}
