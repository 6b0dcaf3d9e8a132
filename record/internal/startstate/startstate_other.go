//go:build !cgo || !linux

package startstate

// At returns what is left of the start state, and false: without cgo
// nothing runs before the Go runtime, which keeps only an ignored SIGHUP or
// SIGINT.
func At() (State, bool) { return runtimeState(), false }
