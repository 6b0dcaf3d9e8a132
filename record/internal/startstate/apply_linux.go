//go:build linux

package startstate

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// String encodes s for the arguments of a process that applies it:
// "ignored,blocked,closed,exact", the numbers in hex.
func (s State) String() string {
	return fmt.Sprintf("%x,%x,%x,%t", s.Ignored, s.Blocked, s.Closed, s.Exact)
}

// Parse decodes what String encoded.
func Parse(str string) (State, error) {
	var s State
	if _, err := fmt.Sscanf(str, "%x,%x,%x,%t", &s.Ignored, &s.Blocked, &s.Closed, &s.Exact); err != nil {
		return State{}, fmt.Errorf("start state %q: %w", str, err)
	}
	return s, nil
}

// Apply gives the calling thread's process the state s, just before an
// exec: it ignores the ignored signals, sets the thread's signal mask and
// closes the closed standard fds. The signals whose disposition the Go
// runtime leaves as it found it, and which a recorder may pass on ignored
// (SIGHUP and SIGINT, and 32 to 34, which it reserves for the C library),
// get their default disposition unless s ignores them: ignored, they
// would survive the exec. Apply uses raw syscalls, behind the Go runtime's back, so
// nothing may run Go code that depends on signals between Apply and the
// exec.
func (s State) Apply() error {
	// struct sigaction as the kernel takes it: handler, flags, restorer,
	// mask.
	ign, dfl := [4]uint64{1}, [4]uint64{0}
	for sig := 1; sig <= 64; sig++ {
		act := &ign
		switch {
		case sig == int(unix.SIGKILL) || sig == int(unix.SIGSTOP):
			continue
		case s.Ignored&(1<<(sig-1)) != 0:
		case sig == int(unix.SIGHUP) || sig == int(unix.SIGINT) || (sig >= 32 && sig <= 34):
			act = &dfl
		default:
			continue
		}
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(act)), 0, 8, 0, 0); e != 0 {
			return fmt.Errorf("disposition of signal %d: %w", sig, e)
		}
	}
	if !s.Exact {
		return s.closeFDs()
	}
	mask := s.Blocked
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&mask)), 0, 8, 0, 0); e != 0 {
		return fmt.Errorf("signal mask: %w", e)
	}
	return s.closeFDs()
}

func (s State) closeFDs() error {
	for fd := 0; fd < 3; fd++ {
		if s.Closed&(1<<fd) != 0 {
			unix.Close(fd)
		}
	}
	return nil
}
