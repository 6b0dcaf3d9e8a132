package diff

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"sync"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/format"
	"github.com/trecdev/trec/sysent"
)

// Input is one of the two traces to compare.
type Input struct {
	// Name names the trace in the report and in errors.
	Name string
	// Open opens the trace. It is called once per pass: once when the
	// runs match, twice when hunks are printed, once more with pid
	// filters.
	Open func() (io.ReadCloser, error)
}

// Options shape a comparison.
type Options struct {
	// Filter applies to both traces. Pids given with -p and --pid-tree
	// are looked up in both runs: a process of either run is kept with
	// its match in the other.
	Filter analyze.FilterOptions
	// Ignore is a syscall set, as -e trace= takes it, left out of the
	// comparison.
	Ignore string
	// Strict compares the calls whose number and results depend on
	// scheduling: futex, sched_yield, restart_syscall, rt_sigreturn,
	// waits for any child, calls interrupted by signals (EINTR,
	// ERESTART*) and reads and writes on streams that found nothing to
	// do (EAGAIN).
	Strict bool
	// TimeThreshold is how much a syscall's total time must grow to be
	// reported: 0.5 is 50%. MinTimeGrowth is the least growth reported,
	// in nanoseconds.
	TimeThreshold float64
	MinTimeGrowth int64
	// MaxHunks limits the hunks shown per thread; Context is the calls of
	// context around each.
	MaxHunks int
	Context  int
	// MaxHunkLines limits the calls shown of one hunk; 0 shows all.
	MaxHunkLines int
	// StrLen is dump's -s for the calls shown.
	StrLen int
	// JSON renders the calls of hunks as dump --json's objects.
	JSON bool
}

// ErrArch is returned for traces of two architectures.
var ErrArch = errors.New("the traces were recorded on different architectures")

// Compare compares the runs that traces a and b recorded.
func Compare(a, b Input, opts Options) (*Report, error) {
	seed := maphash.MakeSeed()
	fa, fb := opts.Filter, opts.Filter
	if len(opts.Filter.Pids) > 0 || len(opts.Filter.PidTrees) > 0 {
		// Which processes the pids name, in both runs, takes a first
		// pass over everything.
		all := opts
		all.Filter.Pids, all.Filter.PidTrees = nil, nil
		ra, rb, err := collectBoth(a, b, all, seed, all.Filter, all.Filter)
		if err != nil {
			return nil, err
		}
		matchRuns(ra, rb)
		if fa, fb, err = translatePids(ra, rb, opts.Filter); err != nil {
			return nil, err
		}
	}
	ra, rb, err := collectBoth(a, b, opts, seed, fa, fb)
	if err != nil {
		return nil, err
	}
	matchRuns(ra, rb)
	rep := build(ra, rb, opts)
	if err := renderHunks(a, b, ra, rb, rep, opts, seed, fa, fb); err != nil {
		return nil, err
	}
	return rep, nil
}

// collectBoth walks both traces at once.
func collectBoth(a, b Input, opts Options, seed maphash.Seed, fa, fb analyze.FilterOptions) (*run, *run, error) {
	var ra, rb *run
	var ea, eb error
	var wg sync.WaitGroup
	wg.Go(func() { ra, ea = collect(a, opts, seed, fa, nil) })
	rb, eb = collect(b, opts, seed, fb, nil)
	wg.Wait()
	if err := firstErr(ea, eb); err != nil {
		return nil, nil, err
	}
	if ra.tab.Arch() != rb.tab.Arch() {
		return nil, nil, fmt.Errorf("%s (%s) and %s (%s): %w", a.Name, ra.tab.Arch(), b.Name, rb.tab.Arch(), ErrArch)
	}
	return ra, rb, nil
}

// firstErr returns ea, else eb: the same bad option fails on both sides,
// and one line says so.
func firstErr(ea, eb error) error {
	if ea != nil {
		return ea
	}
	return eb
}

// renderer prints the calls of hunks during a second pass.
type renderer struct {
	// windows are the stretches of streams to collect.
	windows map[windowKey]*window
	// want lists, per thread index, the item indices to print, sorted.
	want  map[int][]int
	next  map[int]int
	left  int
	lines map[[2]int][]byte
}

