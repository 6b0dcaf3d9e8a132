package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
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
		Name:        "trec",
		Usage:       "record and analyze syscall traces",
		HideVersion: true,
		Reader:      stdin,
		Writer:      stdout,
		ErrWriter:   stderr,
		// Errors are printed once, by run, in one line.
		ExitErrHandler: func(*cli.Context, error) {},
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "print trec's version"},
			// urfave/cli adds its own only when there is no help
			// command.
			&cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "show help"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("version") {
				if c.NArg() > 0 {
					return usagef("--version: unexpected argument %q", c.Args().First())
				}
				fmt.Fprintln(c.App.Writer, versionLine())
				return nil
			}
			if c.NArg() > 0 {
				return unknownCommand(c.App, c.Args().First())
			}
			// trec alone is a usage error: the help goes to stderr.
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
			replayCommand(),
			infoCommand(),
			completionCommand(),
			manCommand(),
		},
		OnUsageError: onUsageError,
	}
	for _, cmd := range app.Commands {
		if cmd.OnUsageError == nil {
			cmd.OnUsageError = onUsageError
		}
		// Single-letter flags combine as in strace: -yT is -y -T.
		cmd.UseShortOptionHandling = true
		cmd.CustomHelpTemplate = asTemplate(commandHelp(cmd))
		// No "help" subcommand: "trec dump h" reads the trace named h
		// ("trec help dump" and --help remain).
		cmd.HideHelpCommand = true
	}
	app.Commands = append(app.Commands, &cli.Command{
		Name:      "help",
		Usage:     "show a command's help: trec help COMMAND",
		ArgsUsage: "[COMMAND]",
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowAppHelp(c)
			}
			name := c.Args().First()
			if c.NArg() > 1 {
				return usagef("help: unexpected argument %q (usage: trec help [COMMAND])", c.Args().Get(1))
			}
			if cmd := c.App.Command(name); cmd != nil {
				_, err := io.WriteString(c.App.Writer, commandHelp(cmd))
				return err
			}
			return unknownCommand(c.App, name)
		},
	})
	help := app.Commands[len(app.Commands)-1]
	help.CustomHelpTemplate = asTemplate(commandHelp(help))
	app.CustomAppHelpTemplate = asTemplate(appHelp(app))
	return app
}

// unknownCommand is the usage error for a command trec does not have.
func unknownCommand(app *cli.App, name string) error {
	var names []string
	for _, c := range app.Commands {
		names = append(names, c.Name)
	}
	return usagef("unknown command %q%s (trec help lists the commands)", name, analyze.DidYouMean(name, names))
}

// versionLine is what trec --version prints: the version, and the commit
// and Go release it was built from.
func versionLine() string {
	s := "trec " + version
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev string
		dirty := false
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision":
				rev = kv.Value
			case "vcs.modified":
				dirty = kv.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" && dirty {
			rev += "+changes"
		}
		if rev != "" {
			s += " (" + rev + ")"
		}
	}
	return s + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// parseNoise is what Go's number parsers add to a bad flag value.
var parseNoise = regexp.MustCompile(`strconv\.Parse\w+: parsing "[^"]*": (invalid syntax|value out of range)`)

// undefinedFlag is the flag package's message for a flag a command does
// not have.
var undefinedFlag = regexp.MustCompile(`^flag provided but not defined: (-+.*)$`)

// flagInMessage is a flag as the flag package names it in an error, with
// one dash whatever the user typed.
var flagInMessage = regexp.MustCompile(`(for flag |flag needs an argument: |flag provided but not defined: )-([^\s:=]+)`)

// onUsageError turns a flag parsing error into the one line run prints,
// instead of urfave/cli's error followed by the whole help on stdout.
func onUsageError(c *cli.Context, err error, _ bool) error {
	msg := parseNoise.ReplaceAllStringFunc(err.Error(), func(s string) string {
		if strings.HasSuffix(s, "out of range") {
			return "out of range"
		}
		return "not a number"
	})
	msg = flagInMessage.ReplaceAllStringFunc(msg, func(s string) string {
		m := flagInMessage.FindStringSubmatch(s)
		return m[1] + typedFlag(c, m[2])
	})
	flags := c.App.Flags
	if isCommand(c) {
		flags = c.Command.Flags
	}
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		var known []string
		for _, d := range flagDocs(flags) {
			known = append(known, d.names...)
		}
		msg = fmt.Sprintf("unknown flag %s%s", m[1], analyze.DidYouMean(m[1], known))
	}
	return usagef("%s (%s --help lists the flags)", msg, commandName(c))
}

