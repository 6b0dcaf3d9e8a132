//go:build linux

// Package selfsig makes the calling process die of a signal, or stop on
// one, by the kernel's default action for it. The Go runtime catches most
// signals with handlers of its own (it prints a stack dump for SIGABRT and
// SIGTRAP, exits with status 2 for SIGINT) and leaves others to
// os/signal; a process that must end or stop as another process did, so
// that its parent sees the same wait status, needs the default action
// itself. Both functions work behind the runtime's back with raw syscalls,
// and put its handler back when the process runs on.
package selfsig

import (
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Die ends the process with sig's default action and no core file of its
// own: the parent sees the process killed by sig, without the core-dump
// bit. Where sig's default action does not end a process (SIGCHLD,
// SIGCONT, a stop signal), the process exits with status 128+sig instead.
// Die never returns.
func Die(sig syscall.Signal) {
	// No core file: RLIMIT_CORE 0 stops a core written to a file, and a
	// process that is not dumpable gets no core at all, also where
	// core_pattern pipes cores to a program, which ignores the limit.
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	raise(sig)
	os.Exit(128 + int(sig))
}

// Stop stops the process with sig, one of SIGSTOP, SIGTSTP, SIGTTIN and
// SIGTTOU, and returns when the process is continued (SIGCONT). As for any
// process, the kernel discards SIGTSTP, SIGTTIN and SIGTTOU in a process
// group that no parent outside it controls (an orphaned group): Stop then
// returns at once.
func Stop(sig syscall.Signal) { raise(sig) }

// sigaction is struct sigaction as rt_sigaction takes it on amd64 and
// arm64: handler, flags, restorer, mask.
type sigaction [4]uint64

// raise delivers sig to the calling thread with the default disposition
// and the signal unblocked, then restores both. A signal sent to the
// calling thread is handled on the way out of the kill syscall: its
// default action has been taken (the process stopped and was continued)
// when raise restores the handler.
func raise(sig syscall.Signal) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var dfl, old sigaction
	_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	set := uint64(1) << (sig - 1)
	var oldMask uint64
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), uintptr(unsafe.Pointer(&oldMask)), 8, 0, 0)
	unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&oldMask)), 0, 8, 0, 0)
	if e == 0 {
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	}
}

// IgnoreUncaught ignores those of sigs that have no handler, whose
// disposition is the default: in a Go program, after signal.Notify, the
// signals the runtime reserves for the C library (32 to 34), which it
// neither handles nor lets os/signal catch. It returns a function that
// gives them their default disposition back. An ignored disposition
// survives an exec: a child must reset them.
func IgnoreUncaught(sigs []syscall.Signal) (restore func()) {
	var ignored []syscall.Signal
	ign := sigaction{1} // SIG_IGN
	for _, sig := range sigs {
		var old sigaction
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0); e != 0 || old[0] != 0 {
			continue
		}
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&ign)), 0, 8, 0, 0); e == 0 {
			ignored = append(ignored, sig)
		}
	}
	return func() {
		var dfl sigaction
		for _, sig := range ignored {
			unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
		}
	}
}
