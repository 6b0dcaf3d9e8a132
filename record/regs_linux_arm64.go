//go:build linux && arm64

package record

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/trecdev/trec/sysent"
)

// nativeArch is the syscall ABI of the tracer's own architecture, the one
// whose table decodes the tracees' syscalls.
const nativeArch = sysent.ARM64

// regs is a thread's general registers, as PTRACE_GETREGSET with
// NT_PRSTATUS reads them: the applier's fallback where
// PTRACE_SET_SYSCALL_INFO is missing (before Linux 6.16).
type regs struct{ r unix.PtraceRegs }

// retIsArg0 is set where the result register is the first argument's: x0
// holds the first argument at the entry and the result at the exit.
const retIsArg0 = true

func (g *regs) get(tid int) error { return getRegset(tid, unix.NT_PRSTATUS, &g.r) }
func (g *regs) set(tid int) error { return setRegset(tid, unix.NT_PRSTATUS, &g.r) }

// setNr sets the syscall number, which aarch64 keeps apart from x8 in its
// own register set (NT_ARM_SYSTEM_CALL); -1 skips the call.
func (g *regs) setNr(tid int, nr int64) error {
	v := int32(nr)
	return setRegsetRaw(tid, unix.NT_ARM_SYSTEM_CALL, unsafe.Pointer(&v), unsafe.Sizeof(v))
}

// nr returns the number of the syscall the thread is in, -1 when it is in
// none, from NT_ARM_SYSTEM_CALL.
func (g *regs) nr(tid int) (int, error) {
	var v int32
	err := getRegset(tid, unix.NT_ARM_SYSTEM_CALL, &v)
	return int(v), err
}

// args returns pointers to the argument registers, in order.
func (g *regs) args() [6]*uint64 {
	r := &g.r.Regs
	return [6]*uint64{&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]}
}

// ret returns a pointer to the result register.
func (g *regs) ret() *uint64 { return &g.r.Regs[0] }
