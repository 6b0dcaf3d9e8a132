package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"
)

// output is a file a command writes: a trace or an export. A file the
// command created is removed when the command fails; an existing file is
// left as it was. A recording replaces an existing file at its first
// write (the program has started), so that a recorder killed halfway
// leaves the trace under its own name; filter and export write a
// temporary file and rename it over the old one when they succeed.
type output struct {
	name      string
	f         *os.File
	created   bool
	truncated bool
	// temp is the temporary file's name, renamed to name by close.
	temp string
}

// Output modes of createOutput.
const (
	replaceAtFirstWrite = iota
	replaceOnSuccess
)

// createOutput opens name for writing. "-" is the command's standard
// output, which is never closed or removed.
func createOutput(name string, stdout io.Writer, mode int) (*output, io.Writer, error) {
	if name == stdinName {
		return nil, stdout, nil
	}
	o := &output{name: name}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		o.f, o.created, o.truncated = f, true, true
		return o, o, nil
	}
	if !errors.Is(err, os.ErrExist) {
		return nil, nil, err
	}
	fi, err := os.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		// A device (/dev/null) is written in place and never truncated.
		o.truncated = true
	} else if mode == replaceOnSuccess {
		f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
		if err != nil {
			return nil, nil, err
		}
		f.Chmod(fi.Mode().Perm())
		o.f, o.temp, o.truncated = f, f.Name(), true
		return o, o, nil
	}
	if o.f, err = os.OpenFile(name, os.O_WRONLY, 0); err != nil {
		return nil, nil, err
	}
	return o, o, nil
}

// Write replaces the file's old content at the first write.
func (o *output) Write(p []byte) (int, error) {
	if !o.truncated {
		if err := o.f.Truncate(0); err != nil {
			return 0, err
		}
		o.truncated = true
	}
	return o.f.Write(p)
}

// close closes the file and puts a temporary file in place; it is safe on
// a nil output (standard output).
func (o *output) close() error {
	if o == nil || o.f == nil {
		return nil
	}
	err := o.f.Close()
	o.f = nil
	if err == nil && o.temp != "" {
		err = os.Rename(o.temp, o.name)
		o.temp = ""
	}
	return err
}

// discard closes the file after a failure and removes what the command
// created.
func (o *output) discard() {
	if o == nil {
		return
	}
	if o.f != nil {
		o.f.Close()
		o.f = nil
	}
	if o.temp != "" {
		os.Remove(o.temp)
	} else if o.created {
		os.Remove(o.name)
	}
}

// commit ends a command that read in and wrote o: a damaged input
// discards the output, a complete one puts it in place.
func (o *output) commit(c *cli.Context, in *traceInput, readErr error) error {
	if err := in.finish(c, readErr); err != nil {
		o.discard()
		return err
	}
	if err := o.close(); err != nil {
		o.discard()
		return fmt.Errorf("%s: %w", o.name, err)
	}
	return nil
}

// createOutput opens the output of a command that reads the session's
// trace, refusing to write over that trace while it is being read. On an
// error the input is closed.
func (s *session) createOutput(c *cli.Context, name string) (*output, io.Writer, error) {
	if err := checkNotInput(s.in, name); err != nil {
		s.in.file.Close()
		return nil, nil, err
	}
	if name == stdinName {
		if err := checkStdout(c); err != nil {
			s.in.file.Close()
			return nil, nil, err
		}
	}
	file, out, err := createOutput(name, c.App.Writer, replaceOnSuccess)
	if err != nil {
		s.in.file.Close()
		return nil, nil, fmt.Errorf("-o: %w", err)
	}
	return file, out, nil
}

// checkNotInput refuses to write a command's output over its input trace,
// which it has not finished reading.
func checkNotInput(in *traceInput, outName string) error {
	f, ok := in.file.(*os.File)
	if !ok || outName == stdinName {
		return nil
	}
	inInfo, err := f.Stat()
	if err != nil {
		return nil
	}
	if outInfo, err := os.Stat(outName); err == nil && os.SameFile(inInfo, outInfo) && inInfo.Mode().IsRegular() {
		return fmt.Errorf("-o %s: is the input trace; write to another file", outName)
	}
	return nil
}
