package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/replay"
)

// replayExecFlags are trec replay's flags for running the program again
// (--exec); --json and --until are shared with the hooks' replay.
func replayExecFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "exec", Usage: "run the recorded program again under the tracer and serve it what the recording says it got (a trace of trec record --replayable); stop at the first call that differs", Category: catExec},
		&cli.BoolFlag{Name: "quiet-output", Usage: "with --exec: serve the program's writes to its standard output and error instead of making them", Category: catExec},
	}
}

// execFlags are the flags that go with --exec.
var execFlags = map[string]bool{"exec": true, "quiet-output": true, "until": true, "json": true}

// runReplayExec is trec replay --exec: exit status 1 at a divergence, the
// recorded program's status when the program matched its recording to the
// end, 2 on trouble (as with hooks: 1 says what was found).
func runReplayExec(c *cli.Context) error {
	err := replayExec(c)
	var ee *exitError
	var ue *usageError
	if err == nil || errors.As(err, &ee) || errors.As(err, &ue) {
		return err
	}
	return troubleError{err}
}

func replayExec(c *cli.Context) error {
	for _, name := range c.LocalFlagNames() {
		if !execFlags[name] {
			return usagef("--exec runs the program again: --%s is for replaying hooks", name)
		}
	}
	until, untilTime, err := parseUntil(c.String("until"))
	if err != nil {
		return err
	}
	in, err := openTrace(c)
	if err != nil {
		return err
	}
	defer in.file.Close()
	if !in.Reader.Header().GetOptions().GetReplayable() {
		return fmt.Errorf("%s: %w", in.name, replay.ErrNotReplayable)
	}
	stdio, err := programStdio(c)
	if err != nil {
		return err
	}
	// A signal to trec's process group is one for the program, as when
	// it was recorded. With --until the program runs in a session of its
	// own, which the terminal's signals do not reach: they end the replay
	// and the program.
	var endOn []os.Signal
	if until > 0 || untilTime > 0 {
		endOn = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}
	}
	ended, unguard := guardSignals(endOn...)
	defer unguard()
	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()
	var interrupted syscall.Signal
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case s := <-ended:
			interrupted = s.(syscall.Signal)
			cancel()
		case <-ctx.Done():
		}
	}()
	res, err := replay.Exec(ctx, in.Reader, replay.ExecOptions{
		Stdin:       stdio.files[0],
		Stdout:      stdio.files[1],
		Stderr:      stdio.files[2],
		QuietOutput: c.Bool("quiet-output"),
		Until:       until,
		UntilTime:   untilTime,
		Log:         c.App.ErrWriter,
		Version:     version,
	})
	stdio.close()
	cancel()
	<-watched
	// An interrupt after the program was left stopped ends nothing.
	if interrupted != 0 && (res == nil || res.Stopped == nil) {
		return &exitError{code: 128 + int(interrupted), signal: interrupted}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", in.name, err)
	}
	h := in.Reader.Header()
	switch {
	case c.Bool("json"):
		err = res.WriteJSON(c.App.Writer, h)
	case res.Divergence != nil:
		err = res.Divergence.WriteText(c.App.ErrWriter, h)
	case res.Stopped != nil:
		_, err = fmt.Fprintf(c.App.ErrWriter, "trec: replay stopped before event %d; the program is stopped for a debugger: %s (gdb -p %d)\n",
			res.Events+1, pidList(res.Stopped), res.Stopped[0])
	}
	if err != nil {
		return err
	}
	switch {
	case res.Divergence != nil:
		return &exitError{code: 1}
	case res.Stopped != nil || res.ExitStatus == 0:
		return nil
	case res.ExitStatus > 128:
		return &exitError{code: res.ExitStatus, signal: syscall.Signal(res.ExitStatus - 128)}
	}
	return &exitError{code: res.ExitStatus}
}

// parseUntil reads --until with --exec: an event number N, or a time
// offset with its unit (1.5s, 200ms) as the filters read it.
func parseUntil(s string) (uint64, time.Duration, error) {
	if s == "" {
		return 0, 0, nil
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		if n == 0 {
			return 0, 0, usagef("--until 0: events count from 1")
		}
		return n, 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, 0, usagef("--until %q: want an event number, or a time offset such as 1.5s", s)
	}
	return 0, d, nil
}

func pidList(pids []int) string {
	s := make([]string, len(pids))
	for i, p := range pids {
		s[i] = fmt.Sprintf("pid %d", p)
	}
	return strings.Join(s, ", ")
}
