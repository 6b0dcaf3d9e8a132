package main

import (
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/trecdev/trec/internal/selfsig"
)

// guardSignals keeps trec recording through every signal it can catch
// while a program runs under it, as `strace -o FILE PROG` does. Sent to the
// process group (Ctrl-C, a hangup, timeout(1), Ctrl-Z, the program's own
// kill(0, SIG), abort() in a child of a shell) they reach the program,
// which ends, stops or carries on as it would without trec; trec ends or
// stops with it (see exit and record.Options.JobControl). Sent to trec
// alone they are dropped.
//
// The signals in endOn are delivered on the returned channel instead of
// dropped, for a recording that ends on them. stop gives them Go's default
// handling back, and the signals trec ignored their default. This is the
// one place that decides what a signal to trec does while it records.
//
// Signals are caught rather than ignored, because an ignored disposition
// would be inherited by the program; one that trec inherited ignored stays
// ignored, for the program to inherit (nohup). Only the signals whose Go
// default ends or stops the process are caught: the runtime drops the
// others itself (os/signal: "caught but no action will be taken"), and
// those it leaves at their default action (32 to 34) are ignored. Those
// whose default is to be ignored are left alone (SIGCHLD to the recorder,
// which ignores it). SIGKILL cannot be caught: it ends trec, and the
// recorded program with it, with the trace kept up to its last complete
// frame.
func guardSignals(endOn ...os.Signal) (ended <-chan os.Signal, stop func()) {
	var drop, end []os.Signal
	var all []syscall.Signal
	for s := syscall.Signal(1); s <= 64; s++ {
		switch {
		case s == syscall.SIGKILL, s == syscall.SIGSTOP, signal.Ignored(s):
			continue
		case s == syscall.SIGCHLD, s == syscall.SIGCONT, s == syscall.SIGURG, s == syscall.SIGWINCH:
			// Their default is to be ignored, and they end nothing.
			// SIGCHLD, ignored by the recorder, costs nothing per stop;
			// Go preempts goroutines with SIGURG.
			continue
		case slices.Contains(endOn, os.Signal(s)):
			end = append(end, s)
		case slices.Contains(goFatal, s):
			drop = append(drop, s)
		}
		all = append(all, s)
	}
	// Notify never blocks on a full channel: what does not fit is dropped.
	dropped, endc := make(chan os.Signal, 1), make(chan os.Signal, 1)
	signal.Notify(dropped, drop...)
	if len(end) > 0 {
		signal.Notify(endc, end...)
	}
	// What the runtime leaves at its default is ignored; the shim resets
	// it for the program.
	unignore := selfsig.IgnoreUncaught(all)
	// The dropped signals stay caught until trec exits: one the program
	// sent to its group just before it ended can reach one of trec's
	// threads only after the recording (seen on a loaded machine), and
	// Go's default handling would then crash trec with a stack dump
	// (SIGSEGV or SIGBUS sent by kill) instead of ending as the program
	// did.
	return endc, func() {
		unignore()
		signal.Stop(endc)
	}
}

// goFatal are the signals that end or stop a Go program that does not
// catch them: it exits (SIGHUP, SIGINT, SIGTERM), prints a stack dump
// (SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGSTKFLT, SIGSYS, and SIGBUS, SIGFPE
// and SIGSEGV sent by kill), stops (SIGTSTP, SIGTTIN, SIGTTOU), or dies of
// a write to a closed pipe on fd 1 or 2 (SIGPIPE).
var goFatal = []syscall.Signal{
	syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM,
	syscall.SIGQUIT, syscall.SIGILL, syscall.SIGTRAP, syscall.SIGABRT, syscall.SIGSTKFLT, syscall.SIGSYS,
	syscall.SIGBUS, syscall.SIGFPE, syscall.SIGSEGV,
	syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU,
	syscall.SIGPIPE,
}
