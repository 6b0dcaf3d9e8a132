package main

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
)

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "convert a trace for other tools: chrome-json (Perfetto, chrome://tracing), jsonl, or parquet (DuckDB, Spark, Trino; several FILEs into one table)",
		ArgsUsage: "FILE",
		Args:      true,
		Flags: withFilterFlags(
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "chrome-json", Usage: "output `FORMAT`: chrome-json or jsonl (format/JSON.md), or parquet (format/PARQUET.md)", Category: catOutput},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "-", Usage: "write to `OUT` (- for standard output)", Category: catOutput},
		),
		Action: runExport,
	}
}

// exportSink is what an export format needs from a visitor beyond Visitor.
type exportSink interface {
	analyze.Visitor
	finish() error
}

type chromeSink struct{ *analyze.ChromeExporter }

func (s chromeSink) finish() error { return s.Close() }

type jsonlSink struct{ *analyze.Printer }

func (s jsonlSink) finish() error { return s.Flush() }

// exportFormats are the values of export --format, which completion
// offers.
var exportFormats = []string{"chrome-json", "jsonl", "parquet"}

func runExport(c *cli.Context) error {
	fmtName := c.String("format")
	switch {
	case !slices.Contains(exportFormats, fmtName):
		last := len(exportFormats) - 1
		return usagef("--format %q: want %s or %s", fmtName, strings.Join(exportFormats[:last], ", "), exportFormats[last])
	case fmtName == "parquet":
		return runExportParquet(c)
	}
	s, err := openSession(c, true)
	if err != nil {
		return err
	}
	outName := c.String("output")
	file, out, err := s.createOutput(c, outName)
	if err != nil {
		return err
	}
	refs, err := s.refine(true)
	if err != nil {
		file.discard()
		return err
	}
	h := s.in.Reader.Header()
	var sink exportSink
	if fmtName == "jsonl" {
		sink = jsonlSink{analyze.NewPrinter(out, s.walker, h, analyze.DumpOptions{JSON: true, FDPaths: true})}
	} else {
		sink = chromeSink{analyze.NewChromeExporter(out, s.walker, h)}
	}
	rerr := s.walk(c, keeping(refs, sink))
	if werr := sink.finish(); werr != nil {
		s.in.file.Close()
		file.discard()
		return writeError(outName, werr)
	}
	return file.commit(c, s.in, rerr)
}
