// Package seccomp builds and installs the seccomp-bpf filter that trec uses
// for selective tracing (`trec record -e trace=SET`).
//
// The filter returns SECCOMP_RET_TRACE for the selected syscalls and
// SECCOMP_RET_ALLOW for every other one, so an unselected syscall runs at
// nearly native speed and never stops the tracee. [Filter] builds the
// program as classic BPF ([FilterFrom] when the set also holds the numbers
// past the syscall table's end, as a negated set does). [InstallThread]
// loads it on the calling thread, [Install] on every thread of the process;
// [TraceAvailable] says beforehand whether the kernel can run it.
//
// A traced program gets the filter through a shim: trec re-executes itself,
// the shim calls [InstallThread] on the thread its tracer seized and then
// execve(2)s the target from that thread, and the target inherits the
// filter. For the filter to do what it should, the tracer must:
//
//   - set PTRACE_O_TRACESECCOMP on the tracee before the shim installs the
//     filter. A SECCOMP_RET_TRACE without a tracer that asked for seccomp
//     stops makes the syscall fail with ENOSYS instead of running it;
//   - resume with PTRACE_CONT, so that only the filter decides where the
//     tracee stops, and resume a seccomp stop with PTRACE_SYSCALL to see the
//     syscall's exit;
//   - expect seccomp stops for a foreign ABI: see [Filter].
//
// Errors: [Filter] fails with an error wrapping [ErrTooLarge] when the
// program would exceed the kernel's limit of BPF_MAXINSNS (4096)
// instructions, which no subset of a real syscall table reaches, and with a
// plain error for a number that cannot be a syscall number. [Install] and
// [InstallThread] return the kernel's errno wrapped with what they were
// doing; a kernel without seccomp filters gives EINVAL from
// prctl(PR_SET_SECCOMP). [TraceAvailable] wraps ENOSYS or EOPNOTSUPP.
package seccomp
