//go:build linux

package record

import "github.com/trecdev/trec/record/internal/startstate"

// InheritedAtStart reports what this process inherited that the Go runtime
// changed before any Go code ran: which standard fds were closed (bit N
// for fd N, which the runtime opened on /dev/null) and which signals were
// ignored (bit N-1 for signal N; the runtime keeps only SIGHUP and SIGINT
// ignored). known is false in binaries built without cgo, which cannot
// tell (see package startstate); closedFDs and ignored are then 0.
func InheritedAtStart() (closedFDs uint8, ignored uint64, known bool) {
	s, known := startstate.At()
	if !known {
		return 0, 0, false
	}
	return s.Closed, s.Ignored, true
}
