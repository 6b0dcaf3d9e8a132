package main

import (
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/record"
	"github.com/trecdev/trec/sysent"
)

// version is written into every trace header.
const version = "0.1.0-dev"

func recordCommand() *cli.Command {
	return &cli.Command{
		Name:      "record",
		Usage:     "run a program, or attach to running processes, and record their syscalls, signals, forks, execs and exits",
		ArgsUsage: "[--] PROG [ARGS...] | -p PID[,PID...]",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "trec.trc", Usage: "write the trace to `FILE`"},
			&cli.StringFlag{Name: "string-limit", Aliases: []string{"s"}, Value: "4096", Usage: "capture at most `SIZE` bytes of each buffer read or written, at most 16 MiB; 0 captures no buffer at all (not \"no limit\"), max captures each whole up to 16 MiB; paths, addresses and structs are captured whole whatever SIZE says (dump's -s is the length it prints)"},
			&cli.GenericFlag{Name: "e", Value: &multiString{}, Usage: "record only the syscalls of `trace=SET` (names, %classes, !negation); forks, execs, signals and exits are always recorded"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "do not print the summary line"},
			&cli.BoolFlag{Name: "pin", Usage: "run the recorder and every thread of the program on one CPU, where stops are cheapest but threads take turns (default: each thread on the recorder's CPU while it makes syscalls often, on its own CPUs while it computes)"},
			&cli.IntFlag{Name: "cpu", Usage: "run the recorder and the program on CPU `N` (implies --pin)", DefaultText: "the CPU trec runs on"},
			&cli.BoolFlag{Name: "no-pin", Usage: "leave CPU placement to the kernel: every stop crosses CPUs"},
			&cli.GenericFlag{Name: "pid", Aliases: []string{"p"}, Value: &multiString{}, Usage: "attach to the running process `PID` instead of starting a program (PID,PID... or repeated); Ctrl-C detaches"},
			&cli.DurationFlag{Name: "duration", Usage: "with -p: detach and end the recording after `TIME` (30s, 5m)"},
			&cli.BoolFlag{Name: "replayable", Usage: "record what trec replay --exec needs to run the program again: every syscall, output buffers whole, the vDSO off, AT_RANDOM and the environment"},
		}, hookFlags()...),
		Action: runRecord,
	}
}

func runRecord(c *cli.Context) error {
	if c.IsSet("pid") {
		if c.Bool("replayable") {
			return usagef("--replayable records a program from its start: it takes no -p")
		}
		return runAttach(c)
	}
	if c.IsSet("duration") {
		return usagef("--duration: only with -p (a started program runs to its end)")
	}
	argv := c.Args().Slice()
	if len(argv) == 0 {
		return usagef("record: no program given (trec record [-o FILE] -- PROG [ARGS...], or -p PID)")
	}
	opts, sandbox, err := recordFlags(c)
	if err != nil {
		return err
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
	opts.Argv = argv
	opts.Stdin, opts.Stdout, opts.Stderr = stdio.files[0], stdio.files[1], stdio.files[2]
	opts.JobControl = true
	opts.Replayable = c.Bool("replayable")
	res, err := record.Run(c.Context, opts, out)
	stdio.close()
	if err := endRecording(c, file, name, res, err, sandbox); err != nil {
		return err
	}
	if res.ExitStatus != 0 {
		return &exitError{code: res.ExitStatus, signal: res.Signal}
	}
	return nil
}

// recordFlags checks the flags a recording takes whether it starts a
// program or attaches, and returns the recorder's options they set and
// the sandbox, if one is asked for.
func recordFlags(c *cli.Context) (record.Options, *hook.Sandbox, error) {
	size, err := parseCaptureSize(c.String("string-limit"))
	if err != nil {
		return record.Options{}, nil, err
	}
	filter, err := recordFilter(c)
	if err != nil {
		return record.Options{}, nil, err
	}
	if filter != "" && c.Bool("replayable") {
		return record.Options{}, nil, usagef("--replayable records every syscall: it takes no -e trace=")
	}
	arch, err := sysent.ParseArch(runtime.GOARCH)
	if err != nil {
		return record.Options{}, nil, err
	}
	cwd, _ := os.Getwd()
	hooks, sandbox, err := recordHooks(c, sysent.ForArch(arch), cwd)
	if err != nil {
		return record.Options{}, nil, err
	}
	if c.IsSet("cpu") && c.Bool("no-pin") {
		return record.Options{}, nil, usagef("--cpu and --no-pin exclude each other")
	}
	if c.Bool("pin") && c.Bool("no-pin") {
		return record.Options{}, nil, usagef("--pin and --no-pin exclude each other")
	}
	if c.IsSet("cpu") {
		if err := record.CheckCPU(c.Int("cpu")); err != nil {
			return record.Options{}, nil, usagef("--cpu %d: %w", c.Int("cpu"), err)
		}
	}
	return record.Options{
		CaptureSize: size,
		Filter:      filter,
		NoPin:       c.Bool("no-pin"),
		Pin:         c.Bool("pin"),
		UseCPU:      c.IsSet("cpu"),
		CPU:         c.Int("cpu"),
		Log:         c.App.ErrWriter,
		Version:     version,
		Hooks:       hooks,
	}, sandbox, nil
}

// endRecording closes the trace file of a recording that returned res and
// err, and prints what ends it. A program that could not be started, a
// process that could not be attached to, or a recording that failed
// before any event, leaves no trace file; a recording cut later keeps what
// it wrote.
func endRecording(c *cli.Context, file *output, name string, res record.Result, err error, sandbox *hook.Sandbox) error {
	if err != nil {
		if res.Events == 0 {
			file.discard()
		}
		return err
	}
	if err := file.close(); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	printSummary(c, res, name, sandbox)
	return nil
}

// printSummary reports the sandbox's violations and prints the line that
// ends a recording, unless -q.
func printSummary(c *cli.Context, res record.Result, name string, sandbox *hook.Sandbox) {
	if sandbox != nil {
		reportSandbox(c.App.ErrWriter, sandbox, name, c.Bool("quiet"))
	}
	if c.Bool("quiet") {
		return
	}
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
