//go:build linux

package record

import (
	"bytes"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/internal/selfsig"
)

// Job control. A shell that started the recorder sees the recorder, not
// the program: it waits for the recorder's process to stop when a job
// stops, and continues the job with SIGCONT to its process group. With
// Options.JobControl the recorder stops with the program's first process:
// when that process's leader reports a group-stop, the tracer lets it
// listen (PTRACE_LISTEN) and stops its own process with the same signal.
// The SIGCONT that continues the job continues both (the caller catches
// SIGTSTP, SIGTTIN and SIGTTOU, so that they stop the program first and
// the recorder only through this mirror).
//
// Two races are settled by a SIGCONT pending in the program: a SIGCONT
// that comes after a stop signal was taken from a thread's queue into a
// signal-delivery-stop, and that untraced would have discarded it; and one
// that comes after a group-stop was reported but before the recorder could
// stop with it. Since the kernel removes a pending SIGCONT whenever a stop
// signal is sent, a pending SIGCONT is always newer than the last stop
// signal. A SIGCONT that comes in the few microseconds between that check
// and the recorder's stop leaves the recorder stopped and the program
// running, until the next SIGCONT.

// stopWithProgram stops the recorder's process with sig, the signal that
// stopped the program's first process, unless the program has been
// continued since; it returns when the recorder is continued.
func (t *tracer) stopWithProgram(sig int) {
	if contPending(t.initial) {
		return
	}
	selfsig.Stop(syscall.Signal(sig))
}

// contPending reports whether SIGCONT is pending for thread tid, in its own
// queue or its process's, from /proc/TID/status; false when that cannot be
// read (the thread is gone).
func contPending(tid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return false
	}
	const cont = 1 << (unix.SIGCONT - 1)
	for _, field := range []string{"\nSigPnd:", "\nShdPnd:"} {
		i := bytes.Index(b, []byte(field))
		if i < 0 {
			continue
		}
		v := b[i+len(field):]
		if j := bytes.IndexByte(v, '\n'); j >= 0 {
			v = v[:j]
		}
		if mask, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 16, 64); err == nil && mask&cont != 0 {
			return true
		}
	}
	return false
}
