package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/analyze/diff"
)

func diffCommand() *cli.Command {
	return &cli.Command{
		Name:  "diff",
		Usage: "show how two runs differ, after normalizing pids, fds, addresses and times",
		Description: "Exit status as diff(1): 0 when the runs match after normalization, 1 when they\n" +
			"differ, 2 on trouble. Times do not count: a run that only got slower exits 0 and\n" +
			"shows the syscalls whose time grew.",
		ArgsUsage: "A B",
		Args:      true,
		Flags: withFilterFlags(
			&cli.BoolFlag{Name: "json", Usage: "print every section as one JSON object"},
			&cli.StringFlag{Name: "ignore", Usage: "leave the syscalls in `SET` out of the comparison (names, %classes)"},
			&cli.BoolFlag{Name: "strict", Usage: "also compare what scheduling decides: futex, sched_yield, EINTR, EAGAIN on streams"},
			&cli.StringFlag{Name: "time-threshold", Value: "50%", Usage: "list syscalls whose total time grew by more than `PCT` (and by 1 ms)"},
			&cli.IntFlag{Name: "max-hunks", Value: 10, Usage: "show at most `N` hunks per thread"},
			&cli.IntFlag{Name: "max-hunk-lines", Value: 200, Usage: "show at most `N` calls of each hunk (0: all)"},
			&cli.IntFlag{Name: "context", Aliases: []string{"U"}, Value: 3, Usage: "show `N` calls of context around each change"},
			&cli.IntFlag{Name: "s", Value: analyze.DefaultStrLen, Usage: "print at most `N` bytes of each string"},
		),
		Action: runDiff,
	}
}

// troubleError ends trec diff with status 2, as diff(1) does on trouble.
type troubleError struct{ err error }

func (e troubleError) Error() string { return e.err.Error() }
func (e troubleError) Unwrap() error { return e.err }
func (troubleError) ExitCode() int   { return 2 }

// parsePercent reads "50%", "50" or "0.5x" as a fraction.
func parsePercent(s string) (float64, error) {
	t := strings.TrimSuffix(s, "%")
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("--time-threshold %q: want a percentage such as 50%%", s)
	}
	return v / 100, nil
}

func runDiff(c *cli.Context) error {
	err := diffRun(c)
	var ee *exitError
	if err == nil || errors.As(err, &ee) {
		return err
	}
	return troubleError{err}
}

func diffRun(c *cli.Context) error {
	for _, a := range c.Args().Slice() {
		if strings.HasPrefix(a, "-") && a != stdinName {
			return fmt.Errorf("flag %s after the trace files: put flags before A B", a)
		}
	}
	if n := c.NArg(); n != 2 {
		got := fmt.Sprintf("%d arguments", n)
		if n == 1 {
			got = "one: " + c.Args().First()
		}
		return fmt.Errorf("want two trace files, a and b; got %s", got)
	}
	thr, err := parsePercent(c.String("time-threshold"))
	if err != nil {
		return err
	}
	for _, f := range []string{"max-hunks", "max-hunk-lines", "context", "s"} {
		if c.Int(f) < 0 {
			return fmt.Errorf("--%s: must not be negative", f)
		}
	}
	strLen := c.Int("s")
	if strLen == 0 {
		strLen = analyze.StrLenNone
	}
	fo, quiet, err := filterOptions(c)
	if err == nil && len(quiet) > 0 {
		err = fmt.Errorf("-e quiet=%s: only trec dump prints the lines it hides", quiet[0])
	}
	if err != nil {
		return err
	}
	names := c.Args().Slice()
	if names[0] == stdinName && names[1] == stdinName {
		return errors.New("only one of the traces can be standard input")
	}
	inputs := make([]diff.Input, 2)
	for i, name := range names {
		inputs[i] = diffInput(c, name)
	}
	opts := diff.Options{
		Filter:        fo,
		Ignore:        c.String("ignore"),
		Strict:        c.Bool("strict"),
		TimeThreshold: thr,
		MinTimeGrowth: int64(time.Millisecond),
		MaxHunks:      c.Int("max-hunks"),
		MaxHunkLines:  c.Int("max-hunk-lines"),
		Context:       c.Int("context"),
		StrLen:        strLen,
		JSON:          c.Bool("json"),
	}
	rep, err := diff.Compare(inputs[0], inputs[1], opts)
	if err != nil {
		return err
	}
	if !opts.JSON {
		for _, w := range rep.Warnings {
			fmt.Fprintf(c.App.ErrWriter, "trec: warning: %s\n", w)
		}
		rep.Warnings = nil
	}
	if opts.JSON {
		err = rep.WriteJSON(c.App.Writer)
	} else {
		err = rep.WriteText(c.App.Writer)
	}
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if !rep.Equal {
		return &exitError{code: 1}
	}
	return nil
}

// diffInput opens a trace once per pass; standard input is read into
// memory the first time.
func diffInput(c *cli.Context, name string) diff.Input {
	if name != stdinName {
		return diff.Input{Name: name, Open: func() (io.ReadCloser, error) {
			f, err := os.Open(name)
			if err != nil {
				return nil, err
			}
			if fi, err := f.Stat(); err == nil && fi.IsDir() {
				f.Close()
				return nil, fmt.Errorf("%s: is a directory", name)
			}
			return f, nil
		}}
	}
	read := sync.OnceValues(func() ([]byte, error) { return io.ReadAll(c.App.Reader) })
	return diff.Input{Name: "standard input", Open: func() (io.ReadCloser, error) {
		data, err := read()
		if err != nil {
			return nil, fmt.Errorf("standard input: %w", err)
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}}
}
