// Package seccomp builds and installs the seccomp-bpf filter that trec uses
// for selective tracing (`trec record -e trace=SET`).
//
// The filter returns SECCOMP_RET_TRACE for the selected syscalls and
// SECCOMP_RET_ALLOW for every other one, so an unselected syscall runs at
// nearly native speed and never stops the tracee. [Filter] builds the
// program as classic BPF; [Install] loads it into the calling process.
//
// A traced program gets the filter through a shim: trec re-executes itself,
// the shim calls [Install] and then execve(2)s the target, which inherits the
// filter. For the filter to do what it should, the tracer must:
//
//   - set PTRACE_O_TRACESECCOMP on the tracee before the shim calls
//     [Install]. A SECCOMP_RET_TRACE without a tracer that asked for
//     seccomp stops makes the syscall fail with ENOSYS instead of running it;
//   - resume with PTRACE_CONT, so that only the filter decides where the
//     tracee stops, and resume a seccomp stop with PTRACE_SYSCALL to see the
//     syscall's exit;
//   - expect seccomp stops for a foreign ABI: see [Filter].
//
// Errors: [Filter] fails with an error wrapping [ErrTooLarge] when the
// program would exceed the kernel's limit of BPF_MAXINSNS (4096)
// instructions, which no subset of a real syscall table reaches, and with a
// plain error for a number that cannot be a syscall number. [Install] returns
// the kernel's errno wrapped with what it was doing; a kernel without
// seccomp filters gives EINVAL from prctl(PR_SET_SECCOMP).
package seccomp
