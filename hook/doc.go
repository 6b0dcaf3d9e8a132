// Package hook changes what a traced program sees: it fails, skips,
// rewrites, delays or signals syscalls. A Hook looks at a Call at its
// entry and at its exit and answers with an Action; a Chain runs several
// hooks in order and combines their actions into a Decision, which the
// caller applies.
//
// The package decides and never applies. Live, package record backs each
// Call with a stopped thread and applies the Decision to its registers and
// memory (trec record --inject, --deny, --redirect-fd, --map-path,
// --sandbox); offline, a replay backs it with a recording's events and
// reports what the hooks would have done. The same hook code runs in both:
// a Call holds no ptrace handle, its memory is read through Memory, and
// the state a hook needs to resolve a path (the working directory, what an
// fd refers to, symbolic links) comes from the Call too. A Call that
// cannot answer returns an error wrapping ErrUnavailable, and a hook that
// meets one reports, in Action.Err, that it could not decide.
//
// # Built-in hooks
//
// Inject is strace's --inject, with its syntax and its counting. Deny
// fails a set of syscalls. RedirectFD moves writes from one fd to another.
// MapPath rewrites paths under one directory to another. Sandbox is a path
// policy. Each parses its specification with a Parse function that returns
// a *SpecError naming the column (or the file, line and column) at fault.
//
// # Paths
//
// PathArgs lists the path arguments of a call, each with its dirfd,
// whether the call reads or writes what it names, and whether it follows a
// symbolic link in the last component (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW,
// lstat, unlink, rename, ...). Resolve turns one into the absolute path
// the kernel will use: relative to its dirfd or the working directory,
// symbolic links followed through the Call, ".." taken after them,
// /proc/self and the magic links under /proc/PID followed to what they
// refer to, openat2's RESOLVE_IN_ROOT honoured. Absolute does the lexical
// part only.
//
// # What the sandbox is not
//
// Sandbox is a policy check made at the syscall's entry, in the tracer,
// not a security boundary. Between the check and the kernel's use of the
// path another thread, another process or the program itself can change
// what the path names (rename a directory, replace a component by a
// symbolic link, rewrite the path string in memory): the kernel then
// resolves something else than what was checked. Use it to learn and to
// confine a cooperating program (a test, a build step), and a kernel
// mechanism (Landlock, namespaces, seccomp with user notification) to
// contain one that may be hostile. Calls made through io_uring do not pass
// through syscalls the sandbox sees: io_uring_setup fails with ENOSYS
// under a sandbox.
package hook
