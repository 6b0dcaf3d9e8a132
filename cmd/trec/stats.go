package main

import (
	"encoding/json"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
)

// textTop is how many rows the text report shows of each section but the
// syscall table and the slowest calls, unless --top says otherwise.
const textTop = 10

func statsCommand() *cli.Command {
	return &cli.Command{
		Name:      "stats",
		Usage:     "summarize a trace: how it ended, failed paths, strace -c's table, processes, files, network, signals, slowest calls",
		ArgsUsage: "FILE",
		Args:      true,
		Flags: withFilterFlags(
			&cli.BoolFlag{Name: "json", Usage: "print the report as one JSON object (format/JSON.md)", Category: catOutput},
			&cli.StringFlag{Name: "sort-by", Aliases: []string{"S"}, Value: "time", Usage: "sort by `KEY`: time, calls, errors, name or none", Category: catOutput},
			&cli.IntFlag{Name: "top", Usage: "show the first `N` rows of each section; 0 shows all (default: 10 in text, all in JSON, the syscall table whole)", Category: catOutput},
			&cli.BoolFlag{Name: "summary-only", Aliases: []string{"c"}, Usage: "print only strace -c's syscall table", Category: catOutput},
		),
		Action: runStats,
	}
}

func runStats(c *cli.Context) error {
	key, err := analyze.ParseSortBy(c.String("sort-by"))
	if err != nil {
		return usagef("-S: %w", err)
	}
	if c.Int("top") < 0 {
		return usagef("--top %d: must not be negative", c.Int("top"))
	}
	if err := checkStdout(c); err != nil {
		return err
	}
	s, err := openSession(c, true)
	if err != nil {
		return err
	}
	st := analyze.NewStats(s.walker, analyze.StatsOptions{SortBy: key, Top: c.Int("top"), CallingOnly: s.filter.SelectsCalls()})
	rerr := s.walk(c, st)
	complete := s.in.Reader.Trailer() != nil && !s.in.Reader.Trailer().GetTruncated()
	if err := s.in.finish(c, rerr); err != nil {
		return err
	}
	s.warnUnmatched(c)
	end := s.walker.EndTime()
	tr := s.in.Reader.Trailer()
	if tr != nil && tr.EndTime > end {
		end = tr.EndTime
	}
	if t := s.in.Reader.Trailer(); t != nil {
		st.HookCounts(t.Hooks)
	}
	rep := st.Report(s.walker.Kept(), end)
	rep.SetTrace(analyze.TraceInfo{Header: s.in.Reader.Header(), Trailer: tr, Complete: complete, Filter: s.filter.String()})
	if !c.IsSet("top") {
		rep.TextRows = textTop
	}
	out := c.App.Writer
	switch {
	case c.Bool("json") && c.Bool("summary-only"):
		err = writeJSON(out, struct {
			Syscalls []analyze.SyscallRow `json:"syscalls"`
			Total    analyze.TotalRow     `json:"total"`
		}{rep.Syscalls, rep.Total})
	case c.Bool("json"):
		err = writeJSON(out, rep)
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

// writeJSON writes v as one indented JSON object.
func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
