package main

import (
	"fmt"
	"io"
	"os"
	"runtime"

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
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "trec.trc", Usage: "write the trace to `FILE`"},
			&cli.IntFlag{Name: "string-limit", Aliases: []string{"s"}, Value: 4096, Usage: "capture at most `SIZE` bytes of each buffer (0: none, at most 16 MiB); paths are captured whole (dump's -s is the length it prints)"},
			&cli.GenericFlag{Name: "e", Value: &multiString{}, Usage: "record only the syscalls of `trace=SET` (names, %classes, !negation); forks, execs, signals and exits are always recorded"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "do not print the summary line"},
			&cli.BoolFlag{Name: "pin", Usage: "run the recorder and every thread of the program on one CPU, where stops are cheapest but threads take turns (default: each thread on the recorder's CPU while it makes syscalls often, on its own CPUs while it computes)"},
			&cli.IntFlag{Name: "cpu", Usage: "run the recorder and the program on CPU `N` (implies --pin)", DefaultText: "the CPU trec runs on"},
			&cli.BoolFlag{Name: "no-pin", Usage: "leave CPU placement to the kernel: every stop crosses CPUs"},
		}, hookFlags()...),
		Action: runRecord,
	}
}

func runRecord(c *cli.Context) error {
	argv := c.Args().Slice()
	if len(argv) == 0 {
		return usagef("record: no program given (trec record [-o FILE] -- PROG [ARGS...])")
	}
	size := c.Int("string-limit")
	if size < 0 || size > record.MaxCaptureSize {
		return usagef("-s %d: want 0 to %d bytes", size, record.MaxCaptureSize)
	}
	filter, err := recordFilter(c)
	if err != nil {
		return err
	}
	arch, err := sysent.ParseArch(runtime.GOARCH)
	if err != nil {
		return err
	}
	cwd, _ := os.Getwd()
	hooks, sandbox, err := recordHooks(c, sysent.ForArch(arch), cwd)
	if err != nil {
		return err
	}
	if c.IsSet("cpu") && c.Bool("no-pin") {
		return usagef("--cpu and --no-pin exclude each other")
	}
	if c.Bool("pin") && c.Bool("no-pin") {
		return usagef("--pin and --no-pin exclude each other")
	}
	if c.IsSet("cpu") {
		if err := record.CheckCPU(c.Int("cpu")); err != nil {
			return usagef("--cpu %d: %w", c.Int("cpu"), err)
		}
	}
	name := c.String("output")
	if name == stdinName {
		return usagef("-o -: the trace cannot share standard output with the program")
	}
	// From here on a signal to trec's process group is one for the
	// program.
	_, unguard := guardSignals()
	defer unguard()
	file, out, err := createOutput(name, nil, replaceAtFirstWrite)
	if err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	defer file.close()

	stdio, err := programStdio(c)
	if err != nil {
		return err
	}
	res, err := record.Run(c.Context, record.Options{
		Argv:        argv,
		Stdin:       stdio.files[0],
		Stdout:      stdio.files[1],
		Stderr:      stdio.files[2],
		CaptureSize: size,
		Filter:      filter,
		NoPin:       c.Bool("no-pin"),
		Pin:         c.Bool("pin"),
		UseCPU:      c.IsSet("cpu"),
		CPU:         c.Int("cpu"),
		JobControl:  true,
		Log:         c.App.ErrWriter,
		Version:     version,
		Hooks:       hooks,
	}, out)
	stdio.close()

	if err != nil {
		// A program that could not be started, or a recording that
		// failed before any event, leaves no trace file; a recording cut
		// later keeps what it wrote.
		if res.Events == 0 {
			file.discard()
		}
		return err
	}
	if err := file.close(); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	if sandbox != nil {
		reportSandbox(c.App.ErrWriter, sandbox, name, c.Bool("quiet"))
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
	if res.ExitStatus != 0 {
		return &exitError{code: res.ExitStatus, signal: res.Signal}
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
		return "", usage(err)
	}
	if f.NeedsResult() {
		return "", usagef("-e status=: record keeps every call; apply it when reading (trec dump, trec filter)")
	}
	set, _ := f.TraceSet()
	return set.String(), nil
}

// stdio holds the program's standard files, nil for trec's own. When the
// CLI runs with buffers instead of files (tests), each buffer is connected
// through a pipe.
type stdio struct {
	files  [3]*os.File
	closes []func()
}

func programStdio(c *cli.Context) (*stdio, error) {
	s := &stdio{}
	// trec's own standard files are left nil: the recorder then gives the
	// program those trec inherited, closed ones closed.
	if f, ok := c.App.Reader.(*os.File); ok {
		if f != os.Stdin {
			s.files[0] = f
		}
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
			if f != os.Stdout && f != os.Stderr {
				s.files[i+1] = f
			}
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
