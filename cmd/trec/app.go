package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"

	"github.com/urfave/cli/v2"
)

// exitError carries an exit status out of a command without printing
// anything more than the command already did.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

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
				return fmt.Errorf("unknown command %q (trec --help lists the commands)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		Commands: []*cli.Command{
			recordCommand(),
			statsCommand(),
			dumpCommand(),
			filterCommand(),
			exportCommand(),
			diffCommand(),
		},
		OnUsageError: usageError,
	}
	for _, cmd := range app.Commands {
		if cmd.OnUsageError == nil {
			cmd.OnUsageError = usageError
		}
		// Single-letter flags combine as in strace: -yT is -y -T.
		cmd.UseShortOptionHandling = true
	}
	return app
}

// parseNoise is what Go's number parsers add to a bad flag value.
var parseNoise = regexp.MustCompile(`strconv\.Parse\w+: parsing "[^"]*": invalid syntax`)

// usageError turns a flag parsing error into the one line run prints,
// instead of urfave/cli's error followed by the whole help on stdout.
func usageError(c *cli.Context, err error, _ bool) error {
	msg := parseNoise.ReplaceAllString(err.Error(), "not a number")
	name := "trec"
	if c.Command != nil && c.Command.Name != "" && c.Command.Name != c.App.Name {
		name += " " + c.Command.Name
	}
	return fmt.Errorf("%s (%s --help lists the flags)", msg, name)
}

// run executes the CLI and returns the process exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(args)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(stderr, "trec: %v\n", err)
	// A program that cannot be started exits as a shell reports it (126,
	// 127).
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	return 1
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
