package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/replay"
)

// replayCommand is trec replay.
func replayCommand() *cli.Command {
	return &cli.Command{
		Name:      "replay",
		Usage:     "run a recorded program again and serve it the recording",
		ArgsUsage: "FILE",
		Args:      true,
		Flags:     replayExecFlags(),
		Action: func(c *cli.Context) error {
			if !c.Bool("exec") {
				return errors.New("give --exec to run the recorded program again")
			}
			return runReplayExec(c)
		},
	}
}

// replayExecFlags are trec replay's flags for re-execution.
func replayExecFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "exec", Usage: "run the recorded program again under the tracer, serving it what the recording says it got (a trace of trec record --replayable)"},
		&cli.BoolFlag{Name: "quiet-output", Usage: "with --exec: serve the program's writes to its standard output and error instead of making them"},
		&cli.Uint64Flag{Name: "until", Usage: "with --exec: stop before the recording's event `N` and leave the program stopped, detached, for a debugger"},
		&cli.BoolFlag{Name: "json", Usage: "print one JSON object: whether it diverged, where and why, the exit status"},
	}
}

// runReplayExec is trec replay --exec: exit status 1 at a divergence, the
// recorded program's status when the program matched its recording to the
// end.
func runReplayExec(c *cli.Context) error {
	in, err := openTrace(c)
	if err != nil {
		return err
	}
	defer in.file.Close()
	stdio, err := programStdio(c)
	if err != nil {
		return err
	}
	unshield := shieldSignals()
	res, err := replay.Exec(c.Context, in.Reader, replay.ExecOptions{
		Stdin:       stdio.files[0],
		Stdout:      stdio.files[1],
		Stderr:      stdio.files[2],
		QuietOutput: c.Bool("quiet-output"),
		Until:       c.Uint64("until"),
		Log:         c.App.ErrWriter,
		Version:     version,
	})
	unshield()
	stdio.close()
	if err != nil {
		return fmt.Errorf("%s: %w", in.name, err)
	}
	h := in.Reader.Header()
	if c.Bool("json") {
		if err := res.WriteJSON(c.App.Writer, h); err != nil {
			return err
		}
	} else if res.Divergence != nil {
		if err := res.Divergence.WriteText(c.App.ErrWriter, h); err != nil {
			return err
		}
	} else if res.Stopped != nil {
		fmt.Fprintf(c.App.ErrWriter, "trec: replay stopped before event %d; left stopped for a debugger: %s (gdb -p %d)\n",
			c.Uint64("until"), pidList(res.Stopped), res.Stopped[0])
	}
	switch {
	case res.Divergence != nil:
		return &exitError{code: 1}
	case res.Stopped != nil:
		return nil
	case res.ExitStatus != 0:
		return &exitError{code: res.ExitStatus}
	}
	return nil
}

func pidList(pids []int) string {
	s := make([]string, len(pids))
	for i, p := range pids {
		s[i] = fmt.Sprintf("pid %d", p)
	}
	return strings.Join(s, ", ")
}
