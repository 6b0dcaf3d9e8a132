package analyze

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// WriteSyscallTable writes the syscall table exactly as strace -c prints
// it: column widths, the dashed rules, blank error cells for zero, and the
// total row.
func (r *Report) WriteSyscallTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	totalSec := seconds(r.Total.DurationNs)
	var maxAvg uint64
	for i := range r.Syscalls {
		if a := avgUsecs(r.Syscalls[i].DurationNs, r.Syscalls[i].Calls); a > maxAvg {
			maxAvg = a
		}
	}
	wPct := 6
	wSec := max(11, len(strconv.FormatFloat(totalSec, 'f', 6, 64)))
	wAvg := max(11, len(strconv.FormatUint(maxAvg, 10)))
	wCalls := max(9, len(strconv.FormatUint(r.Total.Calls, 10)))
	wErr := max(9, len(strconv.FormatUint(r.Total.Errors, 10)))
	nameMax := 0
	for i := range r.Syscalls {
		nameMax = max(nameMax, len(r.Syscalls[i].Syscall))
	}
	wName := max(16, nameMax+1)

	var b []byte
	b = padLeft(b, "% time", wPct)
	b = append(b, ' ')
	b = padLeft(b, "seconds", wSec)
	b = append(b, ' ')
	b = padLeft(b, "usecs/call", wAvg)
	b = append(b, ' ')
	b = padLeft(b, "calls", wCalls)
	b = append(b, ' ')
	b = padLeft(b, "errors", wErr)
	b = append(b, " syscall\n"...)
	rule := func(b []byte) []byte {
		for i, n := range []int{wPct, wSec, wAvg, wCalls, wErr, wName} {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, strings.Repeat("-", n)...)
		}
		return append(b, '\n')
	}
	b = rule(b)
	row := func(b []byte, pct, sec float64, avg, calls, errs uint64, name string) []byte {
		b = padLeft(b, strconv.FormatFloat(pct, 'f', 2, 64), wPct)
		b = append(b, ' ')
		b = padLeft(b, strconv.FormatFloat(sec, 'f', 6, 64), wSec)
		b = append(b, ' ')
		b = padLeft(b, strconv.FormatUint(avg, 10), wAvg)
		b = append(b, ' ')
		b = padLeft(b, strconv.FormatUint(calls, 10), wCalls)
		b = append(b, ' ')
		e := ""
		if errs != 0 {
			e = strconv.FormatUint(errs, 10)
		}
		b = padLeft(b, e, wErr)
		b = append(b, ' ')
		b = append(b, name...)
		return append(b, '\n')
	}
	for i := range r.Syscalls {
		s := &r.Syscalls[i]
		sec := seconds(s.DurationNs)
		pct := 100 * sec
		if pct != 0 {
			pct /= totalSec
		}
		b = row(b, pct, sec, avgUsecs(s.DurationNs, s.Calls), s.Calls, s.Errors, s.Syscall)
	}
	b = rule(b)
	var totAvg uint64
	if r.Total.Calls > 0 {
		totAvg = uint64(totalSec / float64(r.Total.Calls) * 1e6)
	}
	b = row(b, 100, totalSec, totAvg, r.Total.Calls, r.Total.Errors, "total")
	bw.Write(b)
	return bw.Flush()
}

// avgUsecs returns the microseconds per call as strace computes them: the
// rounded average duration, truncated to whole microseconds.
func avgUsecs(ns int64, calls uint64) uint64 {
	if calls == 0 {
		return 0
	}
	avg := (ns + int64(calls/2)) / int64(calls)
	return uint64(seconds(avg) * 1e6)
}

