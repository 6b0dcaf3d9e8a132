// Command trec records the syscalls of a program and analyzes the traces.
package main

import (
	"os"
	"syscall"

	"github.com/trecdev/trec/internal/selfsig"
	"github.com/trecdev/trec/record"
)

func main() {
	// trec re-executes itself to start a traced program; that copy becomes
	// the program here and never returns.
	record.MaybeRunShim()
	exit(runSignal(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// exit ends trec with code or, when the recorded program was killed by a
// signal, by the same signal, as strace does: a shell then stops a script
// after a Ctrl-C and prints "Segmentation fault", and a parent's wait
// sees the signal, as they would without trec.
func exit(code int, sig syscall.Signal) {
	if sig != 0 {
		selfsig.Die(sig)
	}
	os.Exit(code)
}
