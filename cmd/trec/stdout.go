package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/record"
)

// checkStdout prepares standard output for a command that writes to it,
// to behave as cat does. It fails when trec started with it closed: the
// Go runtime would otherwise have the output vanish into the /dev/null it
// opened in its place. A write to a closed pipe kills trec with SIGPIPE,
// unless trec started with SIGPIPE ignored: then, as for cat, the write
// fails with EPIPE. The runtime replaces an inherited SIG_IGN with its
// own handler, so it is ignored again here.
func checkStdout(c *cli.Context) error {
	if c.App.Writer != os.Stdout {
		return nil
	}
	closed, ignored, _ := record.InheritedAtStart()
	if closed&(1<<1) != 0 {
		return writeError(stdinName, syscall.EBADF)
	}
	if ignored&(1<<(syscall.SIGPIPE-1)) != 0 {
		signal.Ignore(syscall.SIGPIPE)
	}
	return nil
}

// writeError names a failed write to the output name ("-": standard
// output) in one line.
func writeError(name string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		err = errno
	}
	if name == stdinName {
		return fmt.Errorf("write standard output: %w", err)
	}
	return fmt.Errorf("write %s: %w", name, err)
}
