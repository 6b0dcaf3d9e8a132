package diff

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteJSON writes the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people: the runs, then each section
// that has rows, then the hunks of each thread in trec dump's notation,
// "-" for a and "+" for b.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	for _, s := range []struct {
		side string
		r    RunSummary
	}{{"a", r.A}, {"b", r.B}} {
		p("%s: %s: %s (exit %s, %s s, %d events, %d compared calls)\n", s.side, s.r.Trace,
			argvText(s.r.Argv), statusText(s.r.ExitStatus), secs(s.r.DurationNs), s.r.Events, s.r.ComparedCalls)
	}
	pc := &r.Processes
	if len(pc.OnlyInA)+len(pc.OnlyInB) > 0 {
		p("\nprocesses in one run only\n")
		for _, x := range pc.OnlyInA {
			p("  - [%s] pid %d: %s (exit %s)\n", x.Position, x.Pid, progText(x), statusText(x.ExitStatus))
		}
		for _, x := range pc.OnlyInB {
			p("  + [%s] pid %d: %s (exit %s)\n", x.Position, x.Pid, progText(x), statusText(x.ExitStatus))
		}
	}
	if len(pc.Changed) > 0 {
		p("\nprocesses that changed\n")
		for _, x := range pc.Changed {
			p("  [%s] pid %d => [%s] pid %d (%s)\n", x.A.Position, x.A.Pid, x.B.Position, x.B.Pid, strings.Join(x.Changes, ", "))
			p("  - %s (exit %s)\n  + %s (exit %s)\n", progText(x.A), statusText(x.A.ExitStatus), progText(x.B), statusText(x.B.ExitStatus))
		}
	}
	if len(pc.ThreadsOnlyInA)+len(pc.ThreadsOnlyInB) > 0 {
		p("\nthreads in one run only\n")
		for _, t := range pc.ThreadsOnlyInA {
			p("  - pid %d tid %d: %s\n", t.Pid, t.Tid, t.Program)
		}
		for _, t := range pc.ThreadsOnlyInB {
			p("  + pid %d tid %d: %s\n", t.Pid, t.Tid, t.Program)
		}
	}
	if len(r.Syscalls) > 0 {
		p("\nsyscalls whose calls or errors changed\n")
		p("  %-20s %10s %10s %10s %10s\n", "syscall", "calls a", "calls b", "errors a", "errors b")
		for _, s := range r.Syscalls {
			p("  %-20s %10d %10d %10d %10d\n", s.Syscall, s.CallsA, s.CallsB, s.ErrorsA, s.ErrorsB)
		}
	}
	for _, f := range []struct {
		title string
		rows  []Failure
		sign  string
	}{{"new failures", r.NewFailures, "+"}, {"failures gone", r.GoneFailures, "-"}} {
		if len(f.rows) == 0 {
			continue
		}
		p("\n%s\n", f.title)
		for _, x := range f.rows {
			p("  %s %s %s", f.sign, x.Syscall, x.Errno)
			if x.Path != "" {
				p(" %s", strconv.Quote(x.Path))
			}
			if x.Count > 1 {
				p(" (%d times)", x.Count)
			}
			p("\n")
		}
	}
	if len(r.Files.OnlyInA)+len(r.Files.OnlyInB) > 0 {
		p("\nfiles opened in one run only\n")
		for _, f := range r.Files.OnlyInA {
			p("  - %s\n", f)
		}
		for _, f := range r.Files.OnlyInB {
			p("  + %s\n", f)
		}
	}
	if len(r.Bytes) > 0 {
		p("\nbytes read and written that changed\n")
		p("  %12s %12s %12s %12s  path\n", "read a", "read b", "written a", "written b")
		for _, x := range r.Bytes {
			p("  %12d %12d %12d %12d  %s\n", x.BytesReadA, x.BytesReadB, x.BytesWrittenA, x.BytesWrittenB, x.Path)
		}
	}
	if len(r.Streams) > 0 {
		p("\nbyte streams that differ (pipes, sockets, terminals)\n")
		for _, s := range r.Streams {
			p("  [%s] pid %d fd %d <%s> %s: %d bytes in %s => %d bytes in %s", s.A.Position, s.A.Pid,
				s.Fd, s.Target, s.Direction, s.BytesA, calls(s.CallsA), s.BytesB, calls(s.CallsB))
			switch {
			case s.FirstDifference != nil:
				p("; first difference at byte %d\n    - %d: %s\n    + %d: %s", *s.FirstDifference,
					s.ExcerptOffset, s.ExcerptA, s.ExcerptOffset, s.ExcerptB)
			case !s.ContentCompared:
				p("; lengths only (captures cut at -s)")
			}
			p("\n")
		}
	}
	if len(r.Time) > 0 {
		p("\ntime per syscall that grew\n")
		p("  %-20s %12s %12s %8s\n", "syscall", "seconds a", "seconds b", "growth")
		for _, t := range r.Time {
			g := "new"
			if t.DurationANs > 0 {
				g = "+" + strconv.FormatInt(t.GrowthPercent, 10) + "%"
			}
			p("  %-20s %12s %12s %8s\n", t.Syscall, secs(t.DurationANs), secs(t.DurationBNs), g)
		}
	}
	for _, t := range r.Threads {
		p("\n--- a pid %d tid %d: %s\n+++ b pid %d tid %d: %s\n", t.A.Pid, t.A.Tid, t.A.Program, t.B.Pid, t.B.Tid, t.B.Program)
		for _, h := range t.Hunks {
			p("@@ -%d,%d +%d,%d @@\n", h.AStart, h.ACount, h.BStart, h.BCount)
			for _, l := range h.Lines {
				text := l.Text
				if text == "" && l.Event != nil {
					text = string(l.Event)
				}
				p("%s%s\n", l.Op, text)
			}
			if h.LinesOmitted > 0 {
				p("(%d more calls in this hunk: --max-hunk-lines shows them)\n", h.LinesOmitted)
			}
		}
		if t.HunksOmitted > 0 {
			p("(%d more hunks: --max-hunks shows them)\n", t.HunksOmitted)
		}
	}
	for _, wn := range r.Warnings {
		p("\nwarning: %s\n", wn)
	}
	if r.Equal {
		p("\nno differences after normalization\n")
	}
	return bw.Flush()
}

func secs(ns int64) string { return strconv.FormatFloat(float64(ns)/1e9, 'f', 6, 64) }

func statusText(s *int) string {
	if s == nil {
		return "?"
	}
	return strconv.Itoa(*s)
}

func argvText(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`|&;<>()*?[]{}~#") {
			a = strconv.Quote(a)
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

func progText(x Process) string {
	if len(x.Argv) > 0 {
		return argvText(x.Argv)
	}
	if x.Path != "" {
		return x.Path
	}
	return "?"
}

func calls(n uint64) string {
	if n == 1 {
		return "1 call"
	}
	return strconv.FormatUint(n, 10) + " calls"
}
