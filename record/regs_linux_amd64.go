//go:build linux && amd64

package record

import (
	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/sysent"
)

// nativeArch is the syscall ABI of the tracer's own architecture, the one
// whose table decodes the tracees' syscalls. A syscall of another ABI
// (i386's, through int 0x80) is not recorded, since its number names
// another call here; the tracer says so once on Options.Log.
const nativeArch = sysent.X86_64

// syscallRegs reads, at a stop outside syscall tracing (the first stop of
// a thread trec attached to), the syscall the thread is in: its number, -1
// when it is in none; the value it returns, meaningful once it returned;
// and its arguments. PTRACE_GET_SYSCALL_INFO tells these only at syscall
// stops.
func syscallRegs(tid int) (nr int, ret int64, args [6]uint64, err error) {
	var r unix.PtraceRegs
	if err := unix.PtraceGetRegs(tid, &r); err != nil {
		return -1, 0, args, err
	}
	return int(int64(r.Orig_rax)), int64(r.Rax), [6]uint64{r.Rdi, r.Rsi, r.Rdx, r.R10, r.R8, r.R9}, nil
}