func padLeft(b []byte, s string, w int) []byte {
	for i := len(s); i < w; i++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

func padRight(b []byte, s string, w int) []byte {
	b = append(b, s...)
	for i := len(s); i < w; i++ {
		b = append(b, ' ')
	}
	return b
}

// WriteText writes the report as trec stats prints it: the summary line,
// the failed paths, strace -c's table, then the processes, files, network
// peers, signals and slowest calls, each under a title line and only when
// it has rows. Sections other than the table and the slowest calls are cut
// at TextRows rows, with a line saying how many more there are.
func (r *Report) WriteText(w io.Writer) error {
	b := r.appendSummary(nil)
	f := func(ns int64) string { return strconv.FormatFloat(seconds(ns), 'f', 6, 64) }
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	i32 := func(v int32) string { return strconv.FormatInt(int64(v), 10) }
	if len(r.FailedPaths) > 0 {
		b = append(b, "\nfailed paths\n"...)
		b = append(b, "    count syscall          errno           path\n"...)
		rows, more := r.textRows(len(r.FailedPaths), r.Omitted.FailedPaths)
		for _, x := range r.FailedPaths[:rows] {
			b = padLeft(b, u(x.Count), 9)
			b = append(b, ' ')
			b = padRight(b, x.Syscall, 16)
			b = append(b, ' ')
			b = padRight(b, x.Errno, 15)
			b = append(b, ' ')
			b = append(b, x.Path...)
			b = append(b, '\n')
		}
		b = appendMore(b, more)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return err
	}
	if err := r.WriteSyscallTable(w); err != nil {
		return err
	}
	b = b[:0]
	if len(r.Processes) > 0 {
		b = append(b, "\nprocesses\n"...)
		b = append(b, "    pid  parent      start     calls   duration  exit        program\n"...)
		procs, more := r.Processes, r.Omitted.Processes
		if r.TextRows > 0 {
			var cut int
			procs, cut = topProcesses(procs, r.TextRows, r.key)
			more += cut
		}
		for _, p := range procs {
			b = padLeft(b, i32(p.Pid), 7)
			b = append(b, ' ')
			switch {
			case p.Parent != nil:
				b = padLeft(b, i32(p.Parent.Pid), 7)
			case r.rooted:
				// The program trec started: trec is its parent.
				b = padLeft(b, "trec", 7)
			default:
				b = padLeft(b, "-", 7)
			}
			b = append(b, ' ')
			// Cut, not rounded: -p PID@START with the printed start
			// names this process, the first to start at or after it.
			b = padLeft(b, string(appendFrac(append(strconv.AppendInt(nil, p.StartNs/1e9, 10), '.'), p.StartNs%1e9/1e3)), 10)
			b = append(b, ' ')
			b = padLeft(b, u(p.Calls), 9)
			b = append(b, ' ')
			d, exit := p.sofar, "running"
			if p.DurationNs != nil {
				d = *p.DurationNs
				switch {
				case p.Signal != "" && p.CoreDumped:
					exit = p.Signal + "+core"
				case p.Signal != "":
					exit = p.Signal
				default:
					exit = strconv.Itoa(*p.ExitStatus)
				}
			}
			b = padLeft(b, f(d), 10)
			b = append(b, "  "...)
			b = padRight(b, exit, 11)
			b = append(b, ' ')
			for range p.depth {
				b = append(b, "  "...)
			}
			if len(p.Execs) == 0 {
				b = append(b, '?')
			}
			for j, x := range p.Execs {
				if j > 0 {
					b = append(b, " => "...)
				}
				if len(x.Argv) == 0 {
					b = append(b, x.Path...)
				}
				b = appendShellWords(b, x.Argv)
			}
			if p.Threads > 1 {
				b = append(b, " ["...)
				b = strconv.AppendInt(b, int64(p.Threads), 10)
				b = append(b, " threads]"...)
			}
			b = append(b, '\n')
		}
		b = appendMore(b, more)
	}
	if len(r.Files) > 0 {
		b = append(b, "\nfiles\n"...)
		b = append(b, "    calls    errors     opens    duration    bytes read  bytes written path\n"...)
		rows, more := r.textRows(len(r.Files), r.Omitted.Files)
		for _, x := range r.Files[:rows] {
			b = padLeft(b, u(x.Calls), 9)
			b = append(b, ' ')
			b = padLeft(b, blank0(x.Errors), 9)
			b = append(b, ' ')
			b = padLeft(b, u(x.Opens), 9)
			b = append(b, ' ')
			b = padLeft(b, f(x.DurationNs), 11)
			b = append(b, ' ')
			b = padLeft(b, u(x.BytesRead), 13)
			b = append(b, ' ')
			b = padLeft(b, u(x.BytesWritten), 14)
			b = append(b, ' ')
			b = append(b, x.Path...)
			b = append(b, '\n')
		}
		b = appendMore(b, more)
	}
	if len(r.Network) > 0 {
		b = append(b, "\nnetwork\n"...)
		b = append(b, "    calls    errors    bytes read  bytes written peer (syscalls)\n"...)
		rows, more := r.textRows(len(r.Network), r.Omitted.Network)
		for _, x := range r.Network[:rows] {
			b = padLeft(b, u(x.Calls), 9)
			b = append(b, ' ')
			b = padLeft(b, blank0(x.Errors), 9)
			b = append(b, ' ')
			b = padLeft(b, u(x.BytesRead), 13)
			b = append(b, ' ')
			b = padLeft(b, u(x.BytesWritten), 14)
			b = append(b, ' ')
			b = append(b, x.Peer...)
			b = append(b, " ("...)
			b = append(b, strings.Join(x.Syscalls, ", ")...)
			b = append(b, ")\n"...)
		}
		b = appendMore(b, more)
	}
	if len(r.Signals) > 0 {
		b = append(b, "\nsignals\n"...)
		b = append(b, "    count signal     pids\n"...)
		rows, more := r.textRows(len(r.Signals), r.Omitted.Signals)
		for _, x := range r.Signals[:rows] {
			b = padLeft(b, u(x.Count), 9)
			b = append(b, ' ')
			b = padRight(b, x.Signal, 10)
			b = append(b, ' ')
			for j, p := range x.Processes {
				if j > 0 {
					b = append(b, ' ')
				}
				b = strconv.AppendInt(b, int64(p.Pid), 10)
			}
			b = append(b, '\n')
		}
		b = appendMore(b, more)
	}
	if len(r.Slowest) > 0 {
		b = append(b, "\nslowest calls\n"...)
		b = append(b, "   duration       start     pid syscall          result\n"...)
		for _, x := range r.Slowest {
			b = padLeft(b, f(x.DurationNs), 11)
			b = append(b, ' ')
			b = padLeft(b, f(x.TimeNs), 11)
			b = append(b, ' ')
			b = padLeft(b, i32(x.Tid), 7)
			b = append(b, ' ')
			b = padRight(b, x.Syscall, 16)
			b = append(b, ' ')
			b = append(b, x.RetText...)
			switch {
			case x.Path != "":
				b = append(b, "  "...)
				b = append(b, x.Path...)
			case x.FD != nil:
				b = append(b, "  fd "...)
				b = strconv.AppendInt(b, x.FD.FD, 10)
				if x.FD.Path != "" {
					b = append(b, ' ')
					b = append(b, x.FD.Path...)
				}
			}
			b = append(b, '\n')
		}
	}
	b = r.appendHookSections(b)
	if r.Placement != nil {
		b = r.Placement.appendText(b)
	}
	_, err := w.Write(b)
	return err
}

// textRows returns how many of a section's n rows WriteText prints, and
// how many it leaves out, counting those the report already left out.
func (r *Report) textRows(n, omitted int) (rows, more int) {
	rows = n
	if r.TextRows > 0 && n > r.TextRows {
		rows = r.TextRows
	}
	return rows, n - rows + omitted
}

// appendMore appends the line that ends a cut section.
func appendMore(b []byte, more int) []byte {
	if more == 0 {
		return b
	}
	b = append(b, "  ... "...)
	b = strconv.AppendInt(b, int64(more), 10)
	return append(b, " more (--top 0 for all)\n"...)
}

// appendSummary appends the report's first line: the command, how it
// ended, how long it ran, and its processes, calls and errors.
func (r *Report) appendSummary(b []byte) []byte {
	sm := &r.Summary
	if len(sm.Argv) == 0 && len(sm.Attached) == 0 {
		b = append(b, "(attached processes)"...)
	}
	for i, p := range sm.Attached {
		if i > 0 {
			b = append(b, ", "...)
		} else {
			b = append(b, "attached to "...)
		}
		b = strconv.AppendInt(b, int64(p.Pid), 10)
		b = append(b, ' ')
		b = appendShellWords(b, p.Argv)
	}
	b = appendShellWords(b, sm.Argv)
	b = append(b, ": "...)
	switch {
	case sm.EndReason != "":
		b = append(b, endTexts[sm.EndReason]...)
		if endTexts[sm.EndReason] == "" {
			b = append(b, sm.EndReason...)
		}
	case sm.Signal != "":
		b = append(b, "killed by "...)
		b = append(b, sm.Signal...)
	case sm.ExitStatus != nil:
		b = append(b, "exit status "...)
		b = strconv.AppendInt(b, int64(*sm.ExitStatus), 10)
	case !sm.Complete:
		b = append(b, "trace cut short"...)
	default:
		b = append(b, "exit status unknown"...)
	}
	b = append(b, ", "...)
	b = strconv.AppendFloat(b, seconds(sm.DurationNs), 'f', 6, 64)
	b = append(b, " s, "...)
	b = appendCount(b, uint64(sm.Processes), "process", "processes")
	if sm.Threads > sm.Processes {
		b = append(b, " ("...)
		b = appendCount(b, uint64(sm.Threads), "thread", "threads")
		b = append(b, ')')
	}
	b = append(b, ", "...)
	b = appendCount(b, sm.Calls, "call", "calls")
	b = append(b, ", "...)
	b = appendCount(b, sm.Errors, "error", "errors")
	if sm.Filter != "" {
		b = append(b, " (filter: "...)
		b = append(b, sm.Filter...)
		b = append(b, ')')
	}
	return append(b, '\n')
}

// endTexts say how an attached recording ended, by Summary.EndReason.
var endTexts = map[string]string{
	"exited":      "every process exited",
	"interrupted": "detached when trec was interrupted",
	"duration":    "detached after --duration",
	"error":       "detached after an error",
}

// appendShellWords appends argv as a shell would read it.
func appendShellWords(b []byte, argv []string) []byte {
	for i, a := range argv {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendShellWord(b, a)
	}
	return b
}

func appendCount(b []byte, n uint64, one, many string) []byte {
	b = strconv.AppendUint(b, n, 10)
	b = append(b, ' ')
	if n == 1 {
		return append(b, one...)
	}
	return append(b, many...)
}

// ShellJoin returns argv as a shell command line, each word quoted when
// it needs to be: /bin/sh -c 'echo hi | tr a-z A-Z'.
func ShellJoin(argv []string) string { return string(appendShellWords(nil, argv)) }

// appendShellWord appends s quoted for a POSIX shell when it needs to be.
func appendShellWord(b []byte, s string) []byte {
	plain := s != ""
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("@%+=:,./-_", c) >= 0
	}
	if plain {
		return append(b, s...)
	}
	b = append(b, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			b = append(b, `'\''`...)
		} else {
			b = append(b, s[i])
		}
	}
	return append(b, '\'')
}

func blank0(v uint64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatUint(v, 10)
}
