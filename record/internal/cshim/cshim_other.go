//go:build !cgo || !linux

package cshim

// Active reports whether the C shim is in this binary and its constructor
// ran: never without cgo.
func Active() bool { return false }
