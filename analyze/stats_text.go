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
	totalSec := seconds(r.total.ns)
	var maxAvg uint64
	for i := range r.Syscalls {
		if a := avgUsecs(r.Syscalls[i].ns, r.Syscalls[i].Calls); a > maxAvg {
			maxAvg = a
		}
	}
	wPct := 6
	wSec := max(11, len(strconv.FormatFloat(totalSec, 'f', 6, 64)))
	wAvg := max(11, len(strconv.FormatUint(maxAvg, 10)))
	wCalls := max(9, len(strconv.FormatUint(r.total.calls, 10)))
	wErr := max(9, len(strconv.FormatUint(r.total.errors, 10)))
	nameMax := 0
	for i := range r.Syscalls {
		nameMax = max(nameMax, len(r.Syscalls[i].Name))
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
		sec := seconds(s.ns)
		pct := 100 * sec
		if pct != 0 {
			pct /= totalSec
		}
		b = row(b, pct, sec, avgUsecs(s.ns, s.Calls), s.Calls, s.Errors, s.Name)
	}
	b = rule(b)
	var totAvg uint64
	if r.total.calls > 0 {
		totAvg = uint64(totalSec / float64(r.total.calls) * 1e6)
	}
	b = row(b, 100, totalSec, totAvg, r.total.calls, r.total.errors, "total")
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

// WriteText writes the syscall table followed by the other sections that
// have rows, each under a title line.
func (r *Report) WriteText(w io.Writer) error {
	if err := r.WriteSyscallTable(w); err != nil {
		return err
	}
	var b []byte
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	i32 := func(v int32) string { return strconv.FormatInt(int64(v), 10) }
	if len(r.Processes) > 0 {
		b = append(b, "\nprocesses\n"...)
		b = append(b, "    pid  parent      start     calls   lifetime  exit        program\n"...)
		for _, p := range r.Processes {
			b = padLeft(b, i32(p.Pid), 7)
			b = append(b, ' ')
			b = padLeft(b, i32(p.Parent), 7)
			b = append(b, ' ')
			// Cut, not rounded: -p PID@START with the printed start
			// names this process, the first to start at or after it.
			b = padLeft(b, string(appendFrac(append(strconv.AppendInt(nil, p.StartNs/1e9, 10), '.'), p.StartNs%1e9/1e3)), 10)
			b = append(b, ' ')
			b = padLeft(b, u(p.Calls), 9)
			b = append(b, ' ')
			b = padLeft(b, f(p.LifetimeSeconds), 10)
			b = append(b, "  "...)
			exit := "running"
			if p.Exit != nil {
				switch {
				case p.Exit.Signal != "" && p.Exit.CoreDumped:
					exit = p.Exit.Signal + "+core"
				case p.Exit.Signal != "":
					exit = p.Exit.Signal
				default:
					exit = strconv.Itoa(p.Exit.Status)
				}
			}
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
				for k, a := range x.Argv {
					if k > 0 {
						b = append(b, ' ')
					}
					b = append(b, a...)
				}
			}
			if p.Threads > 1 {
				b = append(b, " ["...)
				b = strconv.AppendInt(b, int64(p.Threads), 10)
				b = append(b, " threads]"...)
			}
			b = append(b, '\n')
		}
	}
	if len(r.Files) > 0 {
		b = append(b, "\nfiles\n"...)
		b = append(b, "    calls    errors     opens     seconds    bytes read  bytes written path\n"...)
		for _, x := range r.Files {
			b = padLeft(b, u(x.Calls), 9)
			b = append(b, ' ')
			b = padLeft(b, blank0(x.Errors), 9)
			b = append(b, ' ')
			b = padLeft(b, u(x.Opens), 9)
			b = append(b, ' ')
			b = padLeft(b, f(x.Seconds), 11)
			b = append(b, ' ')
			b = padLeft(b, u(x.BytesRead), 13)
			b = append(b, ' ')
			b = padLeft(b, u(x.BytesWritten), 14)
			b = append(b, ' ')
			b = append(b, x.Path...)
			b = append(b, '\n')
		}
	}
	if len(r.Network) > 0 {
		b = append(b, "\nnetwork\n"...)
		b = append(b, "    calls    errors    bytes sent  bytes received peer (syscalls)\n"...)
		for _, x := range r.Network {
			b = padLeft(b, u(x.Calls), 9)
			b = append(b, ' ')
			b = padLeft(b, blank0(x.Errors), 9)
			b = append(b, ' ')
			b = padLeft(b, u(x.BytesSent), 13)
			b = append(b, ' ')
			b = padLeft(b, u(x.BytesReceived), 15)
			b = append(b, ' ')
			b = append(b, x.Address...)
			b = append(b, " ("...)
			b = append(b, strings.Join(x.Syscalls, ", ")...)
			b = append(b, ")\n"...)
		}
	}
	if len(r.Signals) > 0 {
		b = append(b, "\nsignals\n"...)
		b = append(b, "    count signal     pids\n"...)
		for _, x := range r.Signals {
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
	}
	if len(r.Slowest) > 0 {
		b = append(b, "\nslowest calls\n"...)
		b = append(b, "    seconds       start     pid syscall          result\n"...)
		for _, x := range r.Slowest {
			b = padLeft(b, f(x.Seconds), 11)
			b = append(b, ' ')
			b = padLeft(b, f(x.StartSeconds), 11)
			b = append(b, ' ')
			b = padLeft(b, i32(x.Tid), 7)
			b = append(b, ' ')
			b = padRight(b, x.Name, 16)
			b = append(b, ' ')
			b = append(b, x.Result...)
			if x.Detail != "" {
				b = append(b, "  "...)
				b = append(b, x.Detail...)
			}
			b = append(b, '\n')
		}
	}
	_, err := w.Write(b)
	return err
}

func blank0(v uint64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatUint(v, 10)
}
