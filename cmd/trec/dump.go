package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
)

func dumpCommand() *cli.Command {
	return &cli.Command{
		Name:      "dump",
		Usage:     "print a trace as strace -f does, or as JSON Lines",
		ArgsUsage: "FILE",
		Args:      true,
		Flags: withFilterFlags(
			&cli.BoolFlag{Name: "t", Usage: "prefix each line with the time of day; -tt adds microseconds, -ttt prints seconds since the epoch", Category: catOutput},
			&cli.BoolFlag{Name: "tt", Usage: "prefix each line with the time of day and microseconds", Category: catOutput, Hidden: true},
			&cli.BoolFlag{Name: "ttt", Usage: "prefix each line with seconds since the epoch and microseconds", Category: catOutput, Hidden: true},
			&cli.BoolFlag{Name: "r", Usage: "prefix each line with the time since the previous line", Category: catOutput},
			&cli.BoolFlag{Name: "T", Usage: "append each call's duration: <0.000012>", Category: catOutput},
			&cli.BoolFlag{Name: "y", Usage: "print what fds refer to: 3</etc/passwd>; -yy adds sockets' protocol and endpoints: 5<TCP:[127.0.0.1:41952->127.0.0.1:80]>", Category: catOutput},
			&cli.IntFlag{Name: "s", Value: analyze.DefaultStrLen, Usage: "print at most `N` bytes of each string (0: none)", Category: catOutput},
			&cli.BoolFlag{Name: "x", Usage: "print a string with a non-printable byte in hex; -xx prints every string in hex", Category: catOutput},
			&cli.BoolFlag{Name: "q", Usage: "-qq leaves out the lines of processes' ends (+++ exited with 0 +++), as -e quiet=exit does", Category: catOutput},
			&cli.BoolFlag{Name: "json", Usage: "print JSON Lines: one object per call or event (format/JSON.md)", Category: catOutput},
		),
		Action: runDump,
	}
}

// dumpOptions reads dump's output flags.
func dumpOptions(c *cli.Context) (analyze.DumpOptions, error) {
	o := analyze.DumpOptions{
		Durations:  c.Bool("T"),
		FDPaths:    c.Bool("y"),
		Sockets:    c.Count("y") > 1,
		StrLen:     c.Int("s"),
		JSON:       c.Bool("json"),
		Hex:        analyze.HexMode(min(c.Count("x"), 2)),
		QuietExits: c.Count("q") > 1,
	}
	if o.StrLen < 0 {
		return o, usagef("-s %d: must not be negative", o.StrLen)
	}
	if o.StrLen == 0 {
		o.StrLen = analyze.StrLenNone
	}
	// As in strace, each t counts: -t -t, -tt and -ttT (-t -t -T once
	// split) all mean -tt.
	switch min(c.Count("t")+2*c.Count("tt")+3*c.Count("ttt"), 3) {
	case 1:
		o.Time = analyze.TimeClock
	case 2:
		o.Time = analyze.TimeClockUs
	case 3:
		o.Time = analyze.TimeEpoch
	}
	if c.Bool("r") {
		if o.Time != analyze.TimeNone {
			return o, usagef("-t, -tt, -ttt and -r: use one")
		}
		o.Time = analyze.TimeRelative
	}
	return o, nil
}

func runDump(c *cli.Context) error {
	opts, err := dumpOptions(c)
	if err != nil {
		return err
	}
	if err := checkStdout(c); err != nil {
		return err
	}
	s, err := openSession(c, opts.FDPaths || opts.JSON)
	if err != nil {
		return err
	}
	for _, q := range s.quiet {
		if err := quietOptions(&opts, q); err != nil {
			s.in.file.Close()
			return err
		}
	}
	p := analyze.NewPrinter(c.App.Writer, s.walker, s.in.Reader.Header(), opts)
	rerr := s.walk(c, p)
	if err := p.Flush(); err != nil {
		s.in.file.Close()
		return writeError(stdinName, err)
	}
	if err := s.in.finish(c, rerr); err != nil {
		return err
	}
	s.warnUnmatched(c)
	return nil
}

// quietOptions applies strace's -e quiet=LIST: exit (the lines of
// processes' ends), thread-execve or superseded (a leader replaced by
// another thread's execve), none, all, and ! negation. The messages strace
// prints that dump never does (attach, personality, path-resolution) are
// accepted and change nothing.
func quietOptions(o *analyze.DumpOptions, list string) error {
	body, neg := strings.CutPrefix(list, "!")
	exits, superseded := false, false
	for _, w := range strings.Split(body, ",") {
		switch w {
		case "exit", "exits":
			exits = true
		case "thread-execve", "superseded":
			superseded = true
		case "all":
			exits, superseded = true, true
		case "none", "", "attach", "personality", "path-resolution":
		default:
			return usagef("-e quiet=%s: unknown message %q (want exit, thread-execve, attach, personality, path-resolution, all or none)", list, w)
		}
	}
	if neg {
		exits, superseded = !exits, !superseded
	}
	o.QuietExits, o.QuietSuperseded = exits, superseded
	return nil
}
