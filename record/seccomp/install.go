package seccomp

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Install sets no_new_privs and loads prog as a seccomp filter
// (seccomp(SECCOMP_SET_MODE_FILTER) with SECCOMP_FILTER_FLAG_TSYNC, or
// prctl(PR_SET_SECCOMP) on a kernel without the seccomp syscall). The filter
// stays for the life of the process and is inherited across fork and execve.
//
// A filter applies per thread. TSYNC puts it on every thread of the process,
// so the Go runtime's threads carry it too and it does not matter which of
// them later calls execve; the prctl fallback reaches only the calling
// thread, and Install locks its goroutine to that thread for the duration of
// the call only, so a caller on an old kernel must keep its goroutine locked
// (runtime.LockOSThread) from before Install until its execve.
//
// Call it last before execve: from here on, any selected syscall the caller
// itself makes stops at its tracer (or fails with ENOSYS when it has none).
// no_new_privs means that set-user-ID and file-capability programs run
// without their privileges, as under strace --seccomp-bpf.
func Install(prog []unix.SockFilter) error {
	if len(prog) == 0 || len(prog) > unix.BPF_MAXINSNS {
		return fmt.Errorf("seccomp: install: program of %d instructions, want 1..%d", len(prog), unix.BPF_MAXINSNS)
	}
	// no_new_privs is per thread until TSYNC spreads it: set it and install
	// the filter on one thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("seccomp: set no_new_privs: %w", err)
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	r, errno := load(&fprog, unix.SECCOMP_FILTER_FLAG_TSYNC)
	switch {
	case errno != 0:
		return fmt.Errorf("seccomp: install filter: %w", errno)
	case r != 0:
		// With TSYNC, a positive result is a thread that could not take
		// the filter (it already has one that is not an ancestor of it).
		return fmt.Errorf("seccomp: install filter: thread %d cannot be synchronized: %w", r, errTSync)
	}
	runtime.KeepAlive(prog)
	return nil
}

// InstallThread loads prog as a seccomp filter on the calling thread only,
// without SECCOMP_FILTER_FLAG_TSYNC: the process's other threads are left
// as they are. The caller must have locked its goroutine to its thread
// (runtime.LockOSThread) and should execve from that thread next, which
// gives the new program the filter and ends the other threads. This is what
// trec's shim does: the Go runtime's other threads of the shim are not
// traced, and with the filter a selected syscall of theirs would fail with
// ENOSYS.
//
// It sets no_new_privs only when the kernel refuses the filter without it
// (EACCES: the caller lacks CAP_SYS_ADMIN), so that a privileged caller's
// program keeps set-user-ID and file capabilities working as they would
// without a filter.
func InstallThread(prog []unix.SockFilter) error {
	if len(prog) == 0 || len(prog) > unix.BPF_MAXINSNS {
		return fmt.Errorf("seccomp: install: program of %d instructions, want 1..%d", len(prog), unix.BPF_MAXINSNS)
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	_, errno := load(&fprog, 0)
	if errno == unix.EACCES {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("seccomp: set no_new_privs: %w", err)
		}
		_, errno = load(&fprog, 0)
	}
	runtime.KeepAlive(prog)
	if errno != 0 {
		return fmt.Errorf("seccomp: install filter on thread: %w", errno)
	}
	return nil
}

// load installs fprog with seccomp(SECCOMP_SET_MODE_FILTER) and flags, or
// with prctl(PR_SET_SECCOMP) on a kernel without the seccomp syscall, which
// takes no flags and reaches the calling thread only. It returns the
// syscall's result and errno.
func load(fprog *unix.SockFprog, flags uintptr) (uintptr, syscall.Errno) {
	r, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(fprog)))
	if errno == unix.ENOSYS {
		r, _, errno = unix.RawSyscall(unix.SYS_PRCTL, unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(fprog)))
	}
	return r, errno
}

// TraceAvailable returns nil when the kernel can run a filter that
// returns SECCOMP_RET_TRACE, and otherwise why not: the kernel has no
// seccomp(2) (ENOSYS) or does not know the action (EOPNOTSUPP). A kernel
// older than Linux 4.14 cannot answer the question; TraceAvailable then
// returns nil and only installing a filter tells.
func TraceAvailable() error {
	action := uint32(unix.SECCOMP_RET_TRACE)
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_GET_ACTION_AVAIL, 0, uintptr(unsafe.Pointer(&action)))
	switch errno {
	case 0, unix.EINVAL:
		return nil
	}
	return fmt.Errorf("seccomp: SECCOMP_RET_TRACE: %w", errno)
}

var errTSync = errors.New("thread has an incompatible filter")
