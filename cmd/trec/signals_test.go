package main

import (
	"runtime"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A signal that the program sent its process group just before it ended
// can reach trec after the recording: the guard's stop leaves it caught,
// and dropped, rather than to Go's default handling, which would end trec
// (with a stack dump for SIGSEGV). Here the signal waits on a thread that
// blocks it until the guard is stopped; delivered then, it must not end
// the test.
func TestGuardCatchesLateSignals(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_, stop := guardSignals()
	hup := uint64(1) << (syscall.SIGHUP - 1)
	var old uint64
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, uintptr(unsafe.Pointer(&hup)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	unix.Tgkill(unix.Getpid(), unix.Gettid(), syscall.SIGHUP)
	stop()
	// Unblocked, the signal is delivered on the way out of this call.
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
}
