//go:build linux && arm64

package record

import "github.com/trecdev/trec/sysent"

// nativeArch is the syscall ABI of the tracer's own architecture, the one
// whose table decodes the tracees' syscalls.
const nativeArch = sysent.ARM64

// Register access (PTRACE_GETREGSET with NT_PRSTATUS) goes here when hooks
// that rewrite syscalls need it.
