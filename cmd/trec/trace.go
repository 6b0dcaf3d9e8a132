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
}

// openTrace opens the trace named by the command's first argument ("-" is
// standard input) and reads its header. Errors name the file.
func openTrace(c *cli.Context) (*traceInput, error) {
	if c.NArg() < 1 {
		return nil, errors.New("missing trace file argument")
	}
	if c.NArg() > 1 {
		return nil, fmt.Errorf("unexpected argument %q", c.Args().Get(1))
	}
	return openTraceFile(c, c.Args().First())
}

// openTraceFile opens the trace name ("-" is standard input) and reads its
// header. Errors name the file.
func openTraceFile(c *cli.Context, name string) (*traceInput, error) {
	f, err := openInput(c, name)
	if err != nil {
		return nil, err
	}
	in := &traceInput{name: name, file: f}
	if st, ok := f.(*os.File); ok {
		if fi, err := st.Stat(); err == nil {
			if fi.IsDir() {
				f.Close()
				return nil, fmt.Errorf("%s: is a directory", name)
			}
			in.size = fi.Size()
		}
	}
	r, err := format.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	in.Reader = r
	return in, nil
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
