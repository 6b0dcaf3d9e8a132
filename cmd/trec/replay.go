package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/analyze"
	"github.com/trecdev/trec/replay"
)

func replayCommand() *cli.Command {
	return &cli.Command{
		Name:  "replay",
		Usage: "run hooks over a recording and show what they would have changed: sandbox policies, fault injection",
		Description: "Runs --sandbox, --deny, --inject, --redirect-fd and --map-path, the hooks of trec record,\n" +
			"over the calls of a recording, and prints each call they would have changed with the\n" +
			"action beside it, then the calls each hook and rule saw and changed. A call a hook\n" +
			"cannot decide from what the recording holds (a path relative to an fd it does not\n" +
			"know, memory it did not capture) is listed as undecidable with the reason, never\n" +
			"guessed. Symbolic links are read from this machine's file system when the trace was\n" +
			"recorded here, else from --root.\n\n" +
			"Exit status: 0 when no hook would have changed anything, 1 when one would have or\n" +
			"a call was undecidable (unless --allow-undecidable), 2 on trouble. So it works as a\n" +
			"CI check that a program's recorded behaviour fits its sandbox:\n\n" +
			"   trec record -o test.trc -- make test\n" +
			"   trec replay --sandbox policy.txt test.trc     # exit 1 lists each violation\n\n" +
			"and to refine a policy offline: edit policy.txt and replay again, in milliseconds.\n\n" +
			"With --exec it runs the program of a trace recorded with trec record --replayable\n" +
			"again instead, and serves it what the recording says it got from outside (reads,\n" +
			"clocks, random bytes, pids), checking each call against the recording; it stops at\n" +
			"the first call that differs and prints it beside the recorded one (exit 1), else\n" +
			"exits with the recorded status. --until N stops before the recording's event N\n" +
			"(or at a time offset such as 1.5s) and leaves the program stopped for a debugger.",
		ArgsUsage: "FILE",
		Args:      true,
		Flags: append(withFilterFlags(append(hookFlags(),
			&cli.BoolFlag{Name: "allow-undecidable", Usage: "exit 0 when the only findings are undecidable calls or gaps in the trace"},
			&cli.StringFlag{Name: "root", Usage: "read symbolic links from the file system under `DIR` (a copy of the recording machine's)", DefaultText: "/ when the trace was recorded on this host"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object: the calls, \"changed\", \"undecidable\" and the counts per rule (format/JSON.md)", Category: catOutput},
			&cli.BoolFlag{Name: "y", Usage: "print what fds refer to, as trec dump -y does; -yy adds sockets' endpoints", Category: catOutput},
			&cli.IntFlag{Name: "s", Value: analyze.DefaultStrLen, Usage: "print at most `N` bytes of each string (0: none)", Category: catOutput},
			&cli.BoolFlag{Name: "x", Usage: "print strings in hex as trec dump -x does", Category: catOutput},
		)...), replayExecFlags()...),
		Action: runReplay,
	}
}

// runReplay runs trec replay: exit 1 says a hook would change a call, so
// every other failure is trouble, 2, as diff(1)'s.
func runReplay(c *cli.Context) error {
	if c.Bool("exec") {
		return runReplayExec(c)
	}
	err := replayRun(c)
	var ee *exitError
	if err == nil || errors.As(err, &ee) {
		return err
	}
	return troubleError{err}
}

func replayRun(c *cli.Context) error {
	print, err := dumpOptions(c)
	if err != nil {
		return err
	}
	if err := checkRoot(c.String("root")); err != nil {
		return err
	}
	s, err := openSession(c, false)
	if err != nil {
		return err
	}
	defer s.in.file.Close()
	h := s.in.Reader.Header()
	hooks, _, err := recordHooks(c, s.walker.Table(), h.GetCwd())
	if err != nil {
		return err
	}
	if len(hooks) == 0 {
		return errors.New("no hooks to replay: give --sandbox, --deny, --inject, --redirect-fd or --map-path")
	}
	src := analyze.EventSource(s.in.Reader)
	if p := newProgress(c.App.ErrWriter, s.in); p != nil {
		defer p.done()
		src = p
	}
	res, err := replay.Run(src, h, c.App.Writer, replay.Options{
		Hooks:  hooks,
		Filter: s.filter,
		Root:   c.String("root"),
		Name:   s.in.name,
		Print:  print,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", s.in.name, err)
	}
	if res.Changed > 0 || !c.Bool("allow-undecidable") && (res.Undecidable > 0 || len(res.Incomplete) > 0) {
		return &exitError{code: 1}
	}
	return nil
}

// checkRoot checks --root, which names a directory: a file system that is
// not there would resolve every link as missing.
func checkRoot(root string) error {
	if root == "" {
		return nil
	}
	fi, err := os.Stat(root)
	if err != nil {
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			err = pe.Err
		}
		return usagef("--root %s: %v", root, err)
	}
	if !fi.IsDir() {
		return usagef("--root %s: not a directory", root)
	}
	return nil
}
