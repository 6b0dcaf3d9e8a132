// Command trec records the syscalls of a program and analyzes the traces.
package main

import (
	"os"

	"github.com/trecdev/trec/record"
)

func main() {
	// trec re-executes itself to start a traced program; that copy becomes
	// the program here and never returns.
	record.MaybeRunShim()
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
