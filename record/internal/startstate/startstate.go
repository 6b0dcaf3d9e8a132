// Package startstate reports what a process inherited when it started and
// the Go runtime changes before any Go code runs: the signals its parent
// ignored and blocked, and which of the standard fds 0, 1 and 2 were
// closed. The runtime installs its own handlers (which an exec resets to
// the default, where an inherited SIG_IGN would have survived), unblocks
// the signals it needs, and opens /dev/null on closed standard fds. A
// recorder hands the original state to the program it starts, so that the
// program sees what it would see without the recorder.
//
// The state is read by a C constructor, which runs before the runtime, so
// it is known only in binaries built with cgo; elsewhere At returns false.
package startstate

import (
	"os/signal"
	"syscall"
)

// State is a process's inherited state at its start.
type State struct {
	// Ignored and Blocked have bit N-1 set for signal N (1 to 64) whose
	// disposition was SIG_IGN, or which was blocked.
	Ignored, Blocked uint64
	// Closed has bit N set when fd N (0, 1 or 2) was not open.
	Closed uint8
	// Exact says the state was read before the runtime changed it. When
	// it is false, Ignored holds only SIGHUP and SIGINT (which the runtime
	// leaves ignored), Blocked and Closed are unknown, and Apply leaves the
	// signal mask alone.
	Exact bool
}

// runtimeState is what the Go runtime leaves of the start state: an
// ignored SIGHUP or SIGINT, which it does not replace with its handlers.
func runtimeState() State {
	var s State
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT} {
		if signal.Ignored(sig) {
			s.Ignored |= 1 << (sig - 1)
		}
	}
	return s
}
