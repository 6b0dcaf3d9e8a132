//go:build linux

package record

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

const ptraceSetSyscallInfo = 0x4212

const redZone = 128

var errNoPlace = errors.New("no writable memory below the stack pointer")

type applier struct {
	mem  *memReader
	info syscallInfo
	regs regs
}

func newApplier(mem *memReader, setInfo bool) *applier { return &applier{mem: mem} }

func (a *applier) setEntry(tid int, si *syscallInfo, nr int64, args *[6]uint64) error {
	a.info = *si
	a.info.Nr, a.info.Args = uint64(nr), *args
	return ptraceData(ptraceSetSyscallInfo, tid, uintptr(syscallInfoBufferSize), unsafe.Pointer(&a.info))
}

func (a *applier) setRet(tid int, si *syscallInfo, ret int64) error {
	a.info = *si
	a.info.Nr = uint64(ret)
	a.info.Args[0] &^= 0xff
	if ret < 0 && ret >= -4095 {
		a.info.Args[0] |= 1
	}
	return ptraceData(ptraceSetSyscallInfo, tid, uintptr(syscallInfoBufferSize), unsafe.Pointer(&a.info))
}

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

func (a *applier) write(tid int, addr uint64, data []byte) error {
	if !a.mem.write(tid, data, addr) {
		return fmt.Errorf("write %d bytes at %#x in %d: %w", len(data), addr, tid, unix.EFAULT)
	}
	return nil
}

func placeBase(sp uint64) uint64 { return sp - redZone }

func ptraceData(req, tid int, addr uintptr, data unsafe.Pointer) error {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, uintptr(data), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

type regs struct{ r unix.PtraceRegs }

func (g *regs) setNr(tid int, nr int64) error {
	iov := unix.Iovec{Base: (*byte)(unsafe.Pointer(&g.r))}
	iov.SetLen(int(unsafe.Sizeof(g.r)))
	if err := ptraceData(unix.PTRACE_GETREGSET, tid, uintptr(unix.NT_PRSTATUS), unsafe.Pointer(&iov)); err != nil {
		return err
	}
	g.r.Orig_rax = uint64(nr)
	return ptraceData(unix.PTRACE_SETREGSET, tid, uintptr(unix.NT_PRSTATUS), unsafe.Pointer(&iov))
}