// typedFlag is flag name with the dashes the user typed it with, found in
// the command line run was given. Where it is not there as such (letters
// combined, -yK), words are taken to have been typed with two dashes and
// letters with one.
func typedFlag(c *cli.Context, name string) string {
	args, _ := c.App.Metadata[argsKey].([]string)
	for _, a := range args {
		if a == "--" {
			break
		}
		for _, dashes := range []string{"--", "-"} {
			if a == dashes+name || strings.HasPrefix(a, dashes+name+"=") {
				return dashes + name
			}
		}
	}
	if len(name) > 3 {
		return "--" + name
	}
	return "-" + name
}

// argsKey holds, in the app's Metadata, the command line it runs.
const argsKey = "args"

// isCommand reports whether c is a command's context rather than the
// app's.
func isCommand(c *cli.Context) bool {
	return c.Command != nil && c.Command.Name != "" && c.Command.Name != c.App.Name
}

// commandName is "trec" or "trec COMMAND", for messages.
func commandName(c *cli.Context) string {
	if isCommand(c) {
		return "trec " + c.Command.Name
	}
	return "trec"
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
	args = helpRequested(app, permute(app, args))
	app.Metadata = map[string]any{argsKey: args}
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

// permute moves the flags given after a reading command's FILE before it,
// so that "trec dump run.trc -p 42" reads as "trec dump -p 42 run.trc":
// urfave/cli, like Go's flag package, stops at the first argument. A "--"
// ends the flags. record is left alone: what follows PROG is the
// program's.
func permute(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	cmd := app.Command(args[1])
	if cmd == nil || cmd.ArgsUsage != "FILE" {
		return args
	}
	flags, operands := splitFlags(cmd, args[2:], false)
	out := []string{args[0], args[1]}
	for _, f := range flags {
		out = append(out, f...)
	}
	if len(operands) > 0 {
		out = append(append(out, "--"), operands...)
	}
	return out
}

// helpRequested rewrites "trec CMD ... -h ..." as "trec help CMD" when -h
// or --help (with one dash or two, as Go's flags take them) is among
// CMD's own flags: urfave/cli would read the operands
// as help topics ("No help topic for 'run.trc'", exit 3).
func helpRequested(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	cmd := app.Command(args[1])
	if cmd == nil || cmd.Name == "help" {
		return args
	}
	flags, _ := splitFlags(cmd, args[2:], true)
	for _, f := range flags {
		if name, _, _ := strings.Cut(strings.TrimLeft(f[0], "-"), "="); name == "h" || name == "help" || combinesHelp(cmd, f[0]) {
			return []string{args[0], "help", cmd.Name}
		}
	}
	return args
}

// combinesHelp reports whether arg is single-letter flags combined, -h
// among them (-yh), as urfave/cli splits an argument that names no flag.
func combinesHelp(cmd *cli.Command, arg string) bool {
	if len(arg) < 3 || strings.HasPrefix(arg, "--") || !strings.Contains(arg, "h") {
		return false
	}
	name, _, _ := strings.Cut(arg[1:], "=")
	for _, f := range cmd.Flags {
		if slices.Contains(f.Names(), name) {
			return false
		}
	}
	return true
}

// splitFlags sets cmd's flags in args apart from its operands: each flag
// with its value when the value is the next argument. A "--" ends the flags, and so does the first operand when
// toOperand is set (what follows record's PROG is the program's).
func splitFlags(cmd *cli.Command, args []string, toOperand bool) (flags [][]string, operands []string) {
	takes := map[string]bool{}
	for _, f := range cmd.Flags {
		g, ok := f.(cli.DocGenerationFlag)
		for _, n := range f.Names() {
			takes[n] = ok && g.TakesValue()
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(operands, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			if toOperand {
				return flags, append(operands, args[i:]...)
			}
			operands = append(operands, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		valued, known := takes[name]
		if !known && !strings.HasPrefix(a, "--") && name != "" {
			// Combined letters (-ys 8): the last one may take the
			// value.
			valued = takes[name[len(name)-1:]]
		}
		if valued && !hasValue && i+1 < len(args) {
			i++
			flags = append(flags, []string{a, args[i]})
			continue
		}
		flags = append(flags, []string{a})
	}
	return flags, operands
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
