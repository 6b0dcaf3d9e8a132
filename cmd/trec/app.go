package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
)

// exitError ends trec with a status without printing anything more than
// the command already did: the recorded program's exit code or, when
// signal is set, the signal that killed it (code is then 128+signal).
type exitError struct {
	code   int
	signal syscall.Signal
}

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError is a mistake in how trec was called, on any command: an
// unknown command or flag, a bad flag value, a missing or extra argument,
// flags that exclude each other. run prints it in one line and exits 2,
// which scripts tell apart from a failure (1) and from a recorded
// program's own status. Commands return one with usagef, or wrap an
// error of a parser (a filter, a size) with usage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usage error with fmt.Errorf's message.
func usagef(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}

// usage marks err, when not nil, as a usage error.
func usage(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err}
}

// Exit statuses of trec itself; a recorded program's status passes through.
const (
	exitFailure = 1
	exitUsage   = 2
)

// newApp builds the CLI. Every command writes only to the given streams, so
// tests drive it through app.Run with buffers.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:            "trec",
		Usage:           "record and analyze syscall traces",
		HideHelpCommand: true,
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		// Errors are printed once, by run, in one line.
		ExitErrHandler: func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("unknown command %q (trec --help lists the commands)", c.Args().First())
			}
			c.App.Writer = c.App.ErrWriter
			cli.ShowAppHelp(c)
			return &exitError{code: exitUsage}
		},
		Commands: []*cli.Command{
			recordCommand(),
			statsCommand(),
			dumpCommand(),
			filterCommand(),
			exportCommand(),
			diffCommand(),
		},
		OnUsageError: onUsageError,
	}
	for _, cmd := range app.Commands {
		if cmd.OnUsageError == nil {
			cmd.OnUsageError = onUsageError
		}
		// Single-letter flags combine as in strace: -yT is -y -T.
		cmd.UseShortOptionHandling = true
		checkRequiredFlags(cmd)
	}
	return app
}

// parseNoise is what Go's number parsers add to a bad flag value.
var parseNoise = regexp.MustCompile(`strconv\.Parse\w+: parsing "[^"]*": (invalid syntax|value out of range)`)

// onUsageError turns a flag parsing error into the one line run prints,
// instead of urfave/cli's error followed by the whole help on stdout.
func onUsageError(c *cli.Context, err error, _ bool) error {
	msg := parseNoise.ReplaceAllStringFunc(err.Error(), func(s string) string {
		if strings.HasSuffix(s, "out of range") {
			return "out of range"
		}
		return "not a number"
	})
	return usagef("%s (%s --help lists the flags)", msg, commandName(c))
}

// commandName is "trec" or "trec COMMAND", for messages.
func commandName(c *cli.Context) string {
	name := "trec"
	if c.Command != nil && c.Command.Name != "" && c.Command.Name != c.App.Name {
		name += " " + c.Command.Name
	}
	return name
}

// checkRequiredFlags checks cmd's required flags itself, before its
// action, so that a missing one is a usage error (urfave/cli prints the
// whole help and returns an error of its own).
func checkRequiredFlags(cmd *cli.Command) {
	var names []string
	for _, f := range cmd.Flags {
		if r, ok := f.(cli.RequiredFlag); ok && r.IsRequired() {
			names = append(names, f.Names()[0])
			switch f := f.(type) {
			case *cli.StringFlag:
				f.Required = false
			default:
				panic(fmt.Sprintf("trec %s: required flag %s of type %T", cmd.Name, f.Names()[0], f))
			}
		}
	}
	if len(names) == 0 {
		return
	}
	before := cmd.Before
	cmd.Before = func(c *cli.Context) error {
		for _, name := range names {
			if !c.IsSet(name) {
				return usagef("missing --%s (%s --help lists the flags)", name, commandName(c))
			}
		}
		if before != nil {
			return before(c)
		}
		return nil
	}
}

// run executes the CLI and returns the process exit status: 0, 1 for a
// failure, 2 for a usage error, 126 or 127 for a program that cannot be
// started, or the recorded program's own status (128+N when signal N
// killed it).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	code, _ := runSignal(args, stdin, stdout, stderr)
	return code
}

// runSignal is run that also returns the signal that killed the recorded
// program, which trec then dies of (see exit).
func runSignal(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, syscall.Signal) {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(args)
	if err == nil {
		return 0, 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code, ee.signal
	}
	fmt.Fprintf(stderr, "trec: %v\n", err)
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage, 0
	}
	// A program that cannot be started exits as a shell reports it (126,
	// 127).
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode(), 0
	}
	return exitFailure, 0
}

// stdinName is the file name that means standard input.
const stdinName = "-"

// openInput opens a trace file for reading, or standard input for "-".
func openInput(c *cli.Context, name string) (io.ReadCloser, error) {
	if name == stdinName {
		return io.NopCloser(c.App.Reader), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	return f, nil
}
