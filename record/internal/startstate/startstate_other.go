//go:build !cgo || !linux

package startstate

import (
	"os/signal"
	"syscall"
)

// At returns what is left of the start state, and false: without cgo
// nothing runs before the Go runtime, which keeps only an ignored SIGHUP or
// SIGINT.
func At() (State, bool) {
	var s State
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT} {
		if signal.Ignored(sig) {
			s.Ignored |= 1 << (sig - 1)
		}
	}
	return s, false
}
