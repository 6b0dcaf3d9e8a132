//go:build linux && amd64

package record

import "github.com/trecdev/trec/sysent"

// nativeArch is the syscall ABI of the tracer's own architecture, the one
// whose table decodes the tracees' syscalls. A syscall of another ABI
// (i386's, through int 0x80) is not recorded, since its number names
// another call here; the tracer says so once on Options.Log.
const nativeArch = sysent.X86_64

// Register access (PTRACE_GETREGS, PTRACE_SETREGS) goes here when hooks
// that rewrite syscalls need it: PTRACE_GET_SYSCALL_INFO already gives the
// number, the arguments and the return value.
