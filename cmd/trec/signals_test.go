package main

import (
	"runtime"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/internal/selfsig"
)

// A signal that the program sent its process group just before it ended
// can still be pending for trec when the recording is over: the guard's
// stop takes it rather than leave it to kill trec. Here the signal waits
// on a thread that blocks it.
func TestGuardDropsPendingSignals(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_, stop := guardSignals()
	hup := uint64(1) << (syscall.SIGHUP - 1)
	var old uint64
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, uintptr(unsafe.Pointer(&hup)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	defer unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	unix.Tgkill(unix.Getpid(), unix.Gettid(), syscall.SIGHUP)
	stop()
	var pending uint64
	unix.RawSyscall(unix.SYS_RT_SIGPENDING, uintptr(unsafe.Pointer(&pending)), 8, 0)
	if pending&hup != 0 {
		t.Errorf("SIGHUP still pending after the guard's stop")
		// Unblocked, it would end the test.
		selfsig.DropPending([]syscall.Signal{syscall.SIGHUP})
	}
}
