package main

import (
	"errors"
	"fmt"

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
			&cli.BoolFlag{Name: "t", Usage: "prefix each line with the time of day"},
			&cli.BoolFlag{Name: "tt", Usage: "prefix each line with the time of day and microseconds"},
			&cli.BoolFlag{Name: "ttt", Usage: "prefix each line with seconds since the epoch and microseconds"},
			&cli.BoolFlag{Name: "r", Usage: "prefix each line with the time since the previous line"},
			&cli.BoolFlag{Name: "T", Usage: "append each call's duration: <0.000012>"},
			&cli.BoolFlag{Name: "y", Usage: "print the paths of fds: 3</etc/passwd>"},
			&cli.IntFlag{Name: "s", Value: analyze.DefaultStrLen, Usage: "print at most `N` bytes of each string"},
			&cli.BoolFlag{Name: "json", Usage: "print JSON Lines: one object per call or event"},
		),
		Action: runDump,
	}
}

// dumpOptions reads dump's output flags.
func dumpOptions(c *cli.Context) (analyze.DumpOptions, error) {
	o := analyze.DumpOptions{
		Durations: c.Bool("T"),
		FDPaths:   c.Bool("y"),
		StrLen:    c.Int("s"),
		JSON:      c.Bool("json"),
	}
	if o.StrLen < 0 {
		return o, errors.New("-s: must not be negative")
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
			return o, fmt.Errorf("-t, -tt, -ttt and -r: use one")
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
	s, err := openSession(c, opts.FDPaths)
	if err != nil {
		return err
	}
	p := analyze.NewPrinter(c.App.Writer, s.walker, s.in.Reader.Header(), opts)
	rerr := s.walk(c, p)
	if err := p.Flush(); err != nil {
		s.in.file.Close()
		return writeError(stdinName, err)
	}
	return s.in.finish(c, rerr)
}
