//go:build linux

package record

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ptrace requests and constants that golang.org/x/sys/unix does not wrap
// the way the tracer needs them.
const (
	ptraceGetSyscallInfo = 0x420e

	ptraceEventFork       = 1
	ptraceEventVfork      = 2
	ptraceEventClone      = 3
	ptraceEventExec       = 4
	ptraceEventVforkDone  = 5
	ptraceEventExit       = 6
	ptraceEventSeccomp    = 7
	ptraceEventStop       = 128
	syscallStopSig        = int(unix.SIGTRAP) | 0x80
	syscallInfoNone       = 0
	syscallInfoEntry      = 1
	syscallInfoExit       = 2
	syscallInfoSeccomp    = 3
	syscallInfoBufferSize = int(unsafe.Sizeof(syscallInfo{}))
)

// shimOptions are the ptrace options while the shim runs: the shim's Go
// runtime may start threads, and those must not become tracees.
const shimOptions = unix.PTRACE_O_EXITKILL | unix.PTRACE_O_TRACESYSGOOD | unix.PTRACE_O_TRACEEXEC

// traceOptions are the ptrace options from the target's exec on.
const traceOptions = shimOptions | unix.PTRACE_O_TRACECLONE | unix.PTRACE_O_TRACEFORK | unix.PTRACE_O_TRACEVFORK

// ptrace makes one ptrace request. Every call must come from the tracer's
// locked OS thread.
func ptrace(req int, tid int, addr, data uintptr) error {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, data, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// seize attaches to tid with PTRACE_SEIZE and options.
func seize(tid int, options int) error {
	return ptrace(unix.PTRACE_SEIZE, tid, 0, uintptr(options))
}

// eventMsg returns PTRACE_GETEVENTMSG's message.
func eventMsg(tid int) (uint64, error) {
	var msg uint64
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, unix.PTRACE_GETEVENTMSG, uintptr(tid), 0, uintptr(unsafe.Pointer(&msg)), 0, 0)
	if e != 0 {
		return 0, e
	}
	return msg, nil
}

// syscallInfo is struct ptrace_syscall_info. The union is laid out as the
// entry variant; exit and seccomp stops read it through accessors.
type syscallInfo struct {
	Op uint8
	// reserved and flags must be zero for PTRACE_SET_SYSCALL_INFO.
	reserved uint8
	flags    uint16
	Arch     uint32
	IP       uint64
	SP       uint64
	// Nr is the syscall number at entry and seccomp stops, the return
	// value at exit stops.
	Nr uint64
	// Args are the arguments at entry and seccomp stops; at exit stops
	// the low byte of Args[0] is is_error.
	Args    [6]uint64
	RetData uint32
	_       uint32
}

// rval returns the return value at an exit stop.
func (si *syscallInfo) rval() int64 { return int64(si.Nr) }

// getSyscallInfo fills si from PTRACE_GET_SYSCALL_INFO.
func getSyscallInfo(tid int, si *syscallInfo) error {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, ptraceGetSyscallInfo, uintptr(tid),
		uintptr(syscallInfoBufferSize), uintptr(unsafe.Pointer(si)), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// siginfo is the raw siginfo_t of PTRACE_GETSIGINFO.
type siginfo [128]byte

func getSiginfo(tid int, si *siginfo) error {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, unix.PTRACE_GETSIGINFO, uintptr(tid), 0, uintptr(unsafe.Pointer(si)), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// The siginfo_t fields a trace keeps; the offsets are those of the 64-bit
// layout shared by amd64 and arm64.
func (si *siginfo) signo() int32 { return int32(binary.NativeEndian.Uint32(si[0:])) }
func (si *siginfo) errno() int32 { return int32(binary.NativeEndian.Uint32(si[4:])) }
func (si *siginfo) code() int32  { return int32(binary.NativeEndian.Uint32(si[8:])) }
func (si *siginfo) pid() int32   { return int32(binary.NativeEndian.Uint32(si[16:])) }
func (si *siginfo) uid() uint32  { return binary.NativeEndian.Uint32(si[20:]) }
func (si *siginfo) status() int32 {
	return int32(binary.NativeEndian.Uint32(si[24:]))
}
func (si *siginfo) addr() uint64 { return binary.NativeEndian.Uint64(si[16:]) }

// wait4 waits for any child or tracee of the calling thread only
// (__WNOTHREAD), so that recordings on other threads of this process are
// not disturbed.
func wait4(pid int, ws *unix.WaitStatus, options int) (int, error) {
	return unix.Wait4(pid, ws, options|unix.WALL|unix.WNOTHREAD, nil)
}

// takeStop returns a stop that is already there, or 0 when there is none,
// with a non-blocking wait4. It is a raw syscall: it returns at once.
func takeStop(ws *unix.WaitStatus) int {
	var status int32
	tid, _, e := unix.RawSyscall6(unix.SYS_WAIT4, ^uintptr(0), uintptr(unsafe.Pointer(&status)),
		unix.WNOHANG|unix.WALL|unix.WNOTHREAD, 0, 0, 0)
	if e != 0 || tid == 0 {
		return 0
	}
	*ws = unix.WaitStatus(status)
	return int(tid)
}

// yield gives the CPU to another runnable thread on it, if there is one.
func yield() { unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0) }
