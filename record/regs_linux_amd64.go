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

// regs is a thread's general registers, as PTRACE_GETREGSET with
// NT_PRSTATUS reads them: the applier's fallback where
// PTRACE_SET_SYSCALL_INFO is missing (before Linux 6.16).
type regs struct{ r unix.PtraceRegs }

// retIsArg0 is set where the result register is the first argument's
// (aarch64's x0); on x86_64 the kernel preserves every argument register.
const retIsArg0 = false

func (g *regs) get(tid int) error { return getRegset(tid, unix.NT_PRSTATUS, &g.r) }
func (g *regs) set(tid int) error { return setRegset(tid, unix.NT_PRSTATUS, &g.r) }

// setNr sets the syscall number: orig_rax, which the kernel reads after the
// entry and seccomp stops; -1 skips the call.
func (g *regs) setNr(tid int, nr int64) error {
	if err := g.get(tid); err != nil {
		return err
	}
	g.r.Orig_rax = uint64(nr)
	return g.set(tid)
}

// nr returns the number of the syscall the thread is in, -1 when it is in
// none: orig_rax, read by get.
func (g *regs) nr(int) (int, error) { return int(int64(g.r.Orig_rax)), nil }

// args returns pointers to the argument registers, in order.
func (g *regs) args() [6]*uint64 {
	r := &g.r
	return [6]*uint64{&r.Rdi, &r.Rsi, &r.Rdx, &r.R10, &r.R8, &r.R9}
}

// ret returns a pointer to the result register.
func (g *regs) ret() *uint64 { return &g.r.Rax }
