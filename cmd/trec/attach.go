package main

import (
	"context"
	"fmt"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/record"
)

// runAttach is trec record -p: it records running processes until they
// have all exited, a signal asks trec to stop, or --duration is over, and
// then lets them go. Unlike a recording of a started program, the signals
// that would end trec (Ctrl-C, a hangup, kill) end the recording: the
// processes run on, trec closes the trace and exits 0.
func runAttach(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("-p and a program to run exclude each other")
	}
	pids, err := parsePids(c.Generic("pid").(*multiString).vals)
	if err != nil {
		return err
	}
	if c.IsSet("duration") && c.Duration("duration") <= 0 {
		return usagef("--duration %v: must be positive", c.Duration("duration"))
	}
	opts, sandbox, err := recordFlags(c)
	if err != nil {
		return err
	}
	name := c.String("output")
	// The processes do not share trec's standard output: the trace may
	// go there.
	file, out, err := createOutput(name, c.App.Writer, replaceAtFirstWrite)
	if err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	defer file.close()

	ctx, stop := signal.NotifyContext(c.Context, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer stop()
	if c.IsSet("duration") {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Duration("duration"))
		defer cancel()
	}
	res, err := record.Attach(ctx, pids, opts, out)
	return endRecording(c, file, name, res, err, sandbox)
}

// parsePids reads the values of -p: process ids separated by commas or
// spaces (-p "$(pidof prog)").
func parsePids(vals []string) ([]int, error) {
	var pids []int
	for _, v := range vals {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
			pid, err := strconv.Atoi(f)
			if err != nil || pid <= 0 {
				return nil, usagef("-p %s: not a process id", f)
			}
			pids = append(pids, pid)
		}
	}
	if len(pids) == 0 {
		return nil, usagef("-p: no process id given")
	}
	return pids, nil
}
