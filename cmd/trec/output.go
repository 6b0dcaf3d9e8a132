package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"
)

// output is a file a command writes: a trace or an export. A file the
// command created is removed when the command fails; an existing file is
// left as it was unless the command had begun to replace it. A recording
// creates or replaces its file at its first write (the trace header, just
// before the program starts), so that a recorder killed halfway leaves the
// trace under its own name, and one killed before leaves no file (or the
// old one); filter and export write a temporary file and rename it over
// the old one when they succeed.
type output struct {
	name      string
	f         *os.File
	created   bool
	truncated bool
	// replaced is set once an existing file was truncated for a new trace.
	replaced bool
	// temp is the temporary file's name, renamed to name by close.
	temp string
}

// Output modes of createOutput.
const (
	replaceAtFirstWrite = iota
	replaceOnSuccess
)

// createOutput opens name for writing, or with replaceAtFirstWrite checks
// that it can and opens it at the first write. "-" is the command's
// standard output, which is never closed or removed.
func createOutput(name string, stdout io.Writer, mode int) (*output, io.Writer, error) {
	if name == stdinName {
		return nil, stdout, nil
	}
	o := &output{name: name}
	if mode == replaceAtFirstWrite {
		if err := checkWritable(name); err != nil {
			return nil, nil, err
		}
		return o, o, nil
	}
	fi, err := o.open()
	if err != nil {
		return nil, nil, err
	}
	if o.created || !fi.Mode().IsRegular() {
		return o, o, nil
	}
	o.f.Close()
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return nil, nil, err
	}
	f.Chmod(fi.Mode().Perm())
	o.f, o.temp, o.truncated = f, f.Name(), true
	return o, o, nil
}

// open creates o's file, or opens the existing one for writing and returns
// what it is. A device (/dev/null) is written in place and never
// truncated; an existing regular file is truncated at the first write.
func (o *output) open() (os.FileInfo, error) {
	f, err := os.OpenFile(o.name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		o.f, o.created, o.truncated = f, true, true
		return nil, nil
	}
	if !errors.Is(err, os.ErrExist) {
		return nil, err
	}
	if f, err = os.OpenFile(o.name, os.O_WRONLY, 0); err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	o.f, o.truncated = f, !fi.Mode().IsRegular()
	return fi, nil
}

// createWith creates o's file with p in it in one step where the file
// system can (an O_TMPFILE linked into place once written): killed at any
// time, the command leaves no file or one that holds p. It returns false,
// having done nothing, where it cannot, or when the file exists.
func (o *output) createWith(p []byte) (n int, ok bool, err error) {
	if _, err := os.Lstat(o.name); err == nil {
		return 0, false, nil
	}
	fd, err := unix.Open(filepath.Dir(o.name), unix.O_WRONLY|unix.O_TMPFILE|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return 0, false, nil
	}
	f := os.NewFile(uintptr(fd), o.name)
	if n, err = f.Write(p); err != nil {
		f.Close()
		return n, true, err
	}
	if err := unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), unix.AT_FDCWD, o.name, unix.AT_SYMLINK_FOLLOW); err != nil {
		f.Close()
		return 0, false, nil
	}
	o.f, o.created, o.truncated = f, true, true
	return n, true, nil
}

// checkWritable returns the error that opening name for writing would
// return, as far as it can be known without creating it.
func checkWritable(name string) error {
	fi, err := os.Stat(name)
	switch {
	case err == nil && fi.IsDir():
		err = unix.EISDIR
	case err == nil:
		err = unix.Access(name, unix.W_OK)
	case errors.Is(err, fs.ErrNotExist):
		err = unix.Access(filepath.Dir(name), unix.W_OK|unix.X_OK)
	default:
		return err
	}
	if err != nil {
		return &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return nil
}

// Write creates or opens the file at the first write, and replaces its
// old content.
func (o *output) Write(p []byte) (int, error) {
	if o.f == nil {
		if n, ok, err := o.createWith(p); ok {
			return n, err
		}
		if _, err := o.open(); err != nil {
			return 0, err
		}
	}
	if !o.truncated {
		if err := o.f.Truncate(0); err != nil {
			return 0, err
		}
		o.truncated, o.replaced = true, true
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
// created or began to replace.
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
	} else if o.created || o.replaced {
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
