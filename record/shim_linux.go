//go:build linux

package record

import (
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// shimMarker is appended to the environment of the shim, as its last entry,
// by the tracer that starts it. The shim removes it before exec'ing the
// target, so the target's environment is the one the caller asked for.
const shimMarker = "TREC_SHIM=1"

// shimArg0 is the shim's argv[0]; argv[1] is the resolved path of the
// target and argv[2:] its argv.
const shimArg0 = "trec-shim"

func init() {
	// Package initialization runs on the main thread, the thread the
	// tracer seizes: the exec must come from it, or the target would start
	// untraced.
	MaybeRunShim()
}

// MaybeRunShim turns this process into the pre-exec shim when the recorder
// started it as one, and then never returns; otherwise it returns at once.
//
// The recorder starts a traced program by re-executing its own binary
// (/proc/self/exe) as a shim that stops itself with SIGSTOP, waits to be
// seized, and execs the program. The package's init function already calls
// MaybeRunShim on the main thread, where the shim must run; calling it first
// thing in main (or TestMain) only makes that visible.
func MaybeRunShim() {
	env := os.Environ()
	if len(env) == 0 || env[len(env)-1] != shimMarker {
		return
	}
	if len(os.Args) < 3 || os.Args[0] != shimArg0 {
		os.Exit(127)
	}
	runShim(os.Args[1], os.Args[2:], env[:len(env)-1])
}

// runShim is the one place where setup between fork and the target's exec
// happens (issue 5 installs the seccomp filter here). None of its syscalls
// reach the trace: the tracer records from the target's execve on.
func runShim(path string, argv, env []string) {
	// A disposition of SIG_IGN survives execve: the target must start
	// with SIGCHLD at its default even if the tracer ignored it.
	var dfl [4]uint64 // struct sigaction {handler, flags, restorer, mask}: SIG_DFL
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)

	// Wait, stopped, until the tracer has seized this thread.
	unix.Kill(unix.Getpid(), unix.SIGSTOP)

	err := syscall.Exec(path, argv, env)
	// The tracer saw the failed execve and reports it; the status is a
	// shell's for the same failure.
	if err == syscall.ENOENT {
		os.Exit(127)
	}
	os.Exit(126)
}
