//go:build linux

package record

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ptraceSetSyscallInfo is PTRACE_SET_SYSCALL_INFO (Linux 6.16).
const ptraceSetSyscallInfo = 0x4212

// redZone is the bytes below the stack pointer that the program may use
// without moving it (x86_64's ABI; aarch64 has none, and leaving it costs
// nothing).
const redZone = 128

// errNoPlace is returned when data cannot be placed in a program's memory.
var errNoPlace = errors.New("no writable memory below the stack pointer")

// applier changes what a stopped thread's syscall does: its number (-1 skips
// it), its arguments, its result, and memory the arguments point at. Hooks
// use it through the hooker; anything else in the recorder that must make a
// thread see other results uses it the same way. Every method must be called
// at the kind of stop it names, on the tracer's thread.
//
// It uses PTRACE_SET_SYSCALL_INFO where the kernel has it and the registers
// (PTRACE_GETREGSET, PTRACE_SETREGSET) otherwise; the first failure of the
// former with EIO or EINVAL switches to the latter for good.
type applier struct {
	mem *memReader
	// setInfo is set while PTRACE_SET_SYSCALL_INFO is to be tried.
	setInfo bool
	info    syscallInfo
	regs    regs
}

func newApplier(mem *memReader, setInfo bool) *applier {
	return &applier{mem: mem, setInfo: setInfo}
}

// usesSetInfo reports whether the applier still uses PTRACE_SET_SYSCALL_INFO.
func (a *applier) usesSetInfo() bool { return a.setInfo }

// setEntry sets the syscall's number and arguments at an entry or seccomp
// stop; si is what PTRACE_GET_SYSCALL_INFO read at that stop. nr -1 skips
// the call: it does not run, and its result is what setRet sets at the
// exit stop (-ENOSYS until then).
func (a *applier) setEntry(tid int, si *syscallInfo, nr int64, args *[6]uint64) error {
	if a.setInfo {
		a.info = *si
		a.info.Nr, a.info.Args = uint64(nr), *args
		err := a.trySetInfo(tid)
		if err == nil || !a.fallback(err) {
			return err
		}
	}
	if uint64(nr) != si.Nr {
		if err := a.regs.setNr(tid, nr); err != nil {
			return err
		}
	}
	if nr == -1 || *args == si.Args {
		return nil
	}
	return a.setArgRegs(tid, args, 0x3f)
}

// setRet sets the result the program sees at an exit stop: a value, or
// -errno.
func (a *applier) setRet(tid int, si *syscallInfo, ret int64) error {
	if a.setInfo {
		a.info = *si
		a.info.Nr = uint64(ret)
		a.info.Args[0] &^= 0xff
		if ret < 0 && ret >= -4095 {
			a.info.Args[0] |= 1
		}
		err := a.trySetInfo(tid)
		if err == nil || !a.fallback(err) {
			return err
		}
	}
	if err := a.regs.get(tid); err != nil {
		return err
	}
	*a.regs.ret() = uint64(ret)
	return a.regs.set(tid)
}

// restoreArgs puts the argument registers in mask back to args at an exit
// stop: the kernel's ABI preserves them across a syscall, and a program may
// rely on it. Where the result shares the first argument's register, that
// one is left to the result.
func (a *applier) restoreArgs(tid int, args *[6]uint64, mask uint8) error {
	if retIsArg0 {
		mask &^= 1
	}
	if mask == 0 {
		return nil
	}
	return a.setArgRegs(tid, args, mask)
}

func (a *applier) setArgRegs(tid int, args *[6]uint64, mask uint8) error {
	if err := a.regs.get(tid); err != nil {
		return err
	}
	for i, r := range a.regs.args() {
		if mask&(1<<i) != 0 {
			*r = args[i]
		}
	}
	return a.regs.set(tid)
}

// place writes data into the memory of the stopped thread tid below
// *below, an address at or under its stack pointer less the red zone, and
// returns the address, 16-byte aligned; *below moves down past it for the
// next piece. The program's own data is never overwritten: the stack below
// the red zone is free while the thread is in a syscall.
func (a *applier) place(tid int, below *uint64, data []byte) (uint64, error) {
	n := uint64(len(data))
	if *below < n+16 {
		return 0, errNoPlace
	}
	addr := (*below - n) &^ 15
	if err := a.write(tid, addr, data); err != nil {
		return 0, fmt.Errorf("%w: %v", errNoPlace, err)
	}
	*below = addr
	return addr, nil
}

// write copies data into the memory of the stopped thread tid at addr:
// process_vm_writev, or PTRACE_POKEDATA where that cannot (a page without
// write permission).
func (a *applier) write(tid int, addr uint64, data []byte) error {
	if !a.mem.write(tid, data, addr) {
		return fmt.Errorf("write %d bytes at %#x in %d: %w", len(data), addr, tid, unix.EFAULT)
	}
	return nil
}

// placeBase returns where place starts for a thread whose stack pointer is
// sp.
func placeBase(sp uint64) uint64 { return sp - redZone }

func (a *applier) trySetInfo(tid int) error {
	a.info.reserved, a.info.flags = 0, 0
	return ptraceData(ptraceSetSyscallInfo, tid, uintptr(syscallInfoBufferSize), unsafe.Pointer(&a.info))
}

// fallback reports whether err says the kernel lacks PTRACE_SET_SYSCALL_INFO,
// and if so switches to the registers.
func (a *applier) fallback(err error) bool {
	if err == unix.EIO || err == unix.EINVAL {
		a.setInfo = false
		return true
	}
	return false
}

// ptraceData makes a ptrace request whose data argument is a pointer.
func ptraceData(req, tid int, addr uintptr, data unsafe.Pointer) error {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, uintptr(data), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// getRegset and setRegset read and write one register set (NT_*) of a
// stopped thread with PTRACE_GETREGSET and PTRACE_SETREGSET.
func getRegset[T any](tid int, nt int, v *T) error {
	iov := unix.Iovec{Base: (*byte)(unsafe.Pointer(v))}
	iov.SetLen(int(unsafe.Sizeof(*v)))
	return ptraceData(unix.PTRACE_GETREGSET, tid, uintptr(nt), unsafe.Pointer(&iov))
}

func setRegset[T any](tid int, nt int, v *T) error {
	return setRegsetRaw(tid, nt, unsafe.Pointer(v), unsafe.Sizeof(*v))
}

func setRegsetRaw(tid int, nt int, p unsafe.Pointer, n uintptr) error {
	iov := unix.Iovec{Base: (*byte)(p)}
	iov.SetLen(int(n))
	return ptraceData(unix.PTRACE_SETREGSET, tid, uintptr(nt), unsafe.Pointer(&iov))
}
