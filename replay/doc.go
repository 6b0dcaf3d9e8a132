// Package replay runs hooks (package hook) offline over a recording and
// reports what they would have changed: trec replay --sandbox, --deny,
// --inject, --redirect-fd, --map-path. Exec runs a replayable recording's
// program again and serves it the recording: trec replay --exec (see
// "Running the program again" below). It answers "what would this policy
// have done to this run?" in the time it takes to read the trace, as often
// as a policy needs refining, and in CI as a check that a program's
// recorded behaviour still fits the policy it ships with.
//
// # The same hooks
//
// Run drives a hook.Chain, the one trec record drives live, over the
// recorded calls: the hooks are the same values with the same code, and
// only the hook.Call differs. Here a Call is built from the recorded
// events: the arguments and the result, the captured strings, buffers and
// structs as the program's memory, and the state a hook reads, followed
// through the trace by analyze's Walker: the working directory (the
// header's, then chdir and fchdir as the recorder read them), what each fd
// refers to (opens, dups, closes, close-on-exec across execs, inheritance
// across forks, the CAPTURE_FD links). Hooks that count (inject's when=)
// count per thread from the trace's own calls, and forget a thread when
// the trace says it ended.
//
// The calls are the program's own: in a trace recorded with live hooks the
// KIND_HOOK records say what those hooks changed, and a replay undoes it.
// It sees the arguments the program passed and the result the kernel gave
// (a result a recorded hook rewrote is taken from the record's old value).
// A call a recorded hook skipped never ran; its result is the one that
// hook gave.
//
// # What a recording cannot tell
//
// A hook that needs something the recording lacks gets an error wrapping
// hook.ErrUnavailable and reports the call as undecidable, never a guess:
// a string captured in part or not at all, an fd whose target the trace
// does not know (opened before an attach, created by a call a filtered
// recording left out), a working directory a filtered recording could not
// follow. Results count such calls apart (Result.Undecidable), and
// Result.Incomplete lists what makes the whole trace an incomplete
// witness: a recording made with -e trace= that holds no calls of
// syscalls the hooks act on, a trace thinned by trec filter, a trace cut
// short.
//
// Symbolic links are not in a recording. The sandbox resolves paths as the
// kernel does, through the links; a replay reads them from the symbolic
// links the program itself created or removed during the recording, from
// the /proc magic links of the recorded processes (served from the trace's
// fd tables), and else from the file system under Options.Root. By default
// that is "/" when the trace was recorded on this host (its header's
// hostname is this one's), and nothing otherwise: every link lookup is
// then undecidable until Root names a copy of the recording machine's
// file system.
//
// # Output
//
// Each call a hook would change is printed as trec dump prints a call that
// hooks changed live: the program's arguments with the new ones beside
// them, the result the program would have seen, and what decided:
//
//	[pid  4242] openat(AT_FDCWD, "/etc/shadow", O_RDONLY) = -1 EACCES (Permission denied) (sandbox: deny /etc/shadow)
//	[pid  4242] write(1 => 2, "hello\n", 6) = 6 (redirect-fd: 1:2)
//
// The changes become hook records (format.Hook) of the call, which
// analyze's Printer prints, so a replay's listing and trec dump's of a
// live recording read the same. An undecidable call follows with the
// reason: "(sandbox undecidable: fd 5: ...)". Then comes a table per hook
// and per rule: calls seen, changed, undecidable. With Options.JSON the
// output is one JSON object whose calls are trec dump --json's objects
// with "hooks" and "undecidable" arrays (format/JSON.md).
//
// # Running the program again
//
// Exec re-runs the program of a recording made with trec record
// --replayable (record.Options.Replayable) under record's tracer, as its
// record.Driver: no second ptrace loop, and calls are skipped, rewritten
// and given results with the applier the hooks use. The program starts
// with the recorded argv, environment, working directory, inherited
// signals and fds above 2 (as /dev/null), address space randomization off
// and the vDSO off as when it was recorded; each exec gets the recorded
// AT_RANDOM bytes.
//
// Each live stop is matched with its thread's next recorded event: a
// syscall entry must be the same syscall with the same scalar arguments
// (the low 32 bits: an int's register holds nothing defined above them;
// pointers are not compared) and the same strings and bytes the call
// reads (paths, argv, written buffers, sockaddrs). Then the call is served
// or run (exec_calls.go): what comes from outside the process (reads,
// receives, clocks, random bytes, pids, stat, getdents, poll readiness,
// ioctl results, sockets) is served, the call skipped and its recorded
// result and output memory given; what shapes the process (memory,
// signal handlers, threads, forks and execs, fd table changes) runs for
// real. A call that made an fd without running keeps the fd number with a
// copy of a spare /dev/null fd (spareFD) at the recorded number. A
// read-only open of a file or directory that exists runs, for the
// program's mappings and its cwd. Writes to the standard output or error
// trec replay prints to are made (unless QuietOutput); other writes are
// served. A failure is always served.
//
// Threads go on in the recorded order of their stops, one at a time
// (exec_sched.go): a recording made on one CPU ran one thread at a time
// too. Waits (futex, sched_yield, short sleeps) are matched loosely,
// since whether a thread has to wait depends on which thread got to shared
// memory first, and the pairing of a recorded futex wait with its wake
// tells which thread must go first. Signals are delivered where the
// recording had them, with their recorded siginfo; signals of today's
// world are kept from the program.
//
// At the first stop that does not match, Exec kills the program and
// returns a Divergence: the event, the recorded call and the live one, and
// the thread's calls before it, which WriteText prints in trec dump's
// notation and ExecResult.WriteJSON as one object. Until stops before an
// event and leaves the program stopped and detached, for a debugger.
package replay
