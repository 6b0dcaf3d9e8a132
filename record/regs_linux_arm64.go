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

// syscallRegs reads, at a stop outside syscall tracing (the first stop of
// a thread trec attached to), the syscall the thread is in: its number, -1
// when it is in none; the value it returns, meaningful once it returned;
// and its arguments (the first one is the return value's register once
// the call returned). PTRACE_GET_SYSCALL_INFO tells these only at syscall
// stops.
func syscallRegs(tid int) (nr int, ret int64, args [6]uint64, err error) {
	var r unix.PtraceRegsArm64
	if err := unix.PtraceGetRegSetArm64(tid, unix.NT_PRSTATUS, &r); err != nil {
		return -1, 0, args, err
	}
	var no int32
	iov := unix.Iovec{Base: (*byte)(unsafe.Pointer(&no)), Len: 4}
	if err := ptrace(unix.PTRACE_GETREGSET, tid, unix.NT_ARM_SYSTEM_CALL, uintptr(unsafe.Pointer(&iov))); err != nil {
		return -1, 0, args, err
	}
	copy(args[:], r.Regs[:6])
	return int(no), int64(r.Regs[0]), args, nil
}
