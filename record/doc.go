// Package record runs a program under ptrace and records every syscall,
// signal, clone, exec and exit of it and its descendants into a trace
// (package format).
//
// Run is the entry point. One goroutine, locked to its OS thread for its
// whole life, starts the program and makes every ptrace request; when it
// returns its thread dies, and PTRACE_O_EXITKILL kills any tracee left.
//
// # Starting the program
//
// Go cannot run code between fork and exec, so Run re-executes its own
// binary (/proc/self/exe) as a shim: the shim stops itself with SIGSTOP,
// the tracer seizes it (PTRACE_SEIZE) and continues it, and the shim execs
// the program. The shim is the one place for setup before the exec (a
// seccomp filter, later). Package initialization detects the shim, on the
// main thread where it must run; MaybeRunShim makes that explicit for a
// main or TestMain. Nothing the shim does is recorded: the trace starts at
// the program's execve. A program that cannot be started returns a
// *StartError and writes no trace at all.
//
// # The loop
//
// Stops are reaped with wait4(-1, __WALL|__WNOTHREAD), so that recordings
// running on other threads of the same process are not disturbed, and each
// stop is decided and resumed in one place (tracer.stop). Per thread the
// tracer keeps whether it is in a syscall, the number and the arguments
// saved at entry; it does not assume it saw every entry. Syscall stops are
// read with PTRACE_GET_SYSCALL_INFO; group-stops (PTRACE_EVENT_STOP with a
// stop signal) are recorded and resumed with PTRACE_LISTEN; signals are
// recorded and injected only at signal-delivery-stops. A thread that
// vanishes (ESRCH) is forgotten; its exit status still arrives.
//
// # Captures
//
// The argument kinds of package sysent say what to capture: paths, argv
// and input buffers, iovecs, sockaddrs and structs at entry, output
// buffers and structs at exit of a successful call. Memory is read with
// process_vm_readv, strings a page at a time, iovec buffers in one call,
// with PTRACE_PEEKDATA only as a fallback. Buffers are cut at
// Options.CaptureSize; a cut capture keeps the full length in Size. A
// string without its NUL within PATH_MAX is kept cut, with Size one more
// than its length.
//
// # Process-wide side effects
//
// While a recording runs, SIGCHLD is ignored in the calling process (every
// ptrace stop would otherwise cost a signal handler run in the tracer);
// Go's handler is reinstalled when Run returns. Waiting for other children
// of the process during a recording fails. Run also makes the process a
// child subreaper so that the program's orphans are reaped by it.
package record
