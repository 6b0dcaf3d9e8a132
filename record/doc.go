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
// the program. Until it is seized, the shim dies with the tracer's thread
// (PR_SET_PDEATHSIG, set before it stops; a shim whose parent is already
// another process exits at once), and from then on with the tracer
// (PTRACE_O_EXITKILL): a recorder killed at any time leaves nothing of the
// program behind, stopped or untraced. The shim is the one place for setup before the exec (the
// seccomp filter). Built with cgo, a C constructor is the shim (package
// record/internal/cshim): it execs the program before the Go runtime
// starts, which saves the runtime's start, a few milliseconds. Without
// cgo, package initialization detects the shim, on the main thread where
// it must run; MaybeRunShim makes that explicit for a main or TestMain.
// Nothing the shim does is recorded: the trace starts at the program's
// execve. The trace header is written before the shim starts, in one
// write with the leading magic frame, so that a trace cut at any time
// reads as one. A program that cannot be started returns a *StartError.
//
// The program inherits what the process calling Run inherited, not what
// the Go runtime made of it: the signals its parent ignored and blocked,
// and, for the standard files Options leaves nil, the ones that were
// closed. The runtime replaces ignored dispositions with its handlers,
// unblocks the signals it needs and opens /dev/null on closed fds 0-2
// before any Go code runs; a C constructor reads the original state first
// (package record/internal/startstate), and the shim restores it just
// before the exec. Built without cgo, only an ignored SIGHUP or SIGINT is
// passed on.
//
// # The loop
//
// Stops are reaped with wait4(-1, __WALL|__WNOTHREAD), so that recordings
// running on other threads of the same process are not disturbed; the
// tracer's thread is never the process's main thread, whose children (those
// it had before an exec, the orphans a subreaper adopts) are not the
// program's. Each stop is decided and resumed in one place (tracer.stop).
// Pinned, the tracer polls rather than blocks (tracer.next): it takes a
// stop that is already there, else yields its CPU to the tracee it has just resumed and
// takes the stop that tracee makes, with raw syscalls; when the yield let
// something else run for long (a CPU-bound thread, another process) it
// blocks in wait4 for the next few thousand stops. A new thread whose
// first stop comes before its parent's clone event waits, stopped, for
// that event, so that the trace has the clone before anything the thread
// does. Per thread the tracer keeps whether it is in a syscall, the number and the arguments
// saved at entry; it does not assume it saw every entry. Syscall stops are
// read with PTRACE_GET_SYSCALL_INFO; group-stops (PTRACE_EVENT_STOP with a
// stop signal) are recorded and resumed with PTRACE_LISTEN; signals are
// recorded and injected only at signal-delivery-stops. A thread that
// vanishes (ESRCH) is forgotten; its exit status still arrives.
//
// # Signals and job control
//
// A signal reaches the program as it would without trec: it is injected
// at the signal-delivery-stop, except a stop signal (SIGSTOP, SIGTSTP,
// SIGTTIN, SIGTTOU) taken while a newer SIGCONT is pending, which
// untraced would have been discarded. Result.Signal names the signal that
// killed the first process, for a caller that dies of it too. With
// Options.JobControl the recorder's process stops when the program's
// first process stops, so that a shell sees the job stop (see
// jobcontrol_linux.go).
//
// # Selective tracing with seccomp
//
// When Options.Filter selects a subset, the program stops only where it
// must. The tracer builds a seccomp filter (package record/seccomp) that
// returns SECCOMP_RET_TRACE for the selected syscalls and for those the
// tracer itself needs (execve and execveat, whose path and argv make the
// exec event; the clone family, whose flags make the clone event; and,
// unless placement is left to the kernel, sched_getaffinity and
// sched_setaffinity, see Placement),
// and SECCOMP_RET_ALLOW for the rest. It passes the filter to the shim on
// its command line; the shim installs it on its own thread as its last step
// and execs the program, which inherits it, as do its children. The
// tracer seizes with PTRACE_O_TRACESECCOMP and resumes the program with
// PTRACE_CONT; at a seccomp stop it records the entry and resumes with
// PTRACE_SYSCALL to see the exit, then with PTRACE_CONT again. Forks,
// clones, execs, exits, signals and group-stops are ptrace events and stops
// whatever the filter says, and are recorded as without it. The syscalls
// the tracer needs but the user did not select are not written. The
// filtered trace is the full trace filtered.
//
// The shim runs with PTRACE_SYSCALL, so its execve makes both a
// syscall-entry stop and a seccomp stop. Their order depends on the kernel
// (entry first since Linux 4.8, seccomp first before): the tracer learns
// it from that first pair and counts the second stop of a pair as the same
// syscall. Nothing the shim does is recorded.
//
// Without seccomp (seccomp.TraceAvailable fails, or the shim could not
// install the filter, which the tracer sees as a shim execve without a
// seccomp stop) every syscall stops and the filter applies in the
// recorder; Options.Log says so once. The header's Options.Seccomp says
// whether a filter was to select the stops, and the trailer's
// SeccompFallback why the program ran without it.
//
// # Placement
//
// A ptrace stop costs ten times more or worse when the tracer and the
// tracee run on different CPUs (the tracer's wakeup crosses CPUs twice per
// stop); on one CPU the program's threads take turns. So Run keeps each
// thread where its stops make it pay (placement_linux.go; the model and
// its measurements are in PERFORMANCE.md). The tracer's thread is pinned
// to one CPU before it starts the shim: the CPU it runs on then (one the
// scheduler found free). The program starts on the CPUs it would have had
// without trec (the tracer's mask before pinning), and a thread comes to
// the tracer's CPU once four of its runs in a row were shorter than a
// crossing costs (or ran alone, not long): a thread that makes syscalls
// often stays there, where its stops are cheap, and threads and processes
// it creates start there too. A thread on the tracer's CPU that computes
// for 2.4 ms of CPU time without a stop while other traced work wants that
// CPU (another thread running there, any other thread's stop) gets its own
// CPUs back: the tracer looks for such threads every 1.2 ms at its stops,
// and, when no stop comes while two threads or more run on its CPU, a
// doorbell wakes it (doorbell_linux.go: a child of its thread that sleeps,
// untraced, whose stop ends a wait4 with WUNTRACED). A move is one
// sched_setaffinity of the thread; threads and processes created inherit
// their creator's place. While the threads on the tracer's CPU, with the
// tracer serving their stops, keep it busy three quarters of the time or
// more (weighed every 10 ms), the tracer's CPU is reserved: the threads
// on their own CPUs run on those without it (when that leaves them any),
// so that none delays the tracer there; they get it back once it is busy
// less than half the time, or idle while the tracer waits (the doorbell
// tells). The trailer counts where threads ran, how often they moved and
// the reservations.
//
// Options.Pin (or Options.UseCPU, with Options.CPU) keeps every thread on
// the tracer's CPU for the whole recording, as rr does; Options.NoPin
// leaves placement to the kernel, and every stop crosses CPUs. The
// header's Options.Placement names the mode and Options.Cpu the tracer's
// CPU, -1 for none. The trace writer's goroutine is not pinned: it encodes
// and compresses on another CPU.
//
// The program must not see its placement. At the exit of a successful
// sched_getaffinity of a thread trec keeps on its CPU, the tracer writes
// the mask the program would have had over the pinned one in the program's
// memory, so nproc, glibc's and Go's CPU counts and GOMAXPROCS are what
// they are without trec; the trace records the mask the program saw. (A
// thread on its own CPUs has that mask already, except while the tracer's
// CPU is reserved: its mask is rewritten too.) A sched_setaffinity is
// honoured: from its entry on, trec leaves the thread it names alone, so
// that no move undoes it; the thread runs where it asked, it and the
// threads it creates report their real masks, and nothing is rewritten for
// them. A mask changed from outside (taskset -p) is reported as it is, and
// trec leaves that thread alone from its next move on.
//
// A thread's /proc status file shows its mask too (Cpus_allowed,
// Cpus_allowed_list), which some libraries read (libnuma). The kernel
// writes the file's text when it is read, so while a traced thread reads
// the status file of a thread trec keeps on its CPU, or off it while it
// is reserved (an fd that links to /proc/PID/status or
// /proc/PID/task/TID/status, from open to close), trec gives that thread
// the mask it would have had for the read (procstatus_linux.go): the
// text, its length and later reads are what they would be. What remains
// visible: in a recording filtered with -e trace= that does not select
// the open and the reads of the file, a thread trec placed shows its
// mask there; so does a status file read
// through an fd duplicated or inherited from the one opened, or with
// io_uring; /proc/PID/stat's processor field, getcpu, sched_getcpu and
// rseq's cpu_id tell the CPU a thread runs on, which is the tracer's; and
// the time things take. Programs size thread pools from sched_getaffinity
// or sysconf; rr has the same leaks and the status file too.
//
// # Attaching
//
// Attach records processes that are already running (trec record -p).
// The tracer seizes every thread of each process with PTRACE_SEIZE, whose
// options it gives (no PTRACE_O_EXITKILL: however trec ends, the kernel
// detaches what it still traces and the processes run on), and stops each
// with PTRACE_INTERRUPT. It reads /proc/PID/task again until a reading
// finds no thread it has not seized: a thread that a seized thread
// creates is traced from its creation, one that a thread not yet seized
// creates is in the next reading. An error that prevents the attach (no
// such process, a zombie, another tracer, permission) is an *AttachError,
// found before anything is written; what was seized is let go by the
// kernel when the tracer's thread exits.
//
// The header lists the processes with the command line, working directory
// and executable /proc shows; each thread's first stop writes its
// KIND_ATTACH event, the first of each process with the program and its
// open fds and working directory (CAPTURE_FD), which a trace of a started
// program has on its first exec. A thread in a syscall at that stop has
// its exit recorded without an enter, as strace shows "<... read
// resumed>": the attach interrupts a blocking call, which the kernel
// restarts when the thread resumes (ERESTARTSYS and its kin), and the
// restart's entry is taken as the same call going on, not recorded, so
// that its exit is the original call's with what it read; a call that did
// not sleep interruptibly (vfork, a disk read) has returned by the first
// stop, and its exit is recorded then, from the registers.
//
// Without a seccomp filter (none can be installed in a running process),
// every syscall stops and Options.Filter applies in the recorder. Hooks
// apply to attached threads as to started ones, from their first syscall
// entry after the attach; a delay still running when the recording ends is
// cut short.
//
// The recording ends when every traced thread has exited, or when Attach's
// context is done (trec: SIGINT, SIGTERM, SIGHUP, SIGQUIT, --duration). To
// wake the tracer from a blocking wait4, a waker, a child of the tracer's
// thread that sits in a ptrace-stop, is killed. The tracer then interrupts
// every thread and detaches each at its next stop, which is recorded
// first: with PTRACE_DETACH, passing on a signal about to be delivered; a
// thread in a group-stop (SIGSTOP) stays stopped, as the kernel keeps it
// after the detach, until SIGCONT. A syscall that the interrupt cut
// (an exit returning a restart code) is not recorded: the kernel restarts
// it after the detach. Each thread's last event is its KIND_DETACH, with
// the syscall it was in. A thread that does not stop within two seconds
// (an uninterruptible sleep) is recorded as detached and left to the
// kernel. What is left are the marks of any ptrace attach, strace -p's
// too: the calls that Linux never restarts after an interruption
// (epoll_wait, sigtimedwait and the others signal(7) lists) fail with
// EINTR when the attach or the detach interrupts them, and the recording
// took time.
//
// Placement follows the model of a started program (see Placement), from
// each attached thread's own CPU mask, which it keeps seeing: a thread
// starts on its own CPUs and comes to the tracer's CPU once its stops say
// it makes syscalls often, if its mask holds that CPU; a computing thread
// is not moved, so a server keeps its parallelism and the CPUs it was
// given (less the tracer's CPU while it is reserved). Options.Pin or Options.UseCPU puts every traced thread on the
// tracer's CPU, Options.NoPin moves none. Each thread trec moved gets its
// own mask back at the detach. See PERFORMANCE.md for the measurements.
//
// # Captures
//
// The argument kinds of package sysent say what to capture: paths, argv
// and input buffers, iovecs, sockaddrs and structs at entry, output
// buffers and structs at exit of a successful call. Memory is read with
// process_vm_readv, strings a page at a time, iovec buffers in one call,
// with PTRACE_PEEKDATA only as a fallback. Buffers are cut at
// Options.CaptureSize, and all of one event's captures together at
// MaxCaptureSize, so that every event is a record readers accept; a cut
// capture keeps the full length in Size. A
// string without its NUL within PATH_MAX is kept cut, with Size one more
// than its length. A msghdr's control data is captured whole (up to 4
// KiB) whatever the capture size, as sockaddrs are.
//
// sysent.Syscall.Extra names what a syscall needs beyond its kinds, taken
// at its exit (capture_extra_linux.go): the struct an ioctl request or a
// fcntl command points at, prctl's strings, futex timeouts, the remainder
// of an interrupted sleep, pselect6's mask, the iovec arrays the kernel
// fills, the fds SCM_RIGHTS brought, getdents' entry count when the
// capture size cut the buffer. Only rt_sigreturn's mask (read from the
// signal frame below the stack pointer) and recvmsg's header (before the
// kernel rewrites msg_namelen) are read at entry. A signal event keeps
// the first 48 bytes of its siginfo.
//
// # Hooks
//
// Options.Hooks change what the program sees (package hook), from its exec
// on. The hooker (hook_linux.go) runs them as a hook.Chain at the entry and
// exit stops of the syscalls they select, through a hook.Call backed by the
// stopped thread: its arguments, its memory (strings the recorder already
// captured come from the capture), and /proc/TID for the working
// directory, fds and symbolic links. The applier (apply_linux.go) carries
// out the Decision, and anything else in the recorder that must change what
// a thread's syscall does uses it the same way: at the entry stop, the
// number -1 skips the call, whose result is set at its exit stop; the
// argument registers change; data a hook places (a rewritten path) is
// written below the thread's stack pointer, past the 128-byte red zone, so
// that nothing of the program's memory is overwritten. At the exit stop the
// changed argument registers are put back, as the syscall ABI promises the
// program (but after a successful execve, whose registers are the new
// program's). The applier uses PTRACE_SET_SYSCALL_INFO (Linux 6.16) and,
// where the kernel lacks it, PTRACE_GETREGSET and PTRACE_SETREGSET with the
// per-architecture register layouts of regs_linux_*.go.
//
// A delay holds the thread in its stop while the tracer goes on with the
// others, taking their stops at least every millisecond until the delay
// ends. A signal is sent with tgkill at the stop and delivered when the
// call returns. A call a hook changed is recorded whole (enter, a
// KindHook record per change, exit) whatever Filter selects, and the
// trailer counts the calls each hook and rule saw and changed.
//
// With a Filter, the seccomp filter also selects every syscall a hook
// selects. Denying calls with SECCOMP_RET_ERRNO in the filter would cost
// no stop, but the tracer would neither see nor count nor record them, so
// denied calls stop like the others: a program makes few calls that fail.
// Hooks that look at paths share a cache (pathcache_linux.go) of what fds
// and working directories name and which paths are symbolic links; the
// syscalls that can change them (close, dup2, rename, chdir, ...) stop too
// and empty what they may have changed.
//
// # Replayable recordings and driven runs
//
// Options.Replayable records what a re-execution needs (trec record
// --replayable, replayable_linux.go): every syscall; the buffers the
// kernel writes whole, up to MaxCaptureSize (a notice says when one was
// larger); what ioctl, fcntl and prctl return through their pointer; at
// every exec, the 16 AT_RANDOM bytes, read from the auxiliary vector on
// the new stack, and AT_SYSINFO_EHDR cleared there, so that the C library
// and the Go runtime find no vDSO and read clocks with syscalls; the
// environment and the inherited signal state in the header. Address space
// randomization is off (ADDR_NO_RANDOMIZE, set on the tracer's thread and
// inherited by the program), as gdb turns it off for the programs it
// starts.
//
// Options.Driver makes Run a driven run instead of a recording (trec
// replay --exec, drive_linux.go): no trace is written; every stop is
// handed to the Driver, which resumes the thread at once or holds it and
// resumes it later, and changes its syscall through the applier the hooks
// use (skip it, rewrite it, set its result, write its memory), its
// AT_RANDOM bytes or its siginfo. The tracer's loop, thread table and
// stop handling are the recorder's: the driver only decides when and how
// each thread goes on.
//
// # Performance
//
// PERFORMANCE.md says where a recording's time goes per stop, what the
// seccomp filter costs, and when pinning pays.
//
// # Process-wide side effects
//
// While a recording runs, SIGCHLD is ignored in the calling process (every
// ptrace stop would otherwise cost a signal handler run in the tracer);
// Go's handler is reinstalled when Run returns. Waiting for other children
// of the process during a recording fails. Run also makes the process a
// child subreaper so that the program's orphans are reaped by it.
package record