// collect walks one trace. With rd, it prints the calls rd wants and stops
// once it has them all.
func collect(in Input, opts Options, seed maphash.Seed, fopts analyze.FilterOptions, rd *renderer) (*run, error) {
	f, err := in.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rdr, err := format.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	h := rdr.Header()
	tab, err := analyze.TableFor(h)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	filter, err := analyze.ParseFilter(tab, fopts)
	if err != nil {
		return nil, err
	}
	var ignore *sysent.Set
	if opts.Ignore != "" {
		s, err := sysent.ParseSet(tab, opts.Ignore)
		if err != nil {
			return nil, fmt.Errorf("--ignore %s: %w", opts.Ignore, err)
		}
		ignore = &s
	}
	w, err := analyze.NewWalker(h, filter, analyze.WalkerOptions{TrackFDs: true})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	r := &run{name: in.Name, header: h, tab: tab, sys: map[int32]*sysCount{}, fails: map[failKey]uint64{}}
	col := newCollector(r, w, ignore, opts.Strict, seed)
	if rd != nil {
		p := analyze.NewPrinter(io.Discard, w, h, analyze.DumpOptions{FDPaths: true, StrLen: opts.StrLen, JSON: opts.JSON})
		col.render = func(th *thread, item int, c *analyze.Call) {
			want := rd.want[th.idx]
			k := rd.next[th.idx]
			if k >= len(want) || want[k] != item {
				return
			}
			rd.next[th.idx] = k + 1
			rd.lines[[2]int{th.idx, item}] = p.AppendCall(nil, c)
			rd.left--
		}
	}
	if rd != nil {
		col.window = func(st *stream, c *analyze.Call) {
			w := rd.windows[windowKey{st.proc.idx, st.key}]
			if w == nil || w.pos >= w.end {
				return
			}
			full := false
			moved(c, st.key.dir, func(d []byte) { full = full || w.add(d) })
			if full {
				rd.left--
			}
		}
	}
	for rd == nil || rd.left > 0 {
		e, err := rdr.Next()
		if err == nil {
			w.Step(e, col)
			continue
		}
		w.Finish(col)
		switch {
		case errors.Is(err, io.EOF):
		case errors.Is(err, format.ErrTruncated):
			r.trunc = true
		default:
			return nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		break
	}
	col.link()
	r.trailer = rdr.Trailer()
	r.events, r.kept, r.end = w.Read(), w.Kept(), w.EndTime()
	if t := r.trailer; t != nil && t.EndTime > r.end {
		r.end = t.EndTime
	}
	if rd == nil {
		r.files = col.stats.Report(r.kept, r.end).Files
	}
	return r, nil
}

// translatePids turns the -p and --pid-tree values, each naming processes
// of either run, into the filter of each run: the processes and their
// matches, each named by its pid and start.
func translatePids(ra, rb *run, f analyze.FilterOptions) (fa, fb analyze.FilterOptions, err error) {
	fa, fb = f, f
	fa.Pids, fa.PidTrees, fb.Pids, fb.PidTrees = nil, nil, nil, nil
	for _, list := range []struct {
		specs  []string
		fa, fb *[]string
		flag   string
	}{{f.Pids, &fa.Pids, &fb.Pids, "-p"}, {f.PidTrees, &fa.PidTrees, &fb.PidTrees, "--pid-tree"}} {
		for _, spec := range list.specs {
			pid, start, hasStart, err := analyze.ParsePid(spec)
			if err != nil {
				return fa, fb, fmt.Errorf("%s %s: %w", list.flag, spec, err)
			}
			found := false
			for _, side := range []struct {
				r          *run
				own, other *[]string
			}{{ra, list.fa, list.fb}, {rb, list.fb, list.fa}} {
				for _, p := range side.r.procs {
					if p.pid != pid || (hasStart && p.start < start) {
						continue
					}
					found = true
					*side.own = append(*side.own, processSpec(p))
					if p.match != nil {
						*side.other = append(*side.other, processSpec(p.match))
					}
					if hasStart {
						// PID@START names the first such process.
						break
					}
				}
			}
			if !found {
				return fa, fb, fmt.Errorf("%s %s: no such process in %s or %s", list.flag, spec, ra.name, rb.name)
			}
		}
	}
	return fa, fb, nil
}

// processSpec names p alone as -p does: its pid and start.
func processSpec(p *process) string {
	return fmt.Sprintf("%d@%dns", p.pid, p.start)
}

// renderHunks prints the calls the report's hunks show, in a second pass
// over each trace that stops once it has them.
func renderHunks(a, b Input, ra, rb *run, rep *Report, opts Options, seed maphash.Seed, fa, fb analyze.FilterOptions) error {
	newRenderer := func() *renderer {
		return &renderer{want: map[int][]int{}, next: map[int]int{}, lines: map[[2]int][]byte{}, windows: map[windowKey]*window{}}
	}
	rda, rdb := newRenderer(), newRenderer()
	for i := range rep.Streams {
		sc := &rep.Streams[i]
		if sc.FirstDifference == nil {
			continue
		}
		for _, side := range []struct {
			rd    *renderer
			p     *process
			bytes uint64
		}{{rda, sc.pa, sc.BytesA}, {rdb, sc.pb, sc.BytesB}} {
			w := &window{start: *sc.FirstDifference, end: min(*sc.FirstDifference+blockSize, side.bytes)}
			side.rd.windows[windowKey{side.p.idx, sc.key}] = w
			if w.start < w.end {
				side.rd.left++
			}
		}
	}
	for i := range rep.Threads {
		td := &rep.Threads[i]
		for _, h := range td.Hunks {
			for _, l := range h.Lines {
				rd, idx := rda, td.ta.idx
				if l.Op == "+" {
					rd, idx = rdb, td.tb.idx
				}
				rd.want[idx] = append(rd.want[idx], l.item)
				rd.left++
			}
		}
	}
	if rda.left == 0 && rdb.left == 0 {
		return nil
	}
	var ea, eb error
	var wg sync.WaitGroup
	if rda.left > 0 {
		wg.Go(func() { _, ea = collect(a, opts, seed, fa, rda) })
	}
	if rdb.left > 0 {
		_, eb = collect(b, opts, seed, fb, rdb)
	}
	wg.Wait()
	if err := firstErr(ea, eb); err != nil {
		return err
	}
	for i := range rep.Streams {
		sc := &rep.Streams[i]
		if sc.FirstDifference != nil {
			sc.excerpts(rda.windows[windowKey{sc.pa.idx, sc.key}], rdb.windows[windowKey{sc.pb.idx, sc.key}])
		}
	}
	for i := range rep.Threads {
		td := &rep.Threads[i]
		for j := range td.Hunks {
			for k := range td.Hunks[j].Lines {
				l := &td.Hunks[j].Lines[k]
				rd, idx := rda, td.ta.idx
				if l.Op == "+" {
					rd, idx = rdb, td.tb.idx
				}
				l.setText(rd.lines[[2]int{idx, l.item}])
			}
		}
	}
	return nil
}
