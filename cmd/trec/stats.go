package main

import (
	"encoding/json"
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
)

func statsCommand() *cli.Command {
	return &cli.Command{
		Name:      "stats",
		Usage:     "summarize a trace: strace -c's syscall table, processes, files, network peers, signals, slowest calls",
		ArgsUsage: "FILE",
		Args:      true,
		Flags: withFilterFlags(
			&cli.BoolFlag{Name: "json", Usage: "print every section as one JSON object"},
			&cli.StringFlag{Name: "sort-by", Aliases: []string{"S"}, Value: "time", Usage: "sort by `KEY`: time, calls, errors, name or none"},
			&cli.IntFlag{Name: "top", Usage: "show the first `N` rows of each section (0: all, and 10 slowest calls)"},
			&cli.BoolFlag{Name: "summary-only", Aliases: []string{"c"}, Usage: "print only the syscall table"},
		),
		Action: runStats,
	}
}

func runStats(c *cli.Context) error {
	key, err := analyze.ParseSortBy(c.String("sort-by"))
	if err != nil {
		return err
	}
	if c.Int("top") < 0 {
		return errors.New("--top: must not be negative")
	}
	if err := checkStdout(c); err != nil {
		return err
	}
	s, err := openSession(c, true)
	if err != nil {
		return err
	}
	st := analyze.NewStats(s.walker, analyze.StatsOptions{SortBy: key, Top: c.Int("top")})
	rerr := s.walk(c, st)
	if err := s.in.finish(c, rerr); err != nil {
		return err
	}
	end := s.walker.EndTime()
	if t := s.in.Reader.Trailer(); t != nil && t.EndTime > end {
		end = t.EndTime
	}
	rep := st.Report(s.walker.Kept(), end)
	out := c.App.Writer
	switch {
	case c.Bool("json"):
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case c.Bool("summary-only"):
		err = rep.WriteSyscallTable(out)
	default:
		err = rep.WriteText(out)
	}
	if err != nil {
		return writeError(stdinName, err)
	}
	return nil
}
