//go:build !cgo || !linux

package rseq

// Unregister does nothing: without cgo, Go starts its threads itself and
// registers no rseq area.
func Unregister() error { return nil }
