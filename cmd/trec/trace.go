package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/format"
)

// traceInput is an open trace being read by a command.
type traceInput struct {
	name   string
	file   io.ReadCloser
	size   int64
	Reader *format.Reader
	// spool is a copy of standard input, for a second reading.
	spool *os.File
}

// openTrace opens the trace named by the command's first argument ("-" is
// standard input) and reads its header. Errors name the file.
func openTrace(c *cli.Context) (*traceInput, error) {
	return openTraceSpooled(c, false)
}

// openTraceSpooled is openTrace; with spool set, standard input is also
// copied to a temporary file as it is read, to read it again (reread).
func openTraceSpooled(c *cli.Context, spool bool) (*traceInput, error) {
	if c.NArg() < 1 {
		return nil, usagef("missing trace file (usage: %s)", usageLine(c.Command))
	}
	if c.NArg() > 1 {
		return nil, usagef("unexpected argument %q: one trace at a time (usage: %s)", c.Args().Get(1), usageLine(c.Command))
	}
	return openTraceName(c, c.Args().First(), spool)
}

// openTraceName is openTraceSpooled for the trace name, one of several.
func openTraceName(c *cli.Context, name string, spool bool) (*traceInput, error) {
	f, err := openInput(c, name)
	if err != nil {
		return nil, err
	}
	in := &traceInput{name: name, file: f}
	if spool && name == stdinName {
		if in.spool, err = os.CreateTemp("", "trec-stdin-*.trc"); err != nil {
			return nil, fmt.Errorf("copy of standard input: %w", err)
		}
		os.Remove(in.spool.Name())
		in.file = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(f, in.spool), f}
	}
	if st, ok := f.(*os.File); ok {
		if fi, err := st.Stat(); err == nil {
			if fi.IsDir() {
				f.Close()
				return nil, fmt.Errorf("%s: is a directory", name)
			}
			in.size = fi.Size()
		}
	}
	r, err := format.NewReader(in.file)
	if err != nil {
		in.file.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	in.Reader = r
	return in, nil
}

// reread opens the trace again from its start: the file by its name, or
// the copy of standard input.
func (in *traceInput) reread() (*traceInput, error) {
	again := &traceInput{name: in.name, size: in.size}
	if in.spool != nil {
		if _, err := in.spool.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("copy of standard input: %w", err)
		}
		again.file = in.spool
	} else {
		f, err := os.Open(in.name)
		if err != nil {
			return nil, err
		}
		again.file = f
	}
	r, err := format.NewReader(again.file)
	if err != nil {
		again.file.Close()
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	again.Reader = r
	return again, nil
}

// finish closes the input and turns the reader's final error into the
// command's result: a truncated trace is a warning on stderr, not a failure.
func (in *traceInput) finish(c *cli.Context, err error) error {
	in.file.Close()
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return nil
	case errors.Is(err, format.ErrTruncated):
		fmt.Fprintf(c.App.ErrWriter, "trec: warning: trace truncated after %d events\n", in.Reader.Events())
		return nil
	}
	return fmt.Errorf("%s: %w", in.name, err)
}
