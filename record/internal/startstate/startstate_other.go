//go:build !cgo || !linux

package startstate

// At returns false: without cgo nothing runs before the Go runtime, and
// the state is lost.
func At() (State, bool) { return State{}, false }
