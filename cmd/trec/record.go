package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/record"
	"github.com/trecdev/trec/sysent"
)

// version is written into every trace header.
const version = "0.1.0-dev"

func recordCommand() *cli.Command {
	return &cli.Command{
		Name:      "record",
		Usage:     "run a program and record its syscalls, signals, forks, execs and exits",
		ArgsUsage: "[--] PROG [ARGS...]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "trec.trc", Usage: "write the trace to `FILE`"},
			&cli.IntFlag{Name: "string-limit", Aliases: []string{"s"}, Value: 4096, Usage: "capture at most `SIZE` bytes of each buffer (0: none); paths are captured whole"},
			&cli.GenericFlag{Name: "e", Value: &multiString{}, Usage: "`trace=SET`: record only these syscalls (names, %classes, !negation); forks, execs, signals and exits are always recorded"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "do not print the summary line"},
			&cli.IntFlag{Name: "cpu", Usage: "run the recorder and the program on CPU `N` (default: one trec picks)"},
			&cli.BoolFlag{Name: "no-pin", Usage: "leave CPU placement to the kernel: faster for programs that keep several CPUs busy with few syscalls"},
		},
		Action: runRecord,
	}
}

func runRecord(c *cli.Context) error {
	argv := c.Args().Slice()
	if len(argv) == 0 {
		return errors.New("record: no program given (trec record [-o FILE] -- PROG [ARGS...])")
	}
	if c.Int("string-limit") < 0 {
		return fmt.Errorf("-s %d: must not be negative", c.Int("string-limit"))
	}
	filter, err := recordFilter(c)
	if err != nil {
		return err
	}
	if c.IsSet("cpu") && c.Bool("no-pin") {
		return errors.New("--cpu and --no-pin exclude each other")
	}
	if c.IsSet("cpu") && c.Int("cpu") < 0 {
		return fmt.Errorf("--cpu %d: not a CPU number", c.Int("cpu"))
	}
	name := c.String("output")
	if name == stdinName {
		return errors.New("-o -: the trace cannot share standard output with the program")
	}
	out, created, err := createOutput(name)
	if err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	defer out.Close()

	stdio, err := programStdio(c)
	if err != nil {
		return err
	}
	ctx, stopped := stopOnSignals(c.Context)
	res, err := record.Run(ctx, record.Options{
		Argv:        argv,
		Stdin:       stdio.files[0],
		Stdout:      stdio.files[1],
		Stderr:      stdio.files[2],
		CaptureSize: c.Int("string-limit"),
		Filter:      filter,
		NoPin:       c.Bool("no-pin"),
		UseCPU:      c.IsSet("cpu"),
		CPU:         c.Int("cpu"),
		Log:         c.App.ErrWriter,
		Version:     version,
	}, out)
	sig := stopped()
	stdio.close()

	var se *record.StartError
	if errors.As(err, &se) {
		if created {
			os.Remove(name)
		}
		return err
	}
	if err != nil && sig == 0 {
		return err
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	if !c.Bool("quiet") {
		size := int64(-1)
		if fi, err := os.Stat(name); err == nil {
			size = fi.Size()
		}
		procs := "processes"
		if res.Processes == 1 {
			procs = "process"
		}
		fmt.Fprintf(c.App.ErrWriter, "trec: %d events, %d %s, %.3fs, %s (%s)\n",
			res.Events, res.Processes, procs, res.Duration.Seconds(), name, byteSize(size))
	}
	switch {
	case sig != 0:
		return &exitError{code: 128 + int(sig)}
	case res.ExitStatus != 0:
		return &exitError{code: res.ExitStatus}
	}
	return nil
}

// recordFilter turns the -e flags into the one syscall set the recorder
// applies live, with the parser every reading command uses.
func recordFilter(c *cli.Context) (string, error) {
	exprs := c.Generic("e").(*multiString).vals
	if len(exprs) == 0 {
		return "", nil
	}
	arch, err := sysent.ParseArch(runtime.GOARCH)
	if err != nil {
		return "", err
	}
	f, err := analyze.ParseFilter(sysent.ForArch(arch), analyze.FilterOptions{Exprs: exprs})
	if err != nil {
		return "", err
	}
	if f.NeedsResult() {
		return "", errors.New("-e status=: record keeps every call; apply it when reading (trec dump, trec filter)")
	}
	set, _ := f.TraceSet()
	return set.String(), nil
}

// createOutput opens the trace file for writing, truncated, and says
// whether it did not exist before, so that a program that cannot be
// started leaves nothing behind.
func createOutput(name string) (*os.File, bool, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		return f, true, nil
	}
	if !errors.Is(err, os.ErrExist) {
		return nil, false, err
	}
	f, err = os.OpenFile(name, os.O_WRONLY|os.O_TRUNC, 0o644)
	return f, false, err
}

// stopOnSignals keeps trec alive through the terminal's SIGINT and SIGQUIT,
// which reach the program too and end it as they would without trec, and
// turns SIGTERM and SIGHUP sent to trec into a clean stop: the program is
// killed and the trace closed. Signals are caught, not ignored, because an
// ignored disposition would be inherited by the program. The returned
// function stops listening and returns the signal that stopped the
// recording, or 0.
func stopOnSignals(parent context.Context) (context.Context, func() syscall.Signal) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	var got syscall.Signal
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case s := <-sigs:
				if s == syscall.SIGTERM || s == syscall.SIGHUP {
					if got == 0 {
						got = s.(syscall.Signal)
					}
					cancel()
				}
			case <-done:
				return
			}
		}
	}()
	return ctx, func() syscall.Signal {
		signal.Stop(sigs)
		close(done)
		wg.Wait()
		cancel()
		return got
	}
}

// stdio holds the program's standard files. When the CLI runs with
// buffers instead of files (tests), each buffer is connected through a
// pipe.
type stdio struct {
	files  [3]*os.File
	closes []func()
}

func programStdio(c *cli.Context) (*stdio, error) {
	s := &stdio{}
	if f, ok := c.App.Reader.(*os.File); ok {
		s.files[0] = f
	} else {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("stdin pipe: %w", err)
		}
		go func() {
			io.Copy(w, c.App.Reader)
			w.Close()
		}()
		s.files[0] = r
		s.closes = append(s.closes, func() { r.Close() })
	}
	for i, dst := range []io.Writer{c.App.Writer, c.App.ErrWriter} {
		if f, ok := dst.(*os.File); ok {
			s.files[i+1] = f
			continue
		}
		r, w, err := os.Pipe()
		if err != nil {
			s.close()
			return nil, fmt.Errorf("output pipe: %w", err)
		}
		copied := make(chan struct{})
		go func() {
			io.Copy(dst, r)
			r.Close()
			close(copied)
		}()
		s.files[i+1] = w
		s.closes = append(s.closes, func() { w.Close(); <-copied })
	}
	return s, nil
}

// close releases the pipes once the program has ended, after everything it
// wrote has been copied.
func (s *stdio) close() {
	for _, f := range s.closes {
		f()
	}
}

// byteSize prints a file size as ls -h does.
func byteSize(n int64) string {
	if n < 0 {
		return "size unknown"
	}
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[i])
}
