package analyze

import (
	"errors"
	"syscall"
	"testing"
)

// brokenPipe fails every write.
type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// TestWalkStopsAtWriteError checks that a walk whose output fails stops
// soon rather than read the rest of the trace.
func TestWalkStopsAtWriteError(t *testing.T) {
	var evs []ev
	for i := range 50000 {
		evs = append(evs, enter(int64(2*i), 1, 1, nrClose, 3), exit(int64(2*i+1), 1, 1, nrClose, -9))
	}
	r := traceOf(t, evs)
	w, _ := NewWalker(r.Header(), nil, WalkerOptions{})
	p := NewPrinter(brokenPipe{}, w, r.Header(), DumpOptions{})
	if err := w.Walk(r, p); !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("walk: %v, want the write error", err)
	}
	if n := w.Read(); n >= uint64(len(evs))/2 {
		t.Errorf("read %d of %d events after the output failed", n, len(evs))
	}
	if err := p.Flush(); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("flush: %v", err)
	}
}
