package main

import (
	"bufio"
	"fmt"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/analyze/table"
)

// runExportParquet writes every trace named on the command line into one
// Parquet table, each trace in row groups of its own.
func runExportParquet(c *cli.Context) error {
	if c.NArg() < 1 {
		return usagef("missing trace file (usage: %s)", usageLine(c.Command))
	}
	if !c.IsSet("output") {
		return usagef("--format parquet needs -o OUT.parquet (- for standard output)")
	}
	names := c.Args().Slice()
	if i := slices.Index(names, stdinName); i >= 0 && slices.Contains(names[i+1:], stdinName) {
		return usagef("standard input (-) can be read once")
	}
	fo, quiet, err := filterOptions(c)
	if err != nil {
		return err
	}
	if len(quiet) > 0 {
		return usagef("-e quiet=%s: only trec dump prints the lines it hides", quiet[0])
	}
	outName := c.String("output")
	file, out, err := createOutput(outName, c.App.Writer, replaceOnSuccess)
	if err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	tw, err := table.NewWriter(bw, table.Options{})
	if err != nil {
		file.discard()
		return err
	}
	for _, name := range names {
		if err := exportTrace(c, tw, name, outName, fo); err != nil {
			tw.Close()
			file.discard()
			return err
		}
	}
	err = tw.Close()
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = file.close()
	}
	if err != nil {
		file.discard()
		return fmt.Errorf("%s: %w", outName, err)
	}
	return nil
}

// exportTrace writes the rows of trace name that the filter keeps, and of
// the other events those the kept calls refer to, as export's other
// formats do.
func exportTrace(c *cli.Context, tw *table.Writer, name, outName string, fo analyze.FilterOptions) error {
	in, err := openTraceName(c, name, readsTwice(c, fo))
	if err != nil {
		return err
	}
	if err := checkNotInput(in, outName); err != nil {
		in.file.Close()
		return err
	}
	s, err := newSession(c, in, fo, nil, true)
	if err != nil {
		return err
	}
	refs, err := s.refine(true)
	if err != nil {
		return err
	}
	t := tw.BeginTrace(s.in.Reader.Header(), s.in.Reader.HeaderBytes(), s.walker)
	src, done := s.source(c)
	rerr := s.walker.Walk(src, keeping(refs, t))
	done()
	if err := t.End(); err != nil {
		s.in.file.Close()
		return fmt.Errorf("%s: %w", outName, err)
	}
	return s.in.finish(c, rerr)
}
